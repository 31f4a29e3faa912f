"""The application layer under the TUI: one object that front ends ask and tell.

It owns the clock, the settings, the routine library and the session log, and turns them into
what a screen shows (the dashboard, the history, the warnings before a session). Problems met on
the way (a broken settings file, an unreadable session log, a bad routine file) never stop the
app: they are collected in `problems` for the front end to show, and the app goes on with what
still works.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from facecoach.adherence.days import today
from facecoach.adherence.recorder import SessionRecorder
from facecoach.adherence.session_log import SessionLog, SessionRecord, StoreError
from facecoach.adherence.stats import AdherenceStats, stats_from_store
from facecoach.companion.devices import PairedDevice
from facecoach.errors import FacecoachError

if TYPE_CHECKING:
    from facecoach.companion.device_sinks import Spawn
from facecoach.config.paths import user_routines_dir
from facecoach.config.settings import (
    Settings,
    SettingsError,
    load_settings,
    save_settings,
    settings_path,
)
from facecoach.datafiles import describe_validation_error, keep_backup
from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.routines.rotation import next_in_rotation
from facecoach.safety.records import SafetyRecords, ScreeningRecord
from facecoach.safety.screening import ScreeningResult, Verdict
from facecoach.safety.waiting import Injection, InjectionKind, WaitingPeriod, waiting_period
from facecoach.session.clock import Clock
from facecoach.session.driver import EventSink, SessionDriver
from facecoach.session.engine import Session
from facecoach.session.timeline import plan_timeline


@dataclass(frozen=True, slots=True)
class SafetyWarning:
    """A reason not to start now; the user may go on only by an explicit, recorded override."""

    kind: str  # "screening" or "waiting_period"
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Dashboard:
    today: date
    stats: AdherenceStats | None
    suggestion: LoadedRoutine | None
    screening: ScreeningRecord | None
    waiting: WaitingPeriod | None
    log_problem: str | None


class Companion:
    def __init__(
        self,
        clock: Clock,
        config_dir: Path,
        database: Path,
        library: RoutineLibrary | None = None,
        *,
        device: PairedDevice | None = None,
    ) -> None:
        self.clock = clock
        self.device = device if device is not None else PairedDevice(config_dir)
        self.config_dir = config_dir
        self.problems: list[str] = []
        self._settings_unreadable = False
        try:
            self.settings = load_settings(config_dir)
        except SettingsError as exc:
            self.settings = Settings()
            self._settings_unreadable = True
            self.problems.append(
                f"{exc}\nUsing the default settings. Saving settings keeps a copy of the old file."
            )
        self.library = (
            library if library is not None else RoutineLibrary.load(user_routines_dir(config_dir))
        )
        self.problems.extend(str(problem) for problem in self.library.problems)
        if self.device.problem:
            self.problems.append(self.device.problem)
        self.store: SessionLog | None = None
        self.log_problem: str | None = None
        try:
            self.store = SessionLog.open(database)
        except StoreError as exc:
            self.log_problem = str(exc)
            self.problems.append(f"{exc}\nSessions will run but will not be logged.")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    @property
    def safety(self) -> SafetyRecords | None:
        """The safety tables of the session log; None when the log is unavailable."""
        return SafetyRecords(self.store.database) if self.store is not None else None

    # --- reading -------------------------------------------------------------------------

    def today(self) -> date:
        return today(self.clock.now(), self.settings.day_start_hour)

    def routines(self) -> list[LoadedRoutine]:
        return list(self.library.routines.values())

    def stats(self) -> AdherenceStats | None:
        if self.store is None:
            return None
        return stats_from_store(self.store, self.settings, today=self.today(), now=self.clock.now())

    def skip_days(self) -> frozenset[date]:
        return frozenset(self.store.skip_days()) if self.store is not None else frozenset()

    def recent_sessions(self, limit: int) -> list[SessionRecord]:
        if self.store is None:
            return []
        return self.store.sessions(limit=limit)

    def suggestion(self) -> LoadedRoutine | None:
        recent = [s.routine_id for s in self.recent_sessions(10)]
        chosen = next_in_rotation(list(self.library.routines), recent)
        return self.library.routines[chosen] if chosen is not None else None

    def screening(self) -> ScreeningRecord | None:
        return self.safety.latest_screening() if self.safety is not None else None

    def injections(self) -> list[Injection]:
        return self.safety.injections() if self.safety is not None else []

    def waiting(self) -> WaitingPeriod | None:
        return waiting_period(self.injections(), self.today(), self.settings.injection_wait_days)

    def dashboard(self) -> Dashboard:
        return Dashboard(
            today=self.today(),
            stats=self.stats(),
            suggestion=self.suggestion(),
            screening=self.screening(),
            waiting=self.waiting(),
            log_problem=self.log_problem,
        )

    def safety_warnings(self) -> list[SafetyWarning]:
        """What must be overridden explicitly before a session may start."""
        warnings = []
        screening = self.screening()
        if screening is not None and screening.result.verdict is Verdict.DO_NOT_USE:
            advice = "\n".join(f"• {c.advice}" for c in screening.result.flagged)
            warnings.append(
                SafetyWarning(
                    "screening",
                    "Your screening answers advise against using the device",
                    f"{advice}\n\nGo on only if your doctor has approved it.",
                )
            )
        waiting = self.waiting()
        if waiting is not None:
            warnings.append(
                SafetyWarning(
                    "waiting_period",
                    "You are in the waiting period after an injection",
                    f"{waiting.describe()}\n\nMicrocurrent can move a product that has not "
                    "settled yet. Go on only if your injector has said it is fine.",
                )
            )
        return warnings

    def routine_for_session(self, routine_id: str) -> Routine:
        """The routine with the user's glide-length and repeat preferences applied."""
        routine = self.library.get(routine_id).routine
        settings = self.settings
        if settings.glide_seconds is None and settings.repeats is None:
            return routine
        try:
            return routine.with_overrides(
                glide_seconds=settings.glide_seconds, repeats=settings.repeats
            )
        except ValidationError as exc:
            problems = "; ".join(describe_validation_error(exc))
            raise FacecoachError(
                f"your glide length or repeats do not fit {routine.name}: {problems}"
            ) from None

    # --- acting --------------------------------------------------------------------------

    def begin_session(
        self,
        routine: Routine,
        sinks: list[EventSink],
        on_log_error: Callable[[StoreError], None] | None = None,
        *,
        spawn: "Spawn | None" = None,
        on_device_message: Callable[[str], None] = lambda text: None,
        on_device_problem: Callable[[str], None] = lambda text: None,
    ) -> tuple[SessionDriver, SessionRecorder | None]:
        """A driver ready to start; the session log (if any) is its first sink, then the
        device (when one is connected and `spawn` can run its commands), then `sinks`."""
        session = Session(plan_timeline(routine), self.clock)
        recorder = None
        if self.store is not None:
            known = self.device.known
            recorder = SessionRecorder(
                self.store,
                self.clock,
                source="tui",
                device=known.name if known and self.device.link else None,
                on_error=on_log_error,
            )
        device_sinks = (
            self.device.session_sinks(
                spawn,
                recorder,
                self.settings.device_intensity,
                on_device_message,
                on_device_problem,
            )
            if spawn is not None
            else []
        )
        first = [recorder] if recorder is not None else []
        return SessionDriver(session, [*first, *device_sinks, *sinks]), recorder

    def update_settings(self, **changes: Any) -> Settings:
        """Validate and save; raises SettingsError naming the bad field."""
        data = self.settings.model_dump()
        data.update(changes)
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            raise SettingsError("; ".join(describe_validation_error(exc))) from None
        if self._settings_unreadable:
            keep_backup(settings_path(self.config_dir))
            self._settings_unreadable = False
        save_settings(self.config_dir, settings)
        self.settings = settings
        return settings

    def record_screening(self, answers: Mapping[str, bool]) -> ScreeningResult:
        self._require_log().record_screening(answers, self.clock.now())
        return ScreeningResult(dict(answers))

    def add_injection(self, kind: InjectionKind, day: date, note: str = "") -> Injection:
        return self._require_log().add_injection(kind, day, note)

    def remove_injection(self, injection_id: int) -> None:
        self._require_log().remove_injection(injection_id)

    def record_override(self, warning: SafetyWarning, routine_id: str) -> None:
        if self.safety is not None:
            self.safety.record_override(warning.kind, routine_id, self.clock.now())

    def _require_log(self) -> SafetyRecords:
        if self.safety is None:
            raise StoreError(f"the session log is unavailable: {self.log_problem}")
        return self.safety
