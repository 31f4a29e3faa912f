"""How sessions felt and the tolerance decisions, kept in the facecoach database (schema 6)."""

from collections.abc import Iterable
from datetime import datetime

from facecoach.safety.comfort import Change, Comfort, Decision, Feeling, FeltSession, SideEffect
from facecoach.storage.database import Database, parse_utc, utc_text

MAX_FEELING_NOTE_CHARS = 500


def effects_text(effects: Iterable[SideEffect]) -> str:
    return ",".join(effect.value for effect in effects)


def parse_effects(text: str) -> tuple[SideEffect, ...]:
    """The side effects stored; a name this version does not know is passed over (a newer
    facecoach may know more), never an error that hides the rest."""
    known = {effect.value for effect in SideEffect}
    return tuple(SideEffect(name) for name in text.split(",") if name in known)


class ComfortRecords:
    """Reads and writes the comfort tables of an open session log."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def record_feeling(self, session_id: int, feeling: Feeling, at: datetime) -> None:
        """Keeps how a session felt; saying it again replaces what was said before."""
        with self._database.write() as db:
            db.execute(
                "INSERT INTO session_feelings (session_id, recorded_utc, comfort, side_effects,"
                " note) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET"
                " recorded_utc = excluded.recorded_utc, comfort = excluded.comfort,"
                " side_effects = excluded.side_effects, note = excluded.note",
                (
                    session_id,
                    utc_text(at),
                    feeling.comfort.value,
                    effects_text(feeling.effects),
                    feeling.note,
                ),
            )

    def felt_sessions(self, limit: int | None = None) -> list[FeltSession]:
        """The sessions with a feeling, newest session first; deleted sessions left out."""
        rows = self._database.read(
            "SELECT f.session_id, s.started_utc, f.recorded_utc, f.comfort, f.side_effects,"
            " f.note FROM session_feelings f JOIN sessions s ON s.id = f.session_id"
            " WHERE s.deleted_utc IS NULL ORDER BY s.started_utc DESC, s.id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            FeltSession(
                session_id,
                parse_utc(started),
                parse_utc(recorded),
                Feeling(Comfort(comfort), parse_effects(effects), note),
            )
            for session_id, started, recorded, comfort, effects, note in rows
        ]

    def feelings(self, session_ids: Iterable[int]) -> dict[int, Feeling]:
        ids = list(session_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._database.read(
            "SELECT session_id, comfort, side_effects, note FROM session_feelings"
            f" WHERE session_id IN ({marks})",
            tuple(ids),
        )
        return {
            session_id: Feeling(Comfort(comfort), parse_effects(effects), note)
            for session_id, comfort, effects, note in rows
        }

    def record_decision(self, decision: Decision, reason: str) -> None:
        with self._database.write() as db:
            db.execute(
                "INSERT INTO tolerance_decisions (at_utc, change, level_from, level_to, reason,"
                " accepted, repeats_setting, repeats_base, intensity_base)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    utc_text(decision.at),
                    decision.change.value,
                    decision.level_from,
                    decision.level_to,
                    reason,
                    int(decision.accepted),
                    decision.repeats_setting,
                    decision.repeats_base,
                    decision.intensity_base,
                ),
            )

    def decisions(self) -> list[Decision]:
        """Newest first."""
        rows = self._database.read(
            "SELECT at_utc, change, level_from, level_to, accepted, repeats_setting,"
            " repeats_base, intensity_base FROM tolerance_decisions ORDER BY id DESC"
        )
        return [
            Decision(parse_utc(at), Change(change), lf, lt, bool(ok), rs, rb, ib)
            for at, change, lf, lt, ok, rs, rb, ib in rows
        ]
