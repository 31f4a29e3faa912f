"""User settings: validated by pydantic, stored as TOML in the configuration directory."""

import shlex
from datetime import date
from pathlib import Path
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from facecoach.adherence.goals import (
    DEFAULT_PROGRAM,
    INTRO_PHASE,
    MAINTENANCE_PHASE,
    ONGOING_PHASE,
    Goal,
    GoalError,
    Phase,
    Program,
)
from facecoach.adherence.records import EARLIEST_DAY
from facecoach.config.appearance import DEFAULT_THEME, NO_SETTINGS_FILE, SETTINGS_CACHE
from facecoach.config.cue_settings import (
    DEFAULT_RATE,
    MAX_RATE,
    MIN_RATE,
    ChannelMode,
    ToneSet,
)
from facecoach.config.paths import settings_path
from facecoach.config.validated_cache import ValidatedCache, digest
from facecoach.datafiles import DataFileError, parse_toml_model, read_text_file, write_toml_atomic
from facecoach.errors import FacecoachError
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS, MIN_GLIDE_SECONDS_SET
from facecoach.safety.waiting import DEFAULT_INJECTION_WAIT_DAYS, MAX_INJECTION_WAIT_DAYS
from facecoach.units import Unit


class SettingsError(FacecoachError):
    """The settings cannot be read, validated or written."""


class SettingsFileError(DataFileError, SettingsError):
    what = "settings file"


class PhaseSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=40)
    goal: str = Field(description="SESSIONS/DAYS, e.g. '5/7'")
    days: Annotated[int | None, Unit.DAYS] = Field(default=None, ge=1, le=3650)

    @model_validator(mode="after")
    def _check_goal(self) -> Self:
        try:
            Goal.parse(self.goal)
        except GoalError as exc:
            raise ValueError(str(exc)) from None
        return self


class Settings(BaseModel):
    """Everything a user can set; every field has a sensible default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day_start_hour: Annotated[int, Unit.HOUR] = Field(default=3, ge=0, le=23)
    program_start: date | None = Field(
        default=None, description="First day of the program; the first session's day if unset."
    )
    phases: tuple[PhaseSettings, ...] = Field(
        default=tuple(
            PhaseSettings(name=p.name, goal=str(p.goal), days=p.days)
            for p in DEFAULT_PROGRAM.phases
        ),
        min_length=1,
        max_length=10,
    )
    count_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Share of its glides a stopped session needs to count towards the goal.",
    )
    glide_seconds: Annotated[float | None, Unit.SECONDS] = Field(
        default=None,
        ge=MIN_GLIDE_SECONDS_SET,
        le=MAX_GLIDE_SECONDS,
        description="Glide length for every routine; unset keeps each routine's own.",
    )
    repeats: int | None = Field(
        default=None,
        ge=1,
        le=MAX_REPEATS,
        description="Repeats per zone for every routine; unset keeps each routine's own.",
    )
    bell: bool = Field(default=True, description="Ring the terminal bell at every glide change.")
    sound: ChannelMode = Field(
        default=ChannelMode.AUTO,
        description="Tones at each glide, side switch, zone and the end: off, on, or auto "
        "(wherever this machine can play sound).",
    )
    sound_volume: Annotated[int, Unit.PERCENT] = Field(
        default=70, ge=0, le=100, description="Volume of the tones, 0-100."
    )
    tone_set: ToneSet = Field(default=ToneSet.CHIME, description="How the tones sound.")
    sound_command: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="A command that plays a WAV file (its path is added at the end), instead "
        "of the player facecoach finds, e.g. 'pw-play --volume 0.5'.",
    )
    voice: ChannelMode = Field(
        default=ChannelMode.OFF,
        description="Spoken cues (the zone and side before its glides): off, on, or auto.",
    )
    voice_rate: Annotated[int, Unit.WORDS_PER_MINUTE] = Field(
        default=DEFAULT_RATE, ge=MIN_RATE, le=MAX_RATE, description="Words per minute."
    )
    voice_name: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_+.-]{1,40}$",
        description="The speech engine's voice or language, e.g. 'en-gb'; unset: its default.",
    )
    voice_count: Annotated[int, Unit.SECONDS] = Field(
        default=0,
        ge=0,
        le=5,
        description="Count the last seconds of each glide aloud (with the voice on); 0: no count.",
    )
    desktop_notifications: ChannelMode = Field(
        default=ChannelMode.AUTO,
        description="A desktop notification when a session ends or needs you: off, on, or auto.",
    )
    terminal_notifications: ChannelMode = Field(
        default=ChannelMode.AUTO,
        description="The same as a terminal notification (OSC 9, 777 or 99) where the terminal "
        "shows them: off, on, or auto.",
    )
    on_cue: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="A command run at every cue with the cue as JSON on its standard input.",
    )
    reduced_motion: bool = Field(
        default=False,
        description="No flash at a glide change and no animations in the app (the bell still "
        "marks each glide).",
    )
    theme: str = Field(default=DEFAULT_THEME, min_length=1, max_length=60)
    injection_wait_days: Annotated[int, Unit.DAYS] = Field(
        default=DEFAULT_INJECTION_WAIT_DAYS,
        ge=0,
        le=MAX_INJECTION_WAIT_DAYS,
        description="Days to wait after Botox or fillers before the next session.",
    )
    device_intensity: Annotated[int | None, Unit.LEVEL] = Field(
        default=None,
        ge=1,
        le=255,
        description="Intensity to set on the paired device at the start of a session; never "
        "more than the device profile's limit. Unset leaves the device's own setting.",
    )
    backup_days: Annotated[int, Unit.DAYS] = Field(
        default=14,
        ge=0,
        le=3650,
        description="Days to keep the daily backups of the session log; 0 makes none.",
    )
    keymap: dict[str, str] = Field(
        default_factory=dict,
        description="Key binding id to keys, e.g. {'session.pause' = 'p'}.",
    )

    @model_validator(mode="after")
    def _check_commands(self) -> Self:
        commands = {
            "sound_command": "the sound player command",
            "on_cue": "the command at each cue",
        }
        for name, said in commands.items():
            command = getattr(self, name)
            if command is None:
                continue
            try:
                words = shlex.split(command)
            except ValueError:
                raise ValueError(f"{said} {command!r} has a quote that is not closed") from None
            if not words:
                raise ValueError(f"{said} is empty; leave it out for none")
        return self

    @model_validator(mode="after")
    def _check_start(self) -> Self:
        if self.program_start is not None and self.program_start < EARLIEST_DAY:
            raise ValueError(
                f"program_start {self.program_start.isoformat()} is before "
                f"{EARLIEST_DAY.isoformat()}; is the year mistyped?"
            )
        return self

    @model_validator(mode="after")
    def _check_phases(self) -> Self:
        try:
            self.program()
        except GoalError as exc:
            raise ValueError(str(exc)) from None
        return self

    def program(self) -> Program:
        return Program(tuple(Phase(p.name, Goal.parse(p.goal), p.days) for p in self.phases))


def program_phases(
    ongoing_goal: str, intro_goal: str | None = None, intro_days: int | str | None = None
) -> list[dict[str, object]]:
    """The phases of a program as the user gives them: one goal for good, or an intro phase
    (a goal for some days) and then the ongoing goal, named the same in every front end."""
    if not intro_goal and not intro_days:
        return [{"name": ONGOING_PHASE, "goal": ongoing_goal}]
    return [
        {"name": INTRO_PHASE, "goal": intro_goal or "", "days": intro_days},
        {"name": MAINTENANCE_PHASE, "goal": ongoing_goal},
    ]


def load_settings(config_dir: Path, cache: ValidatedCache | None = None) -> Settings:
    """The validated settings (the defaults when there is no file); a file that passes is
    remembered in `cache`, so the next start can read its appearance without validating."""
    path = settings_path(config_dir)
    if not path.exists() and not path.is_symlink():
        settings = Settings()
        if cache is not None:  # the defaults' copy, for `config.counting`
            cache.put(SETTINGS_CACHE, digest(NO_SETTINGS_FILE), settings.model_dump(mode="json"))
        return settings
    text = read_text_file(path, SettingsFileError)
    settings = parse_toml_model(text, Settings, SettingsFileError, str(path))
    if cache is not None:
        cache.put(SETTINGS_CACHE, digest(text.encode()), settings.model_dump(mode="json"))
    return settings


def save_settings(
    config_dir: Path, settings: Settings, cache: ValidatedCache | None = None
) -> Path:
    data = settings.model_dump(mode="json", exclude_none=True)
    path = settings_path(config_dir)
    text = write_toml_atomic(path, data, SettingsError)
    if cache is not None:
        cache.put(SETTINGS_CACHE, digest(text.encode()), settings.model_dump(mode="json"))
    return path
