"""Device profiles, framing, matching and golden vectors: pure, neither bleak nor Bumble."""
