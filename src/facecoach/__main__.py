from facecoach.cli.main import main

raise SystemExit(main())
