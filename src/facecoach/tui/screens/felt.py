"""How did it feel? After a session: comfort, side effects from the closed list, a note."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, RadioSet

from facecoach.safety.comfort import Comfort, Feeling, SideEffect
from facecoach.safety.comfort_records import MAX_FEELING_NOTE_CHARS
from facecoach.tui.screens.dialogs import Dialog
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.toggles import Choice, TickBox
from facecoach.wording.comfort import COMFORT_LABELS, FELT_QUESTION, effect_label


class FeltDialog(Dialog[Feeling | None]):
    """Answers with the feeling, or None when cancelled."""

    DEFAULT_CSS = """
    /* As tall as the screen allows, the choices scrolling between the title and the buttons
       so that Save is always in view, at 60x20 too. */
    #felt { height: 100%; max-height: 30; }
    #felt-body { height: 1fr; }
    #felt-comfort { height: auto; width: 100%; }
    /* Compact, one line a box as the screening's, two columns. */
    #felt-effects { layout: grid; grid-size: 2; grid-rows: auto; height: auto; }
    #felt-effects TickBox {
        border: none; text-wrap: wrap; text-overflow: fold; padding: 0 1;
        height: auto; width: 100%;
    }
    #felt-effects TickBox:focus { background: $boost; }
    """

    # on_mount focuses the comfort choices; Textual's pick, the scrolling body first, restyled the
    # whole screen once more (see SettingsScreen).
    AUTO_FOCUS = ""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="dialog.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="felt"):
            yield Label(FELT_QUESTION, classes="title")
            with VerticalScroll(id="felt-body"):
                with RadioSet(id="felt-comfort"):
                    for comfort in Comfort:
                        yield Choice(
                            COMFORT_LABELS[comfort].capitalize(),
                            value=comfort is Comfort.COMFORTABLE,
                            id=f"comfort-{comfort.value}",
                        )
                yield Label("Side effects noticed (tick any)", classes="muted")
                with Grid(id="felt-effects"):
                    for effect in SideEffect:
                        yield TickBox(
                            effect_label(effect).capitalize(),
                            id=f"effect-{effect.value}",
                            classes="effect",
                        )
                yield Input(
                    id="felt-note",
                    placeholder="A note (optional)",
                    max_length=MAX_FEELING_NOTE_CHARS,
                )
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel")
                yield Button("Save", id="save", variant="primary")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.query_one("#felt-comfort", RadioSet).focus()

    def feeling(self) -> Feeling:
        pressed = self.query_one("#felt-comfort", RadioSet).pressed_button
        comfort = (
            Comfort(pressed.id.removeprefix("comfort-"))
            if pressed is not None and pressed.id
            else Comfort.COMFORTABLE
        )
        effects = tuple(
            effect
            for effect in SideEffect
            if self.query_one(f"#effect-{effect.value}", TickBox).value
        )
        return Feeling(comfort, effects, self.query_one("#felt-note", Input).value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(self.feeling() if event.button.id == "save" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
