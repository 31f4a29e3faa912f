"""Settings: goals and phases, day start, glide length and repeats, bell, theme, waiting days."""

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static, Switch

from facecoach.companion.core import Companion
from facecoach.config.settings import PhaseSettings, Settings, SettingsError, program_phases
from facecoach.tui.motion import apply_motion


def _optional(text: str) -> str | None:
    text = text.strip()
    return text or None


class SettingsScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "back", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def __init__(self, companion: Companion) -> None:
        super().__init__()
        self.companion = companion

    def compose(self) -> ComposeResult:
        settings = self.companion.settings
        phases = settings.phases
        editable = len(phases) <= 2
        intro: PhaseSettings | None = phases[0] if len(phases) == 2 else None
        ongoing = phases[-1]

        def row(label: str, widget: Input | Select[str] | Switch) -> Horizontal:
            if isinstance(widget, Switch):  # the knob's side alone is easy to misread
                state = Static(_on_off(widget.value), classes="switch-state")
                return Horizontal(Label(label), widget, state, classes="form-row")
            return Horizontal(Label(label), widget, classes="form-row")

        yield Header()
        with VerticalScroll(id="settings-body"):
            yield Label("Goals", classes="title")
            if not editable:
                yield Static(
                    f"Your program has {len(phases)} phases; edit them in settings.toml.",
                    classes="warning",
                )
            yield row(
                "Intro goal (sessions/days)",
                Input(
                    intro.goal if intro else "",
                    id="intro-goal",
                    placeholder="none",
                    disabled=not editable,
                ),
            )
            yield row(
                "Intro length (days)",
                Input(
                    str(intro.days) if intro and intro.days else "",
                    id="intro-days",
                    placeholder="none",
                    disabled=not editable,
                ),
            )
            yield row(
                "Then (sessions/days)",
                Input(ongoing.goal, id="ongoing-goal", disabled=not editable),
            )
            yield row(
                "New day starts at (hour)", Input(str(settings.day_start_hour), id="day-start")
            )
            yield Label("Sessions", classes="title")
            yield row(
                "Glide length (seconds)",
                Input(
                    _text(settings.glide_seconds), id="glide-seconds", placeholder="routine's own"
                ),
            )
            yield row(
                "Repeats per zone",
                Input(_text(settings.repeats), id="repeats", placeholder="routine's own"),
            )
            yield row("Bell at each glide", Switch(settings.bell, id="bell"))
            yield row(
                "Reduced motion (no flash)",
                Switch(settings.reduced_motion, id="reduced-motion"),
            )
            yield row(
                "Wait after Botox/fillers (days)",
                Input(str(settings.injection_wait_days), id="wait-days"),
            )
            yield Label("Look", classes="title")
            yield row(
                "Theme",
                Select[str](
                    ((name, name) for name in sorted(self.app.available_themes)),
                    value=settings.theme
                    if settings.theme in self.app.available_themes
                    else Select.NULL,
                    id="theme",
                    allow_blank=False,
                ),
            )
            with Horizontal(classes="buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Settings"
        self._saved_form = self._form()
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
        else:
            self.action_back()

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _form(self) -> tuple[object, ...]:
        """Everything the form holds, to tell whether the user changed anything."""
        inputs = tuple(field.value for field in self.query(Input))
        return (
            *inputs,
            self.query_one("#bell", Switch).value,
            self.query_one("#reduced-motion", Switch).value,
            self.query_one("#theme", Select).value,
        )

    @work(exclusive=True, group="settings-back")
    async def action_back(self) -> None:
        """Back to where the user was; unsaved changes are dropped only when the user says so."""
        if self._form() != self._saved_form:
            from facecoach.tui.screens.dialogs import ConfirmDialog

            discard = await self.app.push_screen_wait(
                ConfirmDialog(
                    "Discard your changes to the settings?", yes="Discard", no="Keep editing"
                )
            )
            if not discard:
                return
        self.app.theme = self.companion.settings.theme
        self.app.pop_screen()

    def action_save(self) -> None:
        changes: dict[str, Any] = {
            "day_start_hour": self._value("day-start").strip(),
            "glide_seconds": _optional(self._value("glide-seconds")),
            "repeats": _optional(self._value("repeats")),
            "bell": self.query_one("#bell", Switch).value,
            "reduced_motion": self.query_one("#reduced-motion", Switch).value,
            "injection_wait_days": self._value("wait-days").strip(),
        }
        theme = self.query_one("#theme", Select).value
        if isinstance(theme, str):
            changes["theme"] = theme
        if len(self.companion.settings.phases) <= 2:
            changes["phases"] = program_phases(
                self._value("ongoing-goal").strip(),
                self._value("intro-goal").strip(),
                self._value("intro-days").strip(),
            )
        try:
            saved: Settings = self.companion.update_settings(**changes)
        except SettingsError as exc:
            self.notify(str(exc), title="Settings not saved", severity="error", markup=False)
            return
        self.app.theme = saved.theme
        apply_motion(self.app, saved.reduced_motion)
        self.notify("Settings saved.", timeout=3)
        self.app.pop_screen()


def _text(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def _on_off(value: bool) -> str:
    return "on" if value else "off"
