"""Settings: goals and phases, day start, glide length and repeats, the cues off the screen
(sound, voice, notifications, a command; each with a test button), theme, waiting days."""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static, Switch

from facecoach.companion.core import Companion
from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.companion.cue_channels.setup import CueChoices
from facecoach.config.cue_settings import ChannelMode, ToneSet
from facecoach.config.settings import PhaseSettings, Settings, SettingsError, program_phases
from facecoach.tui.motion import apply_motion
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.terminal import TerminalWriter
from facecoach.tui.text import shown
from facecoach.tui.widgets.calendar_button import CalendarExportButton
from facecoach.tui.widgets.form_row import FormRow
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.doctor import channel_state_words

if TYPE_CHECKING:
    from facecoach.companion.cue_channels.setup import CueChoices

MODE_CHOICES = (
    ("Auto", ChannelMode.AUTO.value),  # on where it works: the list above says where
    ("On", ChannelMode.ON.value),
    ("Off", ChannelMode.OFF.value),
)
# Each channel's mode field, by the settings' own names.
CHANNEL_FIELDS = {
    ChannelName.SOUND: "sound",
    ChannelName.VOICE: "voice",
    ChannelName.DESKTOP: "desktop_notifications",
    ChannelName.TERMINAL: "terminal_notifications",
}


def _optional(text: str) -> str | None:
    text = text.strip()
    return text or None


class SettingsScreen(SizedScreen[None]):
    DEFAULT_CSS = """
    #settings-body { padding: 0 1; }
    #settings-body FormRow Select.mode { width: 14; }
    #settings-body #on-cue { width: 1fr; max-width: 40; }
    #cue-facilities { padding: 0 0 1 0; }
    """
    # Focus goes straight to the first field (on_mount). Textual's own pick is the first
    # focusable widget, the scrolling form, and each focus change restyles the whole form
    # (105 widgets): that pass cost about 40 ms of opening the screen.
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("escape", "back", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self, companion: Companion) -> None:
        super().__init__()
        self.companion = companion

    def compose(self) -> ComposeResult:
        settings = self.companion.program_service.settings
        yield TitleBar()
        with VerticalScroll(id="settings-body"):
            yield from _goal_rows(settings)
            yield from _session_rows(settings)
            yield from _cue_rows(settings)
            yield from self._look_rows(settings)
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
                yield CalendarExportButton(self.companion)
        yield SteadyFooter()

    def _look_rows(self, settings: Settings) -> Iterator[Widget]:
        themes = self.app.available_themes
        yield Label("Look", classes="title")
        yield _row(
            "Theme",
            Select[str](
                ((name, name) for name in sorted(themes)),
                value=settings.theme if settings.theme in themes else Select.NULL,
                id="theme",
                allow_blank=False,
            ),
        )

    def on_mount(self) -> None:
        self.title = "Settings"
        self._saved_form = self._form()
        self._show_facilities()
        # Typing starts in the first field; tabbing through a field never selects its text,
        # so a key pressed by accident adds to the value rather than replacing it.
        for field in self.query(Input):
            field.select_on_focus = False
        first = next((field for field in self.query(Input) if not field.disabled), None)
        if first is not None:
            first.focus()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        parent = event.switch.parent
        if parent is not None:
            parent.query_one(".switch-state", Static).update(_on_off(event.value))

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "theme" and isinstance(event.value, str):
            self.app.theme = event.value  # preview; kept only on save

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id and event.button.id.startswith("try-"):
            self._try(ChannelName(event.button.id.removeprefix("try-")))
        else:
            self.action_back()

    # --- the cue channels --------------------------------------------------------------------

    def _show_facilities(self) -> None:
        """What each channel would use on this machine, or why it cannot work."""
        lines = [
            f"{status.channel.label}: {channel_state_words(status.state.value, status.mode)}"
            f" · {status.how}"
            for status in self.companion.cue_service.channels()
        ]
        self.query_one("#cue-facilities", Static).update(shown("\n".join(lines)))

    def _cue_changes(self) -> dict[str, Any]:
        changes: dict[str, Any] = {
            field: self.query_one(f"#{field}", Select).value for field in CHANNEL_FIELDS.values()
        }
        changes["tone_set"] = self.query_one("#tone-set", Select).value
        changes["sound_volume"] = self._value("sound-volume").strip()
        changes["voice_rate"] = self._value("voice-rate").strip()
        changes["voice_count"] = self._value("voice-count").strip()
        changes["on_cue"] = _optional(self._value("on-cue"))
        changes["bell"] = self.query_one("#bell", Switch).value
        return changes

    def _try(self, channel: ChannelName) -> None:
        """A sample cue through one channel as the form now stands (saved or not)."""
        try:
            preview = self.companion.program_service.preview_settings(**self._cue_changes())
        except SettingsError as exc:
            self.notify(str(exc), title="Cannot test", severity="error", markup=False)
            return
        self.notify(f"Testing {channel.label.lower()}…", timeout=2)
        self._send_sample(channel, CueChoices.from_settings(preview))

    @work(thread=True, group="try-cue")
    def _send_sample(self, channel: ChannelName, choices: "CueChoices") -> None:
        terminal = TerminalWriter(self.app)  # the app's own writer, as the session screen's

        def write(text: str) -> None:
            self.app.call_from_thread(terminal, text)

        said = self.companion.cue_service.try_channel(channel, choices, terminal_write=write)
        failed = "failed" in said or "cannot work" in said
        self.app.call_from_thread(
            self.notify,
            said,
            title="Test",
            severity="warning" if failed else "information",
            timeout=8,
            markup=False,
        )

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _form(self) -> tuple[object, ...]:
        """Everything the form holds, to tell whether the user changed anything."""
        inputs = tuple(field.value for field in self.query(Input))
        switches = tuple(switch.value for switch in self.query(Switch))
        selects = tuple(select.value for select in self.query(Select))
        return (*inputs, *switches, *selects)

    @work(exclusive=True, group="settings-back")
    async def action_back(self) -> None:
        """Back to where the user was; unsaved changes are dropped only when the user says so."""
        if self._form() != self._saved_form:
            discard = await self.app.push_screen_wait(
                ConfirmDialog(
                    "Discard your changes to the settings?", yes="Discard", no="Keep editing"
                )
            )
            if not discard:
                return
        self.app.theme = self.companion.program_service.settings.theme
        self.app.pop_screen()

    def action_save(self) -> None:
        changes: dict[str, Any] = {
            "day_start_hour": self._value("day-start").strip(),
            "glide_seconds": _optional(self._value("glide-seconds")),
            "repeats": _optional(self._value("repeats")),
            "reduced_motion": self.query_one("#reduced-motion", Switch).value,
            **self._cue_changes(),
            "injection_wait_days": self._value("wait-days").strip(),
        }
        theme = self.query_one("#theme", Select).value
        if isinstance(theme, str):
            changes["theme"] = theme
        if len(self.companion.program_service.settings.phases) <= 2:
            changes["phases"] = program_phases(
                self._value("ongoing-goal").strip(),
                self._value("intro-goal").strip(),
                self._value("intro-days").strip(),
            )
        try:
            saved: Settings = self.companion.program_service.update_settings(**changes)
        except SettingsError as exc:
            self.notify(str(exc), title="Settings not saved", severity="error", markup=False)
            return
        self.app.theme = saved.theme
        apply_motion(self.app, saved.reduced_motion)
        self.notify("Settings saved.", timeout=3)
        self.app.pop_screen()


def _goal_rows(settings: Settings) -> Iterator[Widget]:
    """The program's goals: an intro phase and the ongoing one (more phases: settings.toml)."""
    phases = settings.phases
    editable = len(phases) <= 2
    intro: PhaseSettings | None = phases[0] if len(phases) == 2 else None
    yield Label("Goals", classes="title")
    if not editable:
        yield Static(
            f"Your program has {len(phases)} phases; edit them in settings.toml.",
            classes="warning",
        )
    yield _row(
        "Intro goal (sessions/days)",
        Input(
            intro.goal if intro else "", id="intro-goal", placeholder="none", disabled=not editable
        ),
    )
    yield _row(
        "Intro length (days)",
        Input(
            str(intro.days) if intro and intro.days else "",
            id="intro-days",
            placeholder="none",
            disabled=not editable,
        ),
    )
    yield _row(
        "Then (sessions/days)",
        Input(phases[-1].goal, id="ongoing-goal", disabled=not editable),
    )
    yield _row("New day starts at (hour)", Input(str(settings.day_start_hour), id="day-start"))


def _session_rows(settings: Settings) -> Iterator[Widget]:
    yield Label("Sessions", classes="title")
    yield _row(
        "Glide length (seconds)",
        Input(_text(settings.glide_seconds), id="glide-seconds", placeholder="as routine"),
    )
    yield _row(
        "Repeats per zone", Input(_text(settings.repeats), id="repeats", placeholder="as routine")
    )
    yield _row("Reduced motion (no flash)", Switch(settings.reduced_motion, id="reduced-motion"))
    yield _row(
        "Wait after Botox/fillers (days)", Input(str(settings.injection_wait_days), id="wait-days")
    )


def _cue_rows(settings: Settings) -> Iterator[Widget]:
    """The cues off the screen: what this machine can do, then each channel with a test."""
    yield Label("Cues off the screen", classes="title")
    yield Static(id="cue-facilities", classes="muted")
    yield _channel_row("Sound", ChannelName.SOUND, settings.sound)
    yield _row("Volume (0-100)", Input(str(settings.sound_volume), id="sound-volume"))
    yield _row(
        "Tones",
        Select[str](
            ((t.value.capitalize(), t.value) for t in ToneSet),
            value=settings.tone_set.value,
            id="tone-set",
            allow_blank=False,
            classes="mode",
        ),
    )
    yield _row("Bell at each glide", Switch(settings.bell, id="bell"))
    yield _channel_row("Voice", ChannelName.VOICE, settings.voice)
    yield _row("Speech rate (words/min)", Input(str(settings.voice_rate), id="voice-rate"))
    yield _row("Count last seconds (0-5)", Input(str(settings.voice_count), id="voice-count"))
    yield _channel_row("Desktop notifications", ChannelName.DESKTOP, settings.desktop_notifications)
    yield _channel_row(
        "Terminal notifications", ChannelName.TERMINAL, settings.terminal_notifications
    )
    yield _row(
        "Command at each cue",
        Input(settings.on_cue or "", id="on-cue", placeholder="none"),
        _try_button(ChannelName.HOOK),
    )
    yield Static(
        "It runs without a shell, with each cue as JSON on its input; for a "
        "redirection or a pipe, use sh -c '…'.",
        id="on-cue-hint",
        classes="muted",
        markup=False,
    )


def _row(label: str, widget: Input | Select[str] | Switch, *after: Button | Static) -> FormRow:
    """A labelled field; a switch says "on" or "off" beside it (the knob's side alone is
    easy to misread)."""
    if isinstance(widget, Switch):
        state = Static(_on_off(widget.value), classes="switch-state")
        return FormRow(Label(label), widget, state, *after)
    return FormRow(Label(label), widget, *after)


def _channel_row(label: str, name: ChannelName, mode: ChannelMode) -> FormRow:
    """A cue channel's mode (auto, on, off) and its test button."""
    field = CHANNEL_FIELDS[name]
    select = Select[str](
        MODE_CHOICES, value=mode.value, id=field, allow_blank=False, classes="mode"
    )
    return _row(label, select, _try_button(name))


def _try_button(channel: ChannelName) -> Button:
    return Button("Test", id=f"try-{channel.value}", classes="try", compact=True)


def _text(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _on_off(value: bool) -> str:
    return "on" if value else "off"
