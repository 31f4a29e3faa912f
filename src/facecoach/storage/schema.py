"""The schema of the facecoach database, every domain's tables, as ordered migrations.

Migration N brings a database from user_version N-1 to N. The pending ones run together in one
write transaction (all or none); a migration is never edited once released, only followed by
another.
"""

APPLICATION_ID = 0x46434348  # "FCCH": marks the file as ours, so foreign databases are refused

# Migration 5's pieces. The day a session counts for, as a day number (`date.toordinal()`),
# from its UTC start and offset and the hour a new day starts: the same rule as
# `adherence.days.counting_day`, checked against it in property tests. 1721424.5 is the Julian
# day of the midnight before day number 1.
_DAY_OF = (
    "CAST(julianday({started}, printf('%+d minutes', {offset} - 60 *"
    " (SELECT day_start_hour FROM stats_rules))) - 1721424.5 AS INTEGER)"
)
_DAY_NUMBER = "CAST(julianday({day}) - 1721424.5 AS INTEGER)"  # of an ISO date
# Recounts one day of `day_totals` from the sessions that can fall on it: those that started
# within three days of it in UTC (offsets are at most 14 hours; the index on the start finds
# them), then those whose counting day it is.
_RECOUNT_DAY = """
    DELETE FROM day_totals WHERE day = {day};
    INSERT INTO day_totals (day, sessions, counted, completed, finished, active_seconds)
        SELECT day, count(*), sum(counted), sum(completed), sum(finished), total(active_seconds)
        FROM session_contributions
        WHERE started_utc BETWEEN date({day} + 1721424.5 - 3) AND date({day} + 1721424.5 + 4)
            AND day = {day}
        GROUP BY day;
"""


# The triggers below that recount a whole day for every session or zone row written: a bulk
# import of many sessions on one day would recount that day once per row (quadratic), so an
# import lifts them for its transaction and adds what it wrote to each day once.
DAY_RECOUNT_TRIGGERS = (
    "day_totals_session_added",
    "day_totals_session_changed",
    "day_totals_session_removed",
    "day_totals_zone_added",
    "day_totals_zone_changed",
    "day_totals_zone_removed",
)


def _recount(started: str, offset: str) -> str:
    return _RECOUNT_DAY.format(day=_DAY_OF.format(started=started, offset=offset))


def _live(session_id: str) -> str:
    return f"EXISTS (SELECT 1 FROM sessions WHERE id = {session_id} AND deleted_utc IS NULL)"


def _add_glides(zone: str, glides: str) -> str:
    return (
        f"INSERT INTO zone_totals (zone, glides_done) VALUES ({zone}, {glides})"
        " ON CONFLICT (zone) DO UPDATE SET glides_done = glides_done + excluded.glides_done;"
    )


def _add_session_glides(session_id: str, sign: str) -> str:
    return (
        "INSERT INTO zone_totals (zone, glides_done)"
        f" SELECT zone, {sign} * sum(glides_done) FROM session_zones"
        f" WHERE session_id = {session_id} GROUP BY zone"
        " ON CONFLICT (zone) DO UPDATE SET glides_done = glides_done + excluded.glides_done;"
    )


def _recount_session(session_id: str) -> str:
    return _recount(
        f"(SELECT started_utc FROM sessions WHERE id = {session_id})",
        f"(SELECT utc_offset_minutes FROM sessions WHERE id = {session_id})",
    )


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
    # 5: what stats need per day, kept up to date by triggers in the transaction of every write
    # (so no writer can forget it), under the counting rules in `stats_rules`, which the user's
    # settings set; changing the rules recounts every day.
    f"""
    CREATE TABLE stats_rules (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        day_start_hour INTEGER NOT NULL CHECK (day_start_hour BETWEEN 0 AND 23),
        count_share REAL NOT NULL CHECK (count_share > 0 AND count_share <= 1)
    );
    INSERT INTO stats_rules (id, day_start_hour, count_share) VALUES (1, 3, 0.5);
    CREATE TABLE day_totals (
        day INTEGER PRIMARY KEY,
        sessions INTEGER NOT NULL,
        counted INTEGER NOT NULL,
        completed INTEGER NOT NULL,
        finished INTEGER NOT NULL,
        active_seconds REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_in_progress ON sessions (status) WHERE status = 'in_progress';
    CREATE VIEW session_glides AS
        SELECT
            id,
            started_utc,
            utc_offset_minutes,
            status,
            active_seconds,
            (SELECT coalesce(sum(glides_planned), 0) FROM session_zones
                WHERE session_id = sessions.id) AS planned,
            (SELECT coalesce(sum(glides_done), 0) FROM session_zones
                WHERE session_id = sessions.id) AS done
        FROM sessions
        WHERE deleted_utc IS NULL;
    CREATE VIEW session_contributions AS
        SELECT
            id AS session_id,
            started_utc,
            {_DAY_OF.format(started="started_utc", offset="utc_offset_minutes")} AS day,
            CASE WHEN planned = 0 THEN status = 'completed'
                ELSE CAST(done AS REAL) / planned >= (SELECT count_share FROM stats_rules)
            END AS counted,
            status = 'completed' AS completed,
            status != 'in_progress' AS finished,
            active_seconds
        FROM session_glides;
    CREATE TRIGGER day_totals_session_added AFTER INSERT ON sessions BEGIN
        {_recount("NEW.started_utc", "NEW.utc_offset_minutes")}
    END;
    CREATE TRIGGER day_totals_session_changed
    AFTER UPDATE OF started_utc, utc_offset_minutes, status, active_seconds, deleted_utc
    ON sessions BEGIN
        {_recount("OLD.started_utc", "OLD.utc_offset_minutes")}
        {_recount("NEW.started_utc", "NEW.utc_offset_minutes")}
    END;
    CREATE TRIGGER day_totals_session_removed AFTER DELETE ON sessions BEGIN
        {_recount("OLD.started_utc", "OLD.utc_offset_minutes")}
    END;
    CREATE TRIGGER day_totals_zone_added AFTER INSERT ON session_zones BEGIN
        {_recount_session("NEW.session_id")}
    END;
    CREATE TRIGGER day_totals_zone_changed
    AFTER UPDATE OF glides_planned, glides_done ON session_zones BEGIN
        {_recount_session("NEW.session_id")}
    END;
    CREATE TRIGGER day_totals_zone_removed AFTER DELETE ON session_zones BEGIN
        {_recount_session("OLD.session_id")}
    END;
    CREATE INDEX day_totals_counted ON day_totals (day) WHERE counted > 0;
    -- The sums of day_totals, so that reading them does not grow with the log.
    CREATE TABLE log_totals (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        days INTEGER NOT NULL,
        sessions INTEGER NOT NULL,
        counted INTEGER NOT NULL,
        completed INTEGER NOT NULL,
        finished INTEGER NOT NULL,
        active_seconds REAL NOT NULL
    );
    INSERT INTO log_totals VALUES (1, 0, 0, 0, 0, 0, 0.0);
    CREATE TRIGGER log_totals_day_added AFTER INSERT ON day_totals BEGIN
        UPDATE log_totals SET days = days + 1, sessions = sessions + NEW.sessions,
            counted = counted + NEW.counted, completed = completed + NEW.completed,
            finished = finished + NEW.finished,
            active_seconds = active_seconds + NEW.active_seconds;
    END;
    CREATE TRIGGER log_totals_day_removed AFTER DELETE ON day_totals BEGIN
        UPDATE log_totals SET days = days - 1, sessions = sessions - OLD.sessions,
            counted = counted - OLD.counted, completed = completed - OLD.completed,
            finished = finished - OLD.finished,
            active_seconds = active_seconds - OLD.active_seconds;
    END;
    -- Where streaks and strength stood on a day a year or so back (`adherence.streaks.
    -- Checkpoint`), so that stats walk the last year, not the whole log. Any change on a day
    -- it depends on removes it; the next read walks the whole log once and writes a new one.
    CREATE TABLE streak_checkpoint (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        inputs TEXT NOT NULL,
        day INTEGER NOT NULL,
        score REAL NOT NULL,
        best INTEGER NOT NULL,
        run_start INTEGER,
        valid_before INTEGER NOT NULL
    );
    CREATE TRIGGER streak_checkpoint_day_added AFTER INSERT ON day_totals
    WHEN NEW.day < (SELECT valid_before FROM streak_checkpoint) BEGIN
        DELETE FROM streak_checkpoint;
    END;
    CREATE TRIGGER streak_checkpoint_day_removed AFTER DELETE ON day_totals
    WHEN OLD.day < (SELECT valid_before FROM streak_checkpoint) BEGIN
        DELETE FROM streak_checkpoint;
    END;
    CREATE TRIGGER streak_checkpoint_skip_added AFTER INSERT ON skip_days
    WHEN {_DAY_NUMBER.format(day="NEW.day")} < (SELECT valid_before FROM streak_checkpoint)
    BEGIN
        DELETE FROM streak_checkpoint;
    END;
    CREATE TRIGGER streak_checkpoint_skip_removed AFTER DELETE ON skip_days
    WHEN {_DAY_NUMBER.format(day="OLD.day")} < (SELECT valid_before FROM streak_checkpoint)
    BEGIN
        DELETE FROM streak_checkpoint;
    END;
    CREATE TABLE zone_totals (
        zone TEXT PRIMARY KEY,
        glides_done INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TRIGGER zone_totals_zone_added AFTER INSERT ON session_zones
    WHEN {_live("NEW.session_id")} BEGIN
        {_add_glides("NEW.zone", "NEW.glides_done")}
    END;
    CREATE TRIGGER zone_totals_zone_changed AFTER UPDATE OF zone, glides_done ON session_zones
    WHEN {_live("NEW.session_id")} BEGIN
        {_add_glides("OLD.zone", "-OLD.glides_done")}
        {_add_glides("NEW.zone", "NEW.glides_done")}
    END;
    -- Deleting a session cascades to its zones after the session row is gone, so this does
    -- not run for them: the session's own trigger below has taken them off already.
    CREATE TRIGGER zone_totals_zone_removed AFTER DELETE ON session_zones
    WHEN {_live("OLD.session_id")} BEGIN
        {_add_glides("OLD.zone", "-OLD.glides_done")}
    END;
    CREATE TRIGGER zone_totals_session_deleted
    AFTER UPDATE OF deleted_utc ON sessions
    WHEN OLD.deleted_utc IS NULL AND NEW.deleted_utc IS NOT NULL BEGIN
        {_add_session_glides("NEW.id", "-1")}
    END;
    CREATE TRIGGER zone_totals_session_restored
    AFTER UPDATE OF deleted_utc ON sessions
    WHEN OLD.deleted_utc IS NOT NULL AND NEW.deleted_utc IS NULL BEGIN
        {_add_session_glides("NEW.id", "1")}
    END;
    CREATE TRIGGER zone_totals_session_removed BEFORE DELETE ON sessions
    WHEN OLD.deleted_utc IS NULL BEGIN
        {_add_session_glides("OLD.id", "-1")}
    END;
    INSERT INTO zone_totals (zone, glides_done)
        SELECT zone, sum(glides_done) FROM session_zones
        JOIN sessions ON sessions.id = session_zones.session_id
        WHERE deleted_utc IS NULL GROUP BY zone;
    CREATE TRIGGER day_totals_rules_changed AFTER UPDATE ON stats_rules BEGIN
        DELETE FROM day_totals;
        INSERT INTO day_totals (day, sessions, counted, completed, finished, active_seconds)
            SELECT day, count(*), sum(counted), sum(completed), sum(finished),
                total(active_seconds)
            FROM session_contributions WHERE day IS NOT NULL GROUP BY day;
    END;
    INSERT INTO day_totals (day, sessions, counted, completed, finished, active_seconds)
        SELECT day, count(*), sum(counted), sum(completed), sum(finished), total(active_seconds)
        FROM session_contributions WHERE day IS NOT NULL GROUP BY day;
    """,
    # 6: how a session felt (comfort, side effects from a closed list, a note), and the
    # suggestions to go easier or step back up, accepted or declined (`safety.comfort`).
    """
    CREATE TABLE session_feelings (
        session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
        recorded_utc TEXT NOT NULL,
        comfort TEXT NOT NULL CHECK (comfort IN ('comfortable', 'mild', 'uncomfortable')),
        side_effects TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE tolerance_decisions (
        id INTEGER PRIMARY KEY,
        at_utc TEXT NOT NULL,
        change TEXT NOT NULL CHECK (change IN ('ease', 'step_up')),
        level_from REAL NOT NULL CHECK (level_from > 0 AND level_from <= 1),
        level_to REAL NOT NULL CHECK (level_to > 0 AND level_to <= 1),
        reason TEXT NOT NULL,
        accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
        repeats_setting INTEGER,
        repeats_base INTEGER,
        intensity_base INTEGER
    );
    """,
    # 7: the progress photos' index (the images are files in the photos folder; `photos`).
    """
    CREATE TABLE photos (
        id INTEGER PRIMARY KEY,
        file TEXT NOT NULL UNIQUE,
        taken_day TEXT NOT NULL,
        added_utc TEXT NOT NULL,
        width INTEGER NOT NULL CHECK (width > 0),
        height INTEGER NOT NULL CHECK (height > 0),
        sha256 TEXT NOT NULL UNIQUE,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX photos_by_day ON photos (taken_day);
    """,
    # 8: a deleted photo is marked (and its file kept) until `photos purge`, so `photos undo`
    # can bring it back, as the log's delete does.
    """
    ALTER TABLE photos ADD COLUMN deleted_utc TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
