"""Safety records kept in the facecoach database: screenings, injections, overrides.

Answers are kept as a history (each screening is a new row), so a changed answer never erases
what was declared before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

from facecoach.storage.database import Database, StoreError, parse_utc, utc_text

if TYPE_CHECKING:
    # Loaded when answers or injections are read: the app's first frame asks only whether
    # the questions were answered.
    from facecoach.safety.screening import ScreeningResult
    from facecoach.safety.waiting import Injection, InjectionKind


class ScreeningRecord(NamedTuple):  # not a dataclass: a tenth of the import, for the first frame
    answered: datetime
    result: ScreeningResult


class SafetyRecords:
    """Reads and writes the safety tables of an open session log."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def record_screening(self, answers: Mapping[str, bool], at: datetime) -> None:
        import json  # with the answers: the first frame asks only whether there are any

        with self._database.write() as db:
            db.execute(
                "INSERT INTO screenings (answered_utc, answers) VALUES (?, ?)",
                (utc_text(at), json.dumps(dict(answers), sort_keys=True)),
            )

    def answered(self) -> bool:
        """Whether the screening questions were ever answered (their answers unread)."""
        return bool(self._database.read("SELECT 1 FROM screenings LIMIT 1"))

    def latest_screening(self) -> ScreeningRecord | None:
        rows = self._database.read(
            "SELECT answered_utc, answers FROM screenings ORDER BY id DESC LIMIT 1"
        )
        if not rows:
            return None
        import json  # with the answers: a first run's Safety screen asks, and there are none

        answered, text = rows[0]
        try:
            raw = json.loads(text)
        except json.JSONDecodeError:
            raise StoreError(
                f"the last screening in {self._database.path} cannot be read; answer it again"
            ) from None
        answers = (
            {str(k): v for k, v in raw.items() if isinstance(v, bool)}
            if isinstance(raw, dict)
            else {}
        )
        from facecoach.safety.screening import ScreeningResult

        with self._database.decoding():
            return ScreeningRecord(parse_utc(answered), ScreeningResult(answers))

    def add_injection(self, kind: InjectionKind, day: date, note: str = "") -> Injection:
        with self._database.write() as db:
            cursor = db.execute(
                "INSERT INTO injections (kind, day, note) VALUES (?, ?, ?)",
                (kind.value, day.isoformat(), note),
            )
        assert cursor.lastrowid is not None
        from facecoach.safety.waiting import Injection

        return Injection(cursor.lastrowid, kind, day, note)

    def remove_injection(self, injection_id: int) -> bool:
        with self._database.write() as db:
            deleted: int = db.execute(
                "DELETE FROM injections WHERE id = ?", (injection_id,)
            ).rowcount
        return deleted > 0

    def injections(self) -> list[Injection]:
        """Newest first."""
        from facecoach.safety.waiting import Injection, InjectionKind

        rows = self._database.read("SELECT id, kind, day, note FROM injections ORDER BY day DESC")
        with self._database.decoding():
            return [
                Injection(i, InjectionKind(kind), date.fromisoformat(day), note)
                for i, kind, day, note in rows
            ]

    def record_override(self, warning: str, detail: str, at: datetime) -> None:
        """The user chose to go on despite a warning; kept so the choice is on record."""
        with self._database.write() as db:
            db.execute(
                "INSERT INTO safety_overrides (at_utc, warning, detail) VALUES (?, ?, ?)",
                (utc_text(at), warning, detail),
            )

    def overrides(self) -> list[tuple[datetime, str, str]]:
        rows = self._database.read(
            "SELECT at_utc, warning, detail FROM safety_overrides ORDER BY id DESC"
        )
        with self._database.decoding():
            return [(parse_utc(at), warning, detail) for at, warning, detail in rows]

    # --- export and import ------------------------------------------------------------------

    def screenings(self) -> list[tuple[datetime, dict[str, bool]]]:
        """Every screening, oldest first, with its answers."""
        import json

        rows = self._database.read("SELECT answered_utc, answers FROM screenings ORDER BY id")
        found = []
        for answered, text in rows:
            try:
                raw = json.loads(text)
            except json.JSONDecodeError:
                continue  # a damaged row cannot be carried anywhere
            if isinstance(raw, dict):
                answers = {str(k): v for k, v in raw.items() if isinstance(v, bool)}
                with self._database.decoding():
                    found.append((parse_utc(answered), answers))
        return found


def insert_missing_safety_records(
    db: sqlite3.Connection,
    screenings: Iterable[tuple[datetime, Mapping[str, bool]]],
    injections: Iterable[tuple[InjectionKind, date, str]],
    overrides: Iterable[tuple[datetime, str, str]],
) -> None:
    """Adds the records the database does not hold yet, inside the caller's transaction, so an
    import of the same file twice adds nothing."""
    import json

    for answered, answers in screenings:
        values = (utc_text(answered), json.dumps(dict(answers), sort_keys=True))
        if not db.execute(
            "SELECT 1 FROM screenings WHERE answered_utc = ? AND answers = ?", values
        ).fetchone():
            db.execute("INSERT INTO screenings (answered_utc, answers) VALUES (?, ?)", values)
    for kind, day, note in injections:
        row = (kind.value, day.isoformat(), note)
        if not db.execute(
            "SELECT 1 FROM injections WHERE kind = ? AND day = ? AND note = ?", row
        ).fetchone():
            db.execute("INSERT INTO injections (kind, day, note) VALUES (?, ?, ?)", row)
    for at, warning, detail in overrides:
        row = (utc_text(at), warning, detail)
        if not db.execute(
            "SELECT 1 FROM safety_overrides WHERE at_utc = ? AND warning = ? AND detail = ?", row
        ).fetchone():
            db.execute(
                "INSERT INTO safety_overrides (at_utc, warning, detail) VALUES (?, ?, ?)", row
            )
