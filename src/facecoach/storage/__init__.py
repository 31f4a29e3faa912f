"""SQLite: opening, pragmas, migrations and errors, for every domain's tables."""
