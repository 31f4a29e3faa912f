"""Adherence: the SQLite session log, goals, streaks, habit strength and stats (no UI imports).

Import from the submodules (`store`, `goals`, `stats`, ...); this package stays empty so that
importing one part does not load the others.
"""
