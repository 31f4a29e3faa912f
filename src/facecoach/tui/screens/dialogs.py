"""Small modal questions: confirm, pre-session checks, safety overrides, logging an injection.

Each dialog has its own footer: the keys shown are the dialog's, not the screen's underneath
(which do nothing while a dialog is open).
"""

from datetime import date
from typing import TypeVar

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioSet, Static

from facecoach.adherence.records import MAX_NOTE_CHARS
from facecoach.companion.preflight import Gate
from facecoach.safety.checks import PRE_SESSION_CHECKS, CheckItem
from facecoach.safety.waiting import InjectionKind
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.toggles import Choice, TickBox

Answer = TypeVar("Answer")


class Dialog(ModalScreen[Answer]):
    """A modal screen; it stops the app's bindings, so it carries Space-presses-a-button too."""

    DEFAULT_CSS = """
    .dialog {
        width: 70;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: thick $primary;
        background: $surface;
        padding: 1 2;
    }
    .dialog.danger { border: thick $error; }
    .dialog .buttons { align-horizontal: right; }
    """

    BINDINGS = [Binding("space", "app.press_focused_button", show=False)]

    _dismissed = False

    def dismiss(self, result: Answer | None = None) -> AwaitComplete:
        """Once: a button pressed again before the dialog has gone (Enter or space twice in
        a burst, a held key) dismissed the screen under it too (the session, then home)."""
        if self._dismissed:
            return AwaitComplete()  # already done: nothing to wait for
        self._dismissed = True
        return super().dismiss(result)


class ConfirmDialog(Dialog[bool]):
    """Yes or no; escape means no."""

    BINDINGS = [Binding("escape", "answer(False)", "Cancel", id="dialog.cancel")]

    def __init__(self, question: str, yes: str, no: str = "Cancel", *, danger: bool = False):
        super().__init__()
        self._question, self._yes, self._no, self._danger = question, yes, no, danger

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger" if self._danger else "dialog"):
            yield Static(self._question, markup=False)  # may quote a name from a file
            with Horizontal(classes="buttons"):
                yield Button(self._no, id="no")
                yield Button(self._yes, id="yes", variant="error" if self._danger else "primary")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class SafetyOverrideDialog(Dialog[bool]):
    """A warning the user can only pass by choosing to, in words; the choice is recorded."""

    BINDINGS = [Binding("escape", "cancel", "Don't start", id="dialog.cancel")]

    def __init__(self, gate: Gate) -> None:
        super().__init__()
        self.gate = gate

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog danger"):
            yield Label(self.gate.title, classes="error")
            yield Static(self.gate.text, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Don't start", id="no", variant="primary")
                yield Button("Start anyway, I accept the risk", id="override", variant="error")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "override")

    def action_cancel(self) -> None:
        self.dismiss(False)


class PreSessionChecks(Dialog[bool]):
    """Gel on, device off its charger: Start stays disabled until every box is ticked."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("enter", "start", "Start", id="dialog.start"),
    ]

    def __init__(self, checks: tuple[CheckItem, ...] = PRE_SESSION_CHECKS) -> None:
        super().__init__()
        self.checks = checks

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Before you start", classes="title")
            for check in self.checks:
                yield TickBox(check.text, id=f"check-{check.id}", tooltip=check.why)
                yield Static(check.why, classes="muted")
            yield Static(id="checks-hint")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Start", id="go", variant="success", disabled=True)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query(TickBox).first().focus()
        self._show_ready()

    @property
    def ready(self) -> bool:
        return all(box.value for box in self.query(TickBox))

    def _show_ready(self) -> None:
        ready = self.ready
        self.query_one("#go", Button).disabled = not ready
        self.query_one("#checks-hint", Static).update(
            "All checked: Enter starts."
            if ready
            else "Tick each item to start (space or Enter ticks)."
        )

    def on_checkbox_changed(self, event: TickBox.Changed) -> None:
        self._show_ready()
        if not event.value:
            return
        # A tick moves on, to the next box not yet ticked, or to Start once all are: Enter,
        # Enter, Enter starts. Focused at once (not after the queued keys, as `focus()` would),
        # so two quick Enters tick two boxes.
        boxes = list(self.query(TickBox))
        after = boxes.index(event.checkbox) if event.checkbox in boxes else -1
        following = boxes[after + 1 :] + boxes[: after + 1]
        unticked = [box for box in following if not box.value]
        self.set_focus(unticked[0] if unticked else self.query_one("#go", Button))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "go")

    def action_start(self) -> None:
        # Enter with every box ticked starts, wherever the focus is (except on Cancel, which
        # takes its own Enter first); before that it only ever ticks (see TickBox).
        if self.ready:
            self.dismiss(True)
            return
        # Not all ticked: Enter ticks the next box that is not. An Enter typed before the
        # focus moved on lands on a box already ticked (which passes it here), and still
        # counts: two quick Enters tick two boxes.
        unticked = [box for box in self.query(TickBox) if not box.value]
        unticked[0].value = True

    def action_cancel(self) -> None:
        self.dismiss(False)


class InjectionDialog(Dialog[tuple[InjectionKind, date] | None]):
    """Log a Botox or filler treatment: which, and on what day."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, today: date, wait_days: int) -> None:
        super().__init__()
        self._today = today
        self._wait_days = wait_days

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Log a Botox or filler treatment", classes="title")
            yield Static(
                f"Sessions are advised against for {self._wait_days} days after it "
                "(change the length in Settings).",
                classes="muted",
            )
            with RadioSet(id="kind"):
                yield Choice("Botox", value=True, id="botox")
                yield Choice("Filler", id="filler")
            yield Label("Day of the treatment (YYYY-MM-DD)")
            yield Input(self._today.isoformat(), id="day")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Log it", id="log", variant="primary")
        yield SteadyFooter()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id != "log":
            self.dismiss(None)
            return
        self._submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._submit()

    def _submit(self) -> None:
        text = self.query_one("#day", Input).value.strip()
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self.notify(f"Not a date: {text!r}. Use YYYY-MM-DD.", severity="error", markup=False)
            return
        if day > self._today:
            self.notify("That day is in the future; log it on the day.", severity="error")
            return
        pressed = self.query_one("#kind", RadioSet).pressed_button
        kind = (
            InjectionKind.FILLER
            if pressed is not None and pressed.id == "filler"
            else (InjectionKind.BOTOX)
        )
        self.dismiss((kind, day))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(Dialog[str | None]):
    """A note for a session: how it went, what to remember. Empty removes it."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def __init__(self, note: str) -> None:
        super().__init__()
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Note for this session", classes="title")
            yield Input(self._note, id="note", max_length=MAX_NOTE_CHARS)
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.query_one("#note", Input).value if event.button.id == "save" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
