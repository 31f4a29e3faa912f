"""Companion: the application core that every front end asks and tells.

It owns the clock, the settings, the routine library, the facecoach database and the device
service, and holds every rule that more than one front end needs: the user's preferences applied
to a routine, the gates before a session in their order, the live session with its recorder and
device, and its end. Problems met on the way (a broken settings file, an unreadable session log,
a bad routine file) never stop a front end: they are collected in `problems`, shown once, and the
app goes on with what still works.

Everything is loaded on first use, not when the core is made: the settings, routines and paired
devices are validated files (pydantic), and the app's first frame needs none of them (its theme
and keys come from `appearance()`). `load()` loads them and returns the problems met so far; a
front end calls it once, where it wants them reported.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from facecoach.config.appearance import Appearance, cached_appearance
from facecoach.config.paths import cache_dir, settings_path, user_routines_dir
from facecoach.config.validated_cache import ValidatedCache
from facecoach.errors import FacecoachError, RoutineError
from facecoach.storage.database import Database, StoreError

if TYPE_CHECKING:
    # Loaded where they are used, not at import. The app's first frame needs none of them:
    # settings and routines are validated by pydantic, and each module of records and
    # dataclasses costs a millisecond or more to import.
    from facecoach.adherence.session_log import SessionLog, SessionRecord, SessionSource
    from facecoach.adherence.stats import AdherenceStats
    from facecoach.companion.cue_channels.machine import ChannelName, Machine
    from facecoach.companion.cue_channels.setup import ChannelStatus, CueChoices
    from facecoach.companion.day_status import DayStatus
    from facecoach.companion.devices import DeviceService
    from facecoach.companion.live_session import LiveSession
    from facecoach.companion.preflight import Gate
    from facecoach.config.counting import CountingSettings
    from facecoach.config.home_settings import HomeSettings
    from facecoach.config.routine_listing import RoutineListings
    from facecoach.config.settings import Settings
    from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
    from facecoach.routines.model import Routine
    from facecoach.safety.records import SafetyRecords, ScreeningRecord
    from facecoach.safety.screening import ScreeningResult
    from facecoach.safety.waiting import Injection, InjectionKind, WaitingPeriod
    from facecoach.session.clock import Clock
    from facecoach.session.driver import EventSink

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


class RoutineChoice(NamedTuple):
    """A routine as it will really run, with the user's preferences applied."""

    routine: Routine
    source: str
    problem: str | None = None  # the preferences do not fit: it runs as written

    @property
    def total_seconds(self) -> float:
        return self.routine.total_seconds()


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
        self._settings: Settings | None = None
        # The cached copy of what counting needs; False once it turned out not to be there.
        self._counting: CountingSettings | Literal[False] | None = None
        self._home_copy: HomeSettings | Literal[False] | None = None  # the same, for home
        self._listings: RoutineListings | None = None
        self._settings_unreadable = False
        self._library = library
        self._database: Database | None = None
        self._store: SessionLog | None = None
        self._store_opened = False
        self._backed_up = False
        self._log_existed = database.exists()
        self.log_problem: str | None = None
        self.live: LiveSession | None = None
        self._machine = machine

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

    # --- settings and routines, loaded on first use -----------------------------------------

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            from facecoach.config.settings import Settings, SettingsError, load_settings

            try:
                self._settings = load_settings(self.config_dir, self.cache)
            except SettingsError as exc:
                self._settings = Settings()
                self._settings_unreadable = True
                self.problems.append(
                    f"{exc}\nUsing the default settings. Saving settings keeps a copy of the old "
                    "file."
                )
        return self._settings

    @property
    def library(self) -> RoutineLibrary:
        if self._library is None:
            from facecoach.routines.loader import RoutineLibrary

            self._library = RoutineLibrary.load(user_routines_dir(self.config_dir))
            self.problems.extend(str(problem) for problem in self._library.problems)
        return self._library

    def appearance(self) -> Appearance:
        """The theme and keys for the first frame: from the settings file's validated copy
        when it has not changed, else from the settings (validated now)."""
        if self._settings is None:
            cached = cached_appearance(self.config_dir, self.cache)
            if cached is not None:
                return cached
        return Appearance(self.settings.theme, dict(self.settings.keymap))

    def load(self) -> list[str]:
        """Loads the files loaded on first use (settings, routines, paired devices) and returns
        every problem met so far, for a front end to show once. Files that have not changed
        since they were last validated are not validated again: their copies say what home
        shows and what was wrong with them."""
        if self._cached_home_settings() is None:
            self.settings  # noqa: B018 - validated now, for their problems
        self.routine_listings()  # the routines' problems, from the copy or the files
        return [*self.problems, *self.device.problems]

    def _cached_home_settings(self) -> HomeSettings | None:
        if self._settings is not None:
            return None
        if self._home_copy is None:
            from facecoach.config.home_settings import cached_home_settings

            self._home_copy = cached_home_settings(self.config_dir, self.cache) or False
        return self._home_copy or None

    def home_settings(self) -> HomeSettings:
        """What home needs of the settings: from their validated copy when the file has not
        changed, else from the settings (validated now)."""
        cached = self._cached_home_settings()
        if cached is not None:
            return cached
        from facecoach.config.home_settings import HomeSettings

        settings = self.settings
        return HomeSettings(
            glide_seconds=settings.glide_seconds,
            repeats=settings.repeats,
            reduced_motion=settings.reduced_motion,
            backup_days=settings.backup_days,
        )

    def routine_listings(self) -> RoutineListings:
        """Every routine as home lists it (name, length as it will run, zones) and the
        problems met loading the routine files: from the copy kept for these exact files and
        preferences, else from the library (validated now), then kept."""
        if self._listings is not None:
            return self._listings
        from facecoach.config.routine_listing import (
            RoutineListing,
            RoutineListings,
            cached_listings,
            keep_listings,
            listing_key,
        )

        home = self.home_settings()
        key = listing_key(user_routines_dir(self.config_dir), home.glide_seconds, home.repeats)
        cached = (
            None if key is None or self._library is not None else cached_listings(self.cache, key)
        )
        if cached is not None:
            self.problems.extend(cached.problems)  # said again on every start, as before
            self._listings = cached
            return cached
        # Kept only if the library is read now, from the files the key was made from: one
        # given by a caller (tests) or loaded earlier (files edited since) is not theirs.
        loaded_now = self._library is None
        library = self.library  # its problems join `problems` as it loads
        listings = RoutineListings(
            tuple(
                RoutineListing(
                    id=choice.routine.id,
                    name=choice.routine.name,
                    seconds=choice.total_seconds,
                    is_builtin=loaded.is_builtin,
                    zones=tuple(dict.fromkeys(entry.zone.label for entry in loaded.routine.zones)),
                )
                for loaded in library.routines.values()
                for choice in (self._choice(loaded),)
            ),
            tuple(str(problem) for problem in library.problems),
        )
        if key is not None and loaded_now:
            # And only if no file changed while it loaded.
            again = listing_key(
                user_routines_dir(self.config_dir), home.glide_seconds, home.repeats
            )
            if again == key:
                keep_listings(self.cache, key, listings)
        self._listings = listings
        return listings

    # --- the database, opened on first use -------------------------------------------------

    @property
    def store(self) -> SessionLog | None:
        """The session log; None when it cannot be opened (the reason is in `log_problem`)."""
        database = self._open_database()
        return self._session_log(database) if database is not None else None

    def _open_database(self) -> Database | None:
        """The facecoach database, opened (made, if there is none) once; None when it cannot
        be (the reason is in `log_problem`). The session log and the safety records share it."""
        if not self._store_opened:
            self._store_opened = True
            try:
                self._database = Database.open(self.database)
            except StoreError as exc:
                self.log_problem = str(exc)
                self.problems.append(f"{exc}\nSessions will run but will not be logged.")
        return self._database

    def _session_log(self, database: Database) -> SessionLog:
        # The log's records load with it, after the app's first frame: that frame needs only
        # to know whether the safety questions were answered.
        if self._store is None:
            from facecoach.adherence.session_log import SessionLog

            self._store = SessionLog(database)
        return self._store

    def daily_backup(self) -> str | None:
        """Today's backup of the log, if none was made yet (the app makes it in a thread after
        its first frame). A failure comes back as a problem to show; it stops nothing."""
        from facecoach.storage.backups import Backups

        if not self._log_existed or self.store is None:
            return None  # a log this run creates has nothing in it to back up yet
        try:
            Backups(self.database).daily(self.clock.now(), self.home_settings().backup_days)
        except (StoreError, OSError) as exc:
            return f"The daily backup of the session log failed: {exc}"
        return None

    def existing_store(self) -> SessionLog | None:
        """The session log for reading, or None when there is none yet: reading never creates
        one (a mistyped folder must not look like an empty history)."""
        if not self.database.exists() and not self.database.is_symlink():
            return None
        if self._database is None:
            # Reading opens the log without the daily backup: that is for writers.
            self._store_opened = True
            self._database = Database.open(self.database)
        return self._session_log(self._database)

    def require_store(self) -> SessionLog:
        """The session log, to write to: today's backup is made first if there is none."""
        store = self.store
        if store is None:
            raise StoreError(self.log_problem or "the session log is unavailable")
        if not self._backed_up:
            self._start_the_days_writing(store)
            self._backed_up = True  # only once the check has passed
        return store

    def _start_the_days_writing(self, store: SessionLog) -> None:
        """Before the day's first write (until a backup, which makes the same check, exists
        for the day): the full integrity check, whose failure stops the write (damage the
        quick check at open misses, such as an index out of step with its table), then the
        daily backup, whose failure is only reported."""
        from facecoach.storage.backups import Backups

        backups = Backups(self.database)
        now = self.clock.now()
        if not self._log_existed or not backups.due(now):
            return  # a log this run creates has nothing in it to check or back up yet
        store.database.check_integrity()
        try:
            backups.daily(now, self.settings.backup_days, checked=True)
        except (StoreError, OSError) as exc:
            self.problems.append(f"The daily backup of the session log failed: {exc}")

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
            self._database = None
        self._store = None

    async def shutdown(self) -> None:
        """Every way out of a front end: end a live session (device stopped), let go of the
        device, close the log. Safe to call more than once."""
        live = self.live
        try:
            if live is not None:
                try:
                    live.interrupt()
                finally:
                    await live.finish()
        finally:
            import asyncio  # loaded by whoever awaits this; commands that do not, skip it

            try:
                if self._device is not None:  # one never used has nothing to let go of
                    with suppress(FacecoachError, TimeoutError):
                        await asyncio.wait_for(self._device.close(), DISCONNECT_TIMEOUT)
            finally:
                self.close()

    @property
    def safety(self) -> SafetyRecords | None:
        """The safety tables of the database; None when it is unavailable."""
        from facecoach.safety.records import SafetyRecords

        database = self._open_database()
        return SafetyRecords(database) if database is not None else None

    def safety_questions_answered(self) -> bool | None:
        """Whether the safety questions were ever answered (None: the database is unavailable),
        without reading the answers: what the app's first frame needs to choose its screen."""
        safety = self.safety
        return safety.answered() if safety is not None else None

    # --- reading -----------------------------------------------------------------------------

    def today(self) -> date:
        from facecoach.adherence.days import today

        return today(self.clock.now(), self.counting_settings().day_start_hour)

    def routines(self) -> list[RoutineChoice]:
        """Every routine as it will run: the home list, `routines` and `coach` agree."""
        return [self._choice(loaded) for loaded in self.library.routines.values()]

    def save_routine(self, routine: Routine, *, editing: LoadedRoutine | None = None) -> Path:
        """Writes a routine made in the editor to the user's routines folder and reloads the
        library; `editing` is the user routine it replaces (a built-in is never replaced: the
        editor saves a copy under a new id). Raises RoutineError naming the conflict."""
        from facecoach.datafiles import write_text_atomic
        from facecoach.routines.editing import routine_toml

        folder = user_routines_dir(self.config_dir)
        replacing = editing if editing is not None and not editing.is_builtin else None
        existing = self.library.routines.get(routine.id)
        if existing is not None and existing.is_builtin:
            raise RoutineError(
                f"{routine.id!r} is the id of a built-in routine; choose another name or id"
            )
        if existing is not None and (replacing is None or existing.source != replacing.source):
            raise RoutineError(f"the id {routine.id!r} is already used by {existing.source}")
        if replacing is not None and replacing.routine.id == routine.id:
            path = Path(replacing.source)
        else:
            path = folder / f"{routine.id}.toml"
            if path.exists():  # a file that did not load: never written over unseen
                raise RoutineError(f"{path} exists already; choose another id or move it away")
        based_on = editing.routine.name if editing is not None else None
        write_text_atomic(
            path, routine_toml(routine, made_on=self.today(), based_on=based_on), RoutineError
        )
        if replacing is not None and Path(replacing.source) != path:
            Path(replacing.source).unlink(missing_ok=True)  # renamed: the old file goes
        self._library = None
        self._listings = None
        return path

    def routine_choice(self, id_or_path: str) -> RoutineChoice:
        return self._choice(self.library.resolve(id_or_path))

    def _choice(self, loaded: LoadedRoutine) -> RoutineChoice:
        try:
            routine = self.apply_preferences(loaded.routine)
        except FacecoachError as exc:
            return RoutineChoice(loaded.routine, loaded.source, str(exc))
        return RoutineChoice(routine, loaded.source)

    def apply_preferences(
        self,
        routine: Routine,
        *,
        glide_seconds: float | None = None,
        repeats: int | None = None,
        prep: bool = True,
    ) -> Routine:
        """The routine with the user's glide length and repeats (settings, then the arguments
        given here, which win) and without prep if asked; raises RoutineError when they do not
        fit the routine."""
        from pydantic import ValidationError

        from facecoach.routines.limits import MIN_GLIDE_SECONDS_SET

        glide = glide_seconds if glide_seconds is not None else self.settings.glide_seconds
        count = repeats if repeats is not None else self.settings.repeats
        if glide is not None and 0 < glide < MIN_GLIDE_SECONDS_SET:
            raise RoutineError(
                f"glide length must be at least {MIN_GLIDE_SECONDS_SET:g} second: nobody glides "
                f"a device across the face in {glide:g} s."
            )
        try:
            if glide is not None or count is not None:
                routine = routine.with_overrides(glide_seconds=glide, repeats=count)
            if not prep:
                routine = routine.model_copy(update={"prep": None})
        except ValidationError as exc:
            from facecoach.validation_problems import field_problems

            problems = " ".join(field_problems(exc.errors(include_url=False)))
            raise RoutineError(problems) from None
        return routine

    def routine_for_session(self, routine_id: str) -> Routine:
        """The routine as it will run; raises when the preferences do not fit it."""
        return self.apply_preferences(self.library.resolve(routine_id).routine)

    def counts_toward_goal(self, live: LiveSession) -> bool:
        """Whether the session just run counts toward the goal (the rule stats apply)."""
        from facecoach.adherence.stats import glides_count
        from facecoach.session.engine import SessionStatus

        zones = live.session.zone_completion()
        return glides_count(
            sum(z.glides_planned for z in zones),
            sum(z.glides_done for z in zones),
            completed=live.status is SessionStatus.COMPLETED,
            count_share=self.counting_settings().count_share,
        )

    def counting_settings(self) -> Settings | CountingSettings:
        """The settings stats and the waiting period need: the validated ones when they are
        loaded, else their cached copy when the file has not changed (no validators to load,
        which is most of what a status bar's `status` would cost)."""
        if self._settings is None:
            if self._counting is None:
                from facecoach.config.counting import cached_counting_settings

                self._counting = cached_counting_settings(self.config_dir, self.cache) or False
            if self._counting:
                return self._counting
        return self.settings

    def stats(self) -> AdherenceStats | None:
        from facecoach.adherence.stats import stats_from_store

        store = self.store
        if store is None:
            return None
        return stats_from_store(store, self.counting_settings(), today=self.today())

    def stats_so_far(self) -> AdherenceStats:
        """The stats for reading: of the log if there is one, of an empty one if not."""
        from facecoach.adherence.stats import empty_stats, stats_from_store

        store = self.existing_store()
        if store is None:
            return empty_stats(self.counting_settings(), today=self.today())
        return stats_from_store(store, self.counting_settings(), today=self.today())

    def skip_days(self) -> frozenset[date]:
        store = self.store
        return frozenset(store.skip_days()) if store is not None else frozenset()

    def recent_sessions(self, limit: int) -> list[SessionRecord]:
        store = self.store
        return store.sessions(limit=limit) if store is not None else []

    def suggested_routine_id(self) -> str | None:
        """The routine to suggest today: the one after the last one used, in turn."""
        from facecoach.routines.rotation import next_in_rotation

        recent = [s.routine_id for s in self.recent_sessions(10)]
        return next_in_rotation([r.id for r in self.routine_listings().routines], recent)

    def screening(self) -> ScreeningRecord | None:
        return self.safety.latest_screening() if self.safety is not None else None

    def injections(self) -> list[Injection]:
        return self.safety.injections() if self.safety is not None else []

    def waiting(self) -> WaitingPeriod | None:
        from facecoach.safety.waiting import waiting_period

        wait_days = self.counting_settings().injection_wait_days
        return waiting_period(self.injections(), self.today(), wait_days)

    def day_status(self) -> DayStatus:
        """Where today stands in one word, and the streak: for a status line or a reminder."""
        from facecoach.companion.day_status import day_status

        # Reading never creates a log: without one there is no injection to wait after.
        waiting = self.waiting() if self.existing_store() is not None else None
        return day_status(self.stats_so_far(), waiting)

    def dashboard(self) -> Dashboard:
        from facecoach.companion.day_status import day_status

        stats = self.stats()
        waiting = self.waiting()
        return Dashboard(
            today=self.today(),
            stats=stats,
            suggested_id=self.suggested_routine_id(),
            screening=self.screening(),
            waiting=waiting,
            log_problem=self.log_problem,
            day=day_status(stats, waiting) if stats is not None else None,
        )

    # --- before a session --------------------------------------------------------------------

    def safety_gates(self) -> list[Gate]:
        """The gates only the user can pass (answers, overrides), in order, as known now."""
        from facecoach.companion.preflight import (
            screening_gates,
            unreadable_safety_gate,
            waiting_gates,
        )

        if self.safety is None:
            return [unreadable_safety_gate(self.log_problem or "the session log is unavailable")]
        return [*screening_gates(self.screening()), *waiting_gates(self.waiting())]

    async def preflight(self) -> AsyncGenerator[Gate, None]:
        """Every gate before a session, in order, for every front end.

        The front end passes each gate as it comes (answers the questions, records an override
        with `record_override`, shows a notice, has the checks confirmed) or stops asking: a
        refused gate means no session. Gates after an answer are worked out from that answer.
        """
        from facecoach.companion.preflight import (
            CHECKS_GATE,
            GateAction,
            device_gates,
            screening_gates,
        )

        for gate in self.safety_gates():
            yield gate
            if gate.action is GateAction.ANSWER and self.screening() is not None:
                # The answers just given may themselves advise against use.
                for later in screening_gates(self.screening()):
                    yield later
        problem = await self.device.refresh_status()
        for gate in device_gates(self.device.start_blocker(), problem):
            yield gate
        yield CHECKS_GATE

    def record_override(self, gate: Gate, routine_id: str) -> None:
        """The user chose to go on despite `gate`; kept so the choice is on record."""
        if not gate.overridable:
            raise ValueError(f"{gate.kind} cannot be overridden")
        if self.safety is not None:
            self.safety.record_override(gate.kind.value, routine_id, self.clock.now())

    def record_screening(self, answers: Mapping[str, bool]) -> ScreeningResult:
        from facecoach.safety.screening import ScreeningResult

        self._require_safety().record_screening(answers, self.clock.now())
        return ScreeningResult(dict(answers))

    def add_injection(self, kind: InjectionKind, day: date, note: str = "") -> Injection:
        return self._require_safety().add_injection(kind, day, note)

    def remove_injection(self, injection_id: int) -> bool:
        """Whether there was such a treatment to remove."""
        return self._require_safety().remove_injection(injection_id)

    def _require_safety(self) -> SafetyRecords:
        from facecoach.safety.records import SafetyRecords

        return SafetyRecords(self.require_store().database)

    # --- cues --------------------------------------------------------------------------------

    @property
    def machine(self) -> Machine:
        """What this machine has for sound, speech and notifications (read once)."""
        if self._machine is None:
            from facecoach.companion.cue_channels.machine import Machine

            self._machine = Machine()
        return self._machine

    def cue_choices(self, **overrides: object) -> CueChoices:
        """The settings' cue choices, with the command line's flags over them (None: unset)."""
        from facecoach.companion.cue_channels.setup import CueChoices

        return CueChoices.from_settings(self.settings).overridden(**overrides)

    def cue_channels(self, choices: CueChoices | None = None) -> list[ChannelStatus]:
        """Every cue channel: used or not, and with what or why not."""
        from facecoach.companion.cue_channels.setup import channel_statuses

        return channel_statuses(choices or self.cue_choices(), self.machine)

    def try_cue_channel(
        self,
        channel: ChannelName,
        choices: CueChoices,
        terminal_write: Callable[[str], None] | None = None,
    ) -> str:
        """A sample cue through one channel, as `choices` set it; a sentence saying how it
        went. Blocks until the cue is out (a tone played, a command finished)."""
        from facecoach.companion.cue_channels.setup import try_channel

        return try_channel(
            channel,
            choices,
            self.machine,
            terminal_write=terminal_write,
            tones_folder=self.tones_folder,
        )

    @property
    def tones_folder(self) -> Path:
        """Where the cue tones are kept between sessions."""
        return self.cache.directory / "tones"

    # --- the session -------------------------------------------------------------------------

    def begin_session(
        self,
        routine: Routine,
        sinks: Sequence[EventSink],
        *,
        source: SessionSource,
        log: bool = True,
        on_log_error: Callable[[StoreError], None] | None = None,
        on_device_message: Callable[[str], None] = lambda text: None,
        on_device_problem: Callable[[str], None] = lambda text: None,
        cues: CueChoices | None = None,
        terminal_write: Callable[[str], None] | None = None,
        on_cue_problem: Callable[[str], None] = lambda text: None,
    ) -> LiveSession:
        """A live session ready to start: the log first, then the device (when one is
        connected), then the cue channels, then `sinks`. Call from the event loop when a
        device is connected.

        `terminal_write` writes to the front end's terminal (the bell, terminal
        notifications); `on_cue_problem` is called from the channels' threads, once per
        channel that fails."""
        from facecoach.adherence.recorder import SessionRecorder
        from facecoach.adherence.session_log import SessionEventKind
        from facecoach.companion.live_session import LiveSession
        from facecoach.session.engine import Session
        from facecoach.session.timeline import plan_timeline

        if self.live is not None and self.live.is_running:
            raise FacecoachError("a session is already running")
        blocker = self.device.start_blocker()  # a device may have connected since the gates
        if blocker is not None:
            raise FacecoachError(blocker)
        session = Session(plan_timeline(routine), self.clock)
        store = None
        if log:
            try:
                store = self.require_store()  # the day's check and backup, for coach users too
            except StoreError as exc:
                if self.log_problem is None:
                    self.log_problem = str(exc)
                if on_log_error is not None:
                    on_log_error(exc)
        link = self.device.link if self.device.is_connected else None
        recorder = None
        if store is not None:
            recorder = SessionRecorder(
                store,
                self.clock,
                source=source,
                device=self.device.paired.name if link and self.device.paired else None,
                on_error=on_log_error,
            )
        from facecoach.companion.cue_channels.dispatch import CueDispatcher
        from facecoach.companion.cue_channels.setup import build_channels

        choices = cues or self.cue_choices()
        channels = build_channels(
            choices,
            self.machine,
            routine_id=routine.id,
            terminal_write=terminal_write,
            tones_folder=self.tones_folder,
        )
        dispatcher = CueDispatcher(
            channels.channels, self.clock, on_cue_problem, count_seconds=choices.voice_count
        )

        device_sinks: list[EventSink] = []
        commands = None
        if link is not None:
            # Loaded with the first connected device: the profile schema costs start-up time.
            from facecoach.companion.device_commands import DeviceCommandQueue
            from facecoach.companion.device_sinks import (
                DeviceProgramSink,
                DeviceTroubleNotes,
                DeviceWatch,
            )

            if recorder is not None:
                device_sinks.append(DeviceTroubleNotes(link, recorder))

            def charging(text: str) -> None:
                if recorder is not None:
                    recorder.note(SessionEventKind.DEVICE_CHARGING, text)
                on_device_problem(text)
                if self.live is not None:
                    self.live.interrupt(because=text)

            device_sinks.append(DeviceWatch(link, dispatcher, charging))
            if link.profile.programs:
                commands = DeviceCommandQueue()

                def stopped(ok: bool, detail: str) -> None:
                    if recorder is not None:
                        kind = (
                            SessionEventKind.DEVICE_STOPPED
                            if ok
                            else SessionEventKind.DEVICE_STOP_FAILED
                        )
                        recorder.note(kind, detail)

                device_sinks.append(
                    DeviceProgramSink(
                        link,
                        commands,
                        intensity=self.settings.device_intensity,
                        on_message=on_device_message,
                        on_problem=on_device_problem,
                        on_stopped=stopped,
                    )
                )
        self.live = LiveSession(
            session,
            sinks,
            recorder=recorder,
            device_sinks=device_sinks,
            commands=commands,
            cues=dispatcher,
            channels=channels,
        )
        return self.live

    # --- settings ----------------------------------------------------------------------------

    def _check_preferences_fit(self, settings: Settings) -> None:
        """A glide length or repeat count that no routine can take is refused when it is set,
        not discovered at the start of a session."""
        from pydantic import ValidationError

        from facecoach.config.settings import SettingsError

        if settings.glide_seconds is None and settings.repeats is None:
            return
        if (settings.glide_seconds, settings.repeats) == (
            self.settings.glide_seconds,
            self.settings.repeats,
        ):
            return
        misfits: list[str] = []
        for loaded in self.library.routines.values():
            try:
                loaded.routine.with_overrides(
                    glide_seconds=settings.glide_seconds, repeats=settings.repeats
                )
            except ValidationError:
                misfits.append(loaded.routine.name)
        if misfits:
            raise SettingsError(
                "with this glide length and these repeats, some routines would take more than "
                f"an hour: {', '.join(misfits)}. Choose shorter glides or fewer repeats."
            )

    def preview_settings(self, **changes: Any) -> Settings:
        """The settings with `changes`, validated but not saved; raises SettingsError."""
        from pydantic import ValidationError

        from facecoach.config.settings import Settings, SettingsError

        data = self.settings.model_dump()
        data.update(changes)
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            from facecoach.validation_problems import field_problems

            raise SettingsError(" ".join(field_problems(exc.errors(include_url=False)))) from None

    def update_settings(self, **changes: Any) -> Settings:
        """Validate and save; raises SettingsError naming the bad field."""
        from facecoach.config.settings import save_settings

        settings = self.preview_settings(**changes)
        self._check_preferences_fit(settings)
        if self._settings_unreadable:
            from facecoach.datafiles import keep_backup

            keep_backup(settings_path(self.config_dir))
            self._settings_unreadable = False
        save_settings(self.config_dir, settings, self.cache)
        self._settings = settings
        self._listings = None  # the routines' lengths may change with the preferences
        return settings
