"""Companion: the application core that every front end asks and tells.

It is where the core's services are composed, each holding one job, each built on first use:
the program (settings and routines, `program_service`), the log (the database and the session
log, `log_service`), safety (`safety_service`), cues (`cue_service`), sessions (the gates and
the live session, `session_service`) and the device service (`device`). Problems met on the way
(a broken settings file, an unreadable session log, a bad routine file) never stop a front end:
they are collected in `problems`, shown once, and the app goes on with what still works.

Everything is loaded on first use, not when the core is made: the settings, routines and paired
devices are validated files (pydantic), and the app's first frame needs none of them (its theme
and keys come from `appearance()`). `load()` loads them and returns the problems met so far; a
front end calls it once, where it wants them reported.

Front ends call the services directly (`companion.log_service.edit(...)`); the core itself
holds only what takes several services, and what is read without building a service.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from facecoach.config.appearance import Appearance, cached_appearance
from facecoach.config.paths import cache_dir, settings_path
from facecoach.config.validated_cache import ValidatedCache
from facecoach.errors import FacecoachError
from facecoach.problems import problem_sentence

if TYPE_CHECKING:
    # Loaded where they are used, not at import. The app's first frame needs none of them:
    # settings and routines are validated by pydantic, and each module of records and
    # dataclasses costs a millisecond or more to import.
    from facecoach.adherence.stats import AdherenceStats
    from facecoach.companion.cue_channels.machine import Machine
    from facecoach.companion.cues import CueService
    from facecoach.companion.day_status import DayStatus
    from facecoach.companion.devices import DeviceService
    from facecoach.companion.live_session import LiveSession
    from facecoach.companion.log import LogService
    from facecoach.companion.program import ProgramService
    from facecoach.companion.safety_service import SafetyService
    from facecoach.companion.sessions import SessionService
    from facecoach.routines.loader import RoutineLibrary
    from facecoach.safety.records import ScreeningRecord
    from facecoach.safety.waiting import WaitingPeriod
    from facecoach.session.clock import Clock

# How long closing waits for the device to let go before giving up on it.
DISCONNECT_TIMEOUT = 3.0


# Records of the core are NamedTuples: a frozen dataclass costs the import (which the app's
# first frame waits for) about a millisecond each to generate, a NamedTuple a tenth of that.
class Dashboard(NamedTuple):
    today: date
    stats: AdherenceStats | None
    suggested_id: str | None  # the routine to suggest today
    screening: ScreeningRecord | None
    waiting: WaitingPeriod | None
    log_problem: str | None
    day: DayStatus | None  # today's one state (the waiting period overrules the goal)


class Companion:
    def __init__(
        self,
        clock: Clock,
        config_dir: Path,
        database: Path,
        library: RoutineLibrary | None = None,
        *,
        device: DeviceService | None = None,
        make_device: Callable[[], DeviceService] | None = None,
        cache: ValidatedCache | None = None,
        machine: Machine | None = None,
    ) -> None:
        """`device` is the device service to use. Without one, it is made when first used:
        by `make_device` if given (the app: its first frame needs no device), else as the
        system radio's service for the devices paired in `config_dir`."""
        self.clock = clock
        self.config_dir = config_dir
        self.database = database
        self._device = device
        self._make_device = make_device
        self.cache = cache if cache is not None else ValidatedCache(cache_dir())
        self.problems: list[str] = []
        self._library = library
        self._machine = machine
        self._log_existed = database.exists()
        self._program: ProgramService | None = None
        self._log: LogService | None = None
        self._safety: SafetyService | None = None
        self._cues: CueService | None = None
        self._sessions: SessionService | None = None

    # --- the services, each built on first use -----------------------------------------------

    @property
    def program_service(self) -> ProgramService:
        """The settings and the routine library."""
        if self._program is None:
            from facecoach.companion.program import ProgramService

            self._program = ProgramService(
                self.clock, self.config_dir, self.cache, self.problems, self._library
            )
        return self._program

    @property
    def log_service(self) -> LogService:
        """The database and the session log in it."""
        if self._log is None:
            from facecoach.companion.log import LogService

            self._log = LogService(
                self.clock,
                self.database,
                lambda: self.program_service,
                self.problems,
                existed=self._log_existed,
            )
        return self._log

    @property
    def safety_service(self) -> SafetyService:
        """Screening, injections, the waiting period and the overrides."""
        if self._safety is None:
            from facecoach.companion.safety_service import SafetyService

            self._safety = SafetyService(self.clock, self.log_service, self.program_service)
        return self._safety

    @property
    def cue_service(self) -> CueService:
        """The cue channels: what this machine has and what the user chose."""
        if self._cues is None:
            from facecoach.companion.cues import CueService

            self._cues = CueService(
                self.program_service, self.cache.directory / "tones", self._machine
            )
        return self._cues

    @property
    def session_service(self) -> SessionService:
        """The gates before a session and the live session."""
        if self._sessions is None:
            from facecoach.companion.sessions import SessionService

            self._sessions = SessionService(
                self.clock,
                self.program_service,
                self.log_service,
                self.safety_service,
                self.cue_service,
                lambda: self.device,
            )
        return self._sessions

    @property
    def device(self) -> DeviceService:
        """The device service, made on first use: the app's first frame needs none of it."""
        if self._device is None:
            if self._make_device is not None:
                self._device = self._make_device()
            else:
                from facecoach.companion.devices import DeviceService

                self._device = DeviceService(self.config_dir)
        return self._device

    # --- what takes more than one service ----------------------------------------------------

    def appearance(self) -> Appearance:
        """The theme and keys for the first frame: from the settings file's validated copy
        when it has not changed (without building the program service), else from the
        settings (validated now)."""
        if self._program is None:
            cached = cached_appearance(self.config_dir, self.cache)
            if cached is not None:
                return cached
        return self.program_service.appearance()

    def load(self) -> list[str]:
        """Loads the files loaded on first use (settings, routines, paired devices) and returns
        every problem met so far, for a front end to show once. Files that have not changed
        since they were last validated are not validated again: their copies say what home
        shows and what was wrong with them."""
        from facecoach.config.keymap import keymap_problems

        self.program_service.load()
        keys = keymap_problems(self.appearance().keymap, str(settings_path(self.config_dir)))
        return [*self.problems, *map(problem_sentence, keys), *self.device.problems]

    def suggested_routine_id(self) -> str | None:
        """The routine to suggest today: the one after the last one used, in turn."""
        from facecoach.routines.rotation import next_in_rotation

        recent = [s.routine_id for s in self.log_service.recent_sessions(10)]
        return next_in_rotation(
            [r.id for r in self.program_service.routine_listings().routines], recent
        )

    def day_status(self) -> DayStatus:
        """Where today stands in one word, and the streak: for a status line or a reminder."""
        from facecoach.companion.day_status import day_status

        # Reading never creates a log: without one there is no injection to wait after.
        waiting = (
            self.safety_service.waiting() if self.log_service.existing_store() is not None else None
        )
        return day_status(self.log_service.stats_so_far(), waiting)

    def dashboard(self) -> Dashboard:
        from facecoach.companion.day_status import day_status

        stats = self.log_service.stats()
        waiting = self.safety_service.waiting()
        return Dashboard(
            today=self.program_service.today(),
            stats=stats,
            suggested_id=self.suggested_routine_id(),
            screening=self.safety_service.screening(),
            waiting=waiting,
            log_problem=self.log_problem,
            day=day_status(stats, waiting) if stats is not None else None,
        )

    def close(self) -> None:
        if self._log is not None:
            self._log.close()

    async def shutdown(self) -> None:
        """Every way out of a front end: end a live session (device stopped), let go of the
        device, close the log. Safe to call more than once."""
        try:
            if self._sessions is not None:
                await self._sessions.end()
        finally:
            import asyncio  # loaded by whoever awaits this; commands that do not, skip it

            try:
                if self._device is not None:  # one never used has nothing to let go of
                    with suppress(FacecoachError, TimeoutError):
                        await asyncio.wait_for(self._device.close(), DISCONNECT_TIMEOUT)
            finally:
                self.close()

    # --- read without building a service the answer does not need ---------------------------

    @property
    def log_problem(self) -> str | None:
        """Why the log cannot be used; None also when it was never opened."""
        return self._log.log_problem if self._log is not None else None

    def safety_questions_answered(self) -> bool | None:
        """The app's first frame asks it: answered from the database alone, without building
        the safety and program services (their modules are not on the start path)."""
        if self._safety is not None:
            return self._safety.questions_answered()
        from facecoach.safety.records import SafetyRecords

        database = self.log_service.database()
        return SafetyRecords(database).answered() if database is not None else None

    @property
    def live(self) -> LiveSession | None:
        """The live session, if any; None without building the session service."""
        return self._sessions.live if self._sessions is not None else None
