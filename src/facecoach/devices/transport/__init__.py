"""facecoach's own ways onto the radio besides the operating system's (production code)."""
