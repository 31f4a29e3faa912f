from facecoach.cli import main

raise SystemExit(main())
