"""The schema of the facecoach database, every domain's tables, as ordered migrations.

Migration N brings a database from user_version N-1 to N. Each runs in one write transaction; a
migration is never edited once released, only followed by another.
"""

APPLICATION_ID = 0x46434348  # "FCCH": marks the file as ours, so foreign databases are refused

MIGRATIONS: list[str] = [
    # 1: sessions, their zones and glides, skip days.
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        routine_id TEXT NOT NULL,
        routine_name TEXT NOT NULL,
        device TEXT,
        source TEXT NOT NULL,
        started_utc TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        ended_utc TEXT,
        updated_utc TEXT NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('in_progress', 'completed', 'partial', 'aborted')),
        planned_seconds REAL NOT NULL CHECK (planned_seconds >= 0),
        active_seconds REAL NOT NULL DEFAULT 0 CHECK (active_seconds >= 0),
        note TEXT
    );
    CREATE INDEX sessions_started ON sessions (started_utc);
    CREATE TABLE session_zones (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        zone_index INTEGER NOT NULL,
        zone TEXT NOT NULL,
        glides_planned INTEGER NOT NULL,
        glides_done INTEGER NOT NULL DEFAULT 0,
        glides_skipped INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (session_id, zone_index)
    ) WITHOUT ROWID;
    CREATE TABLE glides (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        step_index INTEGER NOT NULL,
        zone_index INTEGER NOT NULL,
        side TEXT NOT NULL,
        glide INTEGER NOT NULL,
        seconds REAL NOT NULL,
        completed_offset REAL NOT NULL,
        PRIMARY KEY (session_id, step_index)
    ) WITHOUT ROWID;
    CREATE TABLE skip_days (
        day TEXT PRIMARY KEY,
        reason TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: safety records: screening answers, injections, explicit overrides of a warning.
    """
    CREATE TABLE screenings (
        id INTEGER PRIMARY KEY,
        answered_utc TEXT NOT NULL,
        answers TEXT NOT NULL
    );
    CREATE TABLE injections (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('botox', 'filler')),
        day TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE safety_overrides (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        warning TEXT NOT NULL,
        detail TEXT NOT NULL
    );
    """,
    # 3: things that happened to a session besides glides (a device lost and found again).
    """
    CREATE TABLE session_events (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        at_utc TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX session_events_by_session ON session_events(session_id);
    """,
    # 4: deleting a session only marks it, so that it can be restored until it is purged.
    """
    ALTER TABLE sessions ADD COLUMN deleted_utc TEXT;
    CREATE INDEX sessions_deleted ON sessions (deleted_utc) WHERE deleted_utc IS NOT NULL;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
