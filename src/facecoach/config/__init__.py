"""User files: where they live, settings, and one reader for every TOML file."""
