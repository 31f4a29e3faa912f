"""The program: the user's settings and routine library, and the preferences applied to a
routine (what will really run). One job of the core, built on first use.

Everything here loads on first use: settings and routines are validated files (pydantic), and
the app's first frame needs neither (its theme and keys come from `appearance()`, its home
from the validated copies in the cache).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from facecoach.config.appearance import Appearance, cached_appearance
from facecoach.config.paths import settings_path, user_routines_dir
from facecoach.errors import FacecoachError, RoutineError
from facecoach.problems import problem_line, problem_sentences

if TYPE_CHECKING:
    from facecoach.config.counting import CountingSettings
    from facecoach.config.home_settings import HomeSettings
    from facecoach.config.routine_listing import RoutineListings
    from facecoach.config.settings import Settings
    from facecoach.config.validated_cache import ValidatedCache
    from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
    from facecoach.routines.model import Routine
    from facecoach.session.clock import Clock


class RoutineChoice(NamedTuple):
    """A routine as it will really run, with the user's preferences applied."""

    routine: Routine
    source: str
    problem: str | None = None  # the preferences do not fit: it runs as written

    @property
    def total_seconds(self) -> float:
        return self.routine.total_seconds()


class ProgramService:
    """The settings and the routine library: loaded on first use, saved validated. Problems
    met loading them join `problems` (shared with the rest of the core)."""

    def __init__(
        self,
        clock: Clock,
        config_dir: Path,
        cache: ValidatedCache,
        problems: list[str],
        library: RoutineLibrary | None = None,
    ) -> None:
        self.clock = clock
        self.config_dir = config_dir
        self.cache = cache
        self.problems = problems
        self._settings: Settings | None = None
        # The cached copy of what counting needs; False once it turned out not to be there.
        self._counting: CountingSettings | Literal[False] | None = None
        self._home_copy: HomeSettings | Literal[False] | None = None  # the same, for home
        self._listings: RoutineListings | None = None
        self._settings_unreadable = False
        self._library = library

    # --- settings and routines, loaded on first use -----------------------------------------

    @property
    def settings_loaded(self) -> bool:
        return self._settings is not None

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
            self.problems.extend(map(problem_line, self._library.problems))
        return self._library

    def appearance(self) -> Appearance:
        """The theme and keys for the first frame: from the settings file's validated copy
        when it has not changed, else from the settings (validated now)."""
        if self._settings is None:
            cached = cached_appearance(self.config_dir, self.cache)
            if cached is not None:
                return cached
        return Appearance(self.settings.theme, dict(self.settings.keymap))

    def load(self) -> None:
        """Loads the settings and routines for their problems: from the validated copies when
        the files have not changed since they were last validated."""
        if self._cached_home_settings() is None:
            self.settings  # noqa: B018 - validated now, for their problems
        self.routine_listings()  # the routines' problems, from the copy or the files

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

    def today(self) -> date:
        from facecoach.adherence.days import today

        return today(self.clock.now(), self.counting_settings().day_start_hour)

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
            tuple(map(problem_line, library.problems)),
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

    # --- routines ------------------------------------------------------------------------------

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
        # 0 as 0.001: one rule, one sentence (the field's own "more than 0" would be another).
        if glide is not None and glide < MIN_GLIDE_SECONDS_SET:
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

            problems = field_problems(exc.errors(include_url=False), type(routine))
            raise RoutineError(problem_sentences(problems)) from None
        return routine

    def routine_for_session(self, routine_id: str) -> Routine:
        """The routine as it will run; raises when the preferences do not fit it."""
        return self.apply_preferences(self.library.resolve(routine_id).routine)

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

    def _check_entered_goals(self, settings: Settings) -> None:
        """Refuse a goal just typed whose window is too long to mean what was typed; goals
        kept from before (an older settings file) are left as they are."""
        from facecoach.adherence.goals import entered_goal_problems
        from facecoach.config.settings import SettingsError

        kept = {(phase.name, phase.goal) for phase in self.settings.phases}
        for phase in settings.program().phases:
            if (phase.name, str(phase.goal)) in kept:
                continue
            problems = entered_goal_problems(phase)
            if problems:
                raise SettingsError(problem_sentences(problems))

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

            problems = field_problems(exc.errors(include_url=False), Settings)
            raise SettingsError(problem_sentences(problems)) from None

    def update_settings(self, **changes: Any) -> Settings:
        """Validate and save; raises SettingsError naming the bad field."""
        from facecoach.config.settings import save_settings

        settings = self.preview_settings(**changes)
        self._check_preferences_fit(settings)
        self._check_entered_goals(settings)
        if self._settings_unreadable:
            from facecoach.datafiles import keep_backup

            keep_backup(settings_path(self.config_dir))
            self._settings_unreadable = False
        save_settings(self.config_dir, settings, self.cache)
        self._settings = settings
        self._listings = None  # the routines' lengths may change with the preferences
        return settings
