"""Safety: the screening answers, the injections and the waiting period after them, the
overrides on record, and the gates only the user can pass before a session. One job of the
core, on the database the log opens (None when it cannot be opened: then a gate says so)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from facecoach.companion.log import LogService
    from facecoach.companion.preflight import Gate
    from facecoach.companion.program import ProgramService
    from facecoach.safety.records import SafetyRecords, ScreeningRecord
    from facecoach.safety.screening import ScreeningResult
    from facecoach.safety.waiting import Injection, InjectionKind, WaitingPeriod
    from facecoach.session.clock import Clock


class SafetyService:
    def __init__(self, clock: Clock, log: LogService, program: ProgramService) -> None:
        self.clock = clock
        self.log = log
        self.program = program

    @property
    def records(self) -> SafetyRecords | None:
        """The safety tables of the database; None when it is unavailable."""
        from facecoach.safety.records import SafetyRecords

        database = self.log.database()
        return SafetyRecords(database) if database is not None else None

    def questions_answered(self) -> bool | None:
        """Whether the safety questions were ever answered (None: the database is unavailable),
        without reading the answers."""
        records = self.records
        return records.answered() if records is not None else None

    def screening(self) -> ScreeningRecord | None:
        records = self.records
        return records.latest_screening() if records is not None else None

    def injections(self) -> list[Injection]:
        records = self.records
        return records.injections() if records is not None else []

    def waiting(self) -> WaitingPeriod | None:
        from facecoach.safety.waiting import waiting_period

        wait_days = self.program.counting_settings().injection_wait_days
        return waiting_period(self.injections(), self.program.today(), wait_days)

    def gates(self) -> list[Gate]:
        """The gates only the user can pass (answers, overrides), in order, as known now."""
        from facecoach.companion.comfort import latest_stop_effects
        from facecoach.companion.preflight import (
            screening_gates,
            side_effect_gates,
            unreadable_safety_gate,
            waiting_gates,
        )

        if self.records is None:
            problem = self.log.log_problem or "the session log is unavailable"
            return [unreadable_safety_gate(problem)]
        return [
            *screening_gates(self.screening()),
            *waiting_gates(self.waiting()),
            *side_effect_gates(latest_stop_effects(self.log.existing_store())),
        ]

    def record_override(self, gate: Gate, routine_id: str) -> None:
        """The user chose to go on despite `gate`; kept so the choice is on record."""
        if not gate.overridable:
            raise ValueError(f"{gate.kind} cannot be overridden")
        records = self.records
        if records is not None:
            records.record_override(gate.kind.value, routine_id, self.clock.now())

    def record_screening(self, answers: Mapping[str, bool]) -> ScreeningResult:
        from facecoach.safety.screening import ScreeningResult

        self._writable().record_screening(answers, self.clock.now())
        return ScreeningResult(dict(answers))

    def add_injection(self, kind: InjectionKind, day: date, note: str = "") -> Injection:
        return self._writable().add_injection(kind, day, note)

    def remove_injection(self, injection_id: int) -> None:
        self._writable().remove_injection(injection_id)

    def _writable(self) -> SafetyRecords:
        """The safety records to write to: after the day's check and backup, as the log."""
        from facecoach.safety.records import SafetyRecords

        return SafetyRecords(self.log.require_store().database)
