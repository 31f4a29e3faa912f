"""The application core: every rule that more than one front end needs."""
