"""The `facecoach` command line: one module per command group."""
