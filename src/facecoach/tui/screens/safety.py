"""Safety: the contraindication screening, injections and their waiting period, the evidence."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Label, Static

from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.safety.checks import EVIDENCE_NOTE
from facecoach.safety.screening import CONTRAINDICATIONS, ScreeningResult, Verdict
from facecoach.tui.screens.first_frame import Controls, after_first_frame
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.text import shown
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.tui.widgets.toggles import TickBox

if TYPE_CHECKING:
    # The table and the footer are built after the first frame; they load then.
    from textual.widgets import DataTable


def result_text(result: ScreeningResult) -> str:
    advice = "\n".join(f"• {c.advice}" for c in result.flagged)
    return f"{result.summary()}\n{advice}".strip()


INJECTION_COLUMNS = ("Day", "Treatment", "Note")


class SafetyScreen(SizedScreen[None]):
    DEFAULT_CSS = """
    /* The injections are added under the questions after the first frame: the scrollbar's
       place is kept, so a page they make taller than the terminal is not rewrapped. */
    #safety-body { padding: 0 1; scrollbar-gutter: stable; }
    #screening-result { margin: 1 0; height: auto; }
    #injections { height: auto; max-height: 8; }
    /* Blank room as tall as the Save button, built into it just after the first frame. */
    #save-row { height: 3; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="safety.back"),
        Binding("ctrl+s", "save", "Save", id="safety.save"),
        Binding("i", "log_injection", "Botox/filler", id="safety.log_injection"),
        Binding("delete", "remove_injection", "Remove", id="safety.remove_injection"),
        Binding("w", "evidence", "Evidence", id="safety.evidence"),
    ]

    # The first question takes the focus at mount; Textual would give it to the scrolling
    # body first (after compose) and restyle every question twice, as it came and went.
    AUTO_FOCUS = ""

    class ControlsReady(Message):
        """The Save button, the injections, the evidence and the footer are built and
        composed: the screen may close, and the app end, without tearing them apart."""

    def __init__(
        self,
        companion: Companion,
        *,
        close_when_answered: bool = False,
        when_closed: Callable[[], object] | None = None,
    ) -> None:
        """`when_closed`: what closing does instead of going back, for a screen with nothing
        under it (a first run's, which makes way for home)."""
        super().__init__()
        self.companion = companion
        self.close_when_answered = close_when_answered
        self._when_closed = when_closed
        # The answers as last saved (none yet: all unticked), to say when the screen differs.
        self._saved_answers: dict[str, bool] | None = None
        self._saved_note = ""
        self.controls = Controls.RESERVED
        self._close_when_ready = False  # closed (escape, or saved) before the controls were in

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="safety-body"):
            # A Static, not a Label: the first frame has no other Label, whose style sheet a
            # first run would parse for it.
            yield Static("Safety questions", classes="title")
            yield Static("Tick each question your answer is yes to, then save.", classes="muted")
            for item in CONTRAINDICATIONS:
                yield TickBox(item.question, id=f"q-{item.id}", classes="question")
            # Blank room for the Save button, built into it just after the first frame: the
            # first Button costs that frame its style sheet (about 7 ms to parse).
            yield Horizontal(id="save-row")
            yield Static(id="screening-result")
            # Below the questions, the injections and the evidence are built just after the
            # first frame (on a first run they cost it about 25 ms, and the table another
            # 100): added under what is there, they move nothing, and the scrollbar's place
            # is kept (DEFAULT_CSS) so that a page they make longer is not rewrapped.
        # The footer is built then too; until then, a stand-in of its size and look.
        yield Static(classes="skeleton", id="footer-skeleton")

    def on_mount(self) -> None:
        if self.app.return_code is not None:
            return  # the app ended as the screen was composed (a quit typed ahead): no parts
        self.title = "Safety"
        try:
            screening = self.companion.safety_service.screening()
        except FacecoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            screening = None
        if screening is not None:
            for item in CONTRAINDICATIONS:
                box = self.query_one(f"#q-{item.id}", TickBox)
                box.value = screening.result.answers.get(item.id, False)
            self._saved_note = f"Answered {screening.answered:%d %b %Y}."
            self._saved_answers = self._answers()
            self._show_result(screening.result, self._saved_note)
        else:
            self.query_one("#screening-result", Static).update(
                "Not answered yet: please answer before your first session."
            )
        # The table, and the waiting period (it needs the settings): after the first frame.
        after_first_frame(self.app, lambda: self.call_later(self._fill_in))
        self.query(TickBox).first().focus()

    @property
    def controls_ready(self) -> bool:
        return self.controls is Controls.READY

    def action_back(self) -> None:
        self._close()

    def _answers(self) -> dict[str, bool]:
        return {
            item.id: self.query_one(f"#q-{item.id}", TickBox).value for item in CONTRAINDICATIONS
        }

    def on_checkbox_changed(self) -> None:
        # What the answers on screen mean, said at once, and whether they are saved.
        answers = self._answers()
        if answers == self._saved_answers:
            if self._saved_note:
                self._show_result(ScreeningResult(answers=answers), self._saved_note)
            return
        self._show_result(
            ScreeningResult(answers=answers), "Not saved yet: ctrl+s saves these answers."
        )

    def _show_result(self, result: ScreeningResult, when: str) -> None:
        widget = self.query_one("#screening-result", Static)
        widget.update(f"{result_text(result)}\n{when}")
        widget.set_class(result.verdict is Verdict.ASK_DOCTOR, "warning")
        widget.set_class(result.verdict is Verdict.DO_NOT_USE, "error")

    async def _fill_in(self) -> None:
        # Not begun when the screen or the app is already going (closed, or a quit, before
        # this came round); once begun, both wait for ControlsReady (`_close`,
        # FacecoachApp.exit).
        app = self.app
        going = not (self.is_attached and app.is_running) or app.return_code is not None
        if self.controls is Controls.RESERVED and not going:
            self.controls = Controls.MOUNTING
            await self._build_controls()

    async def _build_controls(self) -> None:
        """The Save button into its room; the injections and the evidence under what is
        there; the footer in its stand-in's place."""
        from textual.widgets import DataTable

        from facecoach.tui.widgets.steady_footer import SteadyFooter

        await self.query_one("#save-row").mount(
            Button("Save answers", id="save", variant="primary")
        )
        table: DataTable[str] = DataTable(id="injections", cursor_type="row")
        await self.query_one("#safety-body").mount_all(
            (
                Label("Botox and fillers", classes="title"),
                Static(id="waiting", classes="muted"),
                table,
                Horizontal(Button("Log Botox/filler", id="log-injection"), classes="buttons"),
                Label("About the evidence", classes="title"),
                Static(EVIDENCE_NOTE, classes="muted"),
                Horizontal(Button("What is known (studies)", id="evidence"), classes="buttons"),
            )
        )
        table.add_columns(*INJECTION_COLUMNS)
        await self.query_one("#footer-skeleton").remove()
        await self.mount(SteadyFooter())
        # After a refresh: the table's and the footer's own parts are composed by then.
        self.call_after_refresh(self.post_message, self.ControlsReady())

    def on_safety_screen_controls_ready(self) -> None:  # bubbles on to the app
        self.controls = Controls.READY
        # The footer lists the keys when the bindings next change: the first question took
        # the focus before it was there (it stayed empty until a key was pressed).
        self.refresh_bindings()
        self._show_injections()
        if self._close_when_ready:
            self._close()

    def _injections_table(self) -> "DataTable[Any]":
        from textual.widgets import DataTable  # loaded by then: the table is built

        return self.query_one("#injections", DataTable)

    def _show_injections(self) -> None:
        if not self.controls_ready:
            return  # not built yet: they are shown once they are
        table = self._injections_table()
        table.clear()
        try:
            injections = self.companion.safety_service.injections()
            waiting = self.companion.safety_service.waiting()
        except FacecoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        for injection in injections:
            table.add_row(
                f"{injection.day:%a %d %b %Y}",
                injection.kind.label,
                shown(injection.note),
                key=str(injection.id),
            )
        days = self.companion.program_service.settings.injection_wait_days
        status = waiting.describe() if waiting else "No waiting period in force."
        self.query_one("#waiting", Static).update(
            f"{status} Sessions are advised against for {days} days after an injection."
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        elif event.button.id == "log-injection":
            self.action_log_injection()
        elif event.button.id == "evidence":
            self.action_evidence()

    def action_evidence(self) -> None:
        from facecoach.tui.screens.evidence import EvidenceScreen

        self.app.push_screen(EvidenceScreen())

    def action_save(self) -> None:
        try:
            result = self.companion.safety_service.record_screening(self._answers())
        except FacecoachError as exc:
            self.notify(str(exc), title="Answers not saved", severity="error", markup=False)
            return
        self._saved_answers, self._saved_note = self._answers(), "Saved."
        self._show_result(result, "Saved.")
        self.notify("Answers saved.", timeout=3)
        if self.close_when_answered:  # first run, or on the way to a first session
            self._close()

    def _close(self) -> None:
        if not self.controls_ready:
            # Once its controls are in place, a few milliseconds after its first frame: a
            # screen torn down as it is built fails (an escape typed ahead did).
            self._close_when_ready = True
            return
        if self._when_closed is not None:
            self._when_closed()
        else:
            self.dismiss()

    @work(exclusive=True, group="log-injection")
    async def action_log_injection(self) -> None:
        # The dialogs load the pre-session gates: not for a first run's first frame.
        from facecoach.tui.screens.dialogs import InjectionDialog

        answer = await self.app.push_screen_wait(
            InjectionDialog(
                self.companion.program_service.today(),
                self.companion.program_service.settings.injection_wait_days,
            )
        )
        if answer is None:
            return
        kind, day = answer
        try:
            self.companion.safety_service.add_injection(kind, day)
        except FacecoachError as exc:
            self.notify(str(exc), title="Not logged", severity="error", markup=False)
            return
        self._show_injections()

    @work(exclusive=True, group="remove-injection")
    async def action_remove_injection(self) -> None:
        from facecoach.tui.screens.dialogs import ConfirmDialog

        if not self.controls_ready:
            return  # pressed before the table was built: nothing could be selected yet
        table = self._injections_table()
        if table.row_count == 0:
            self.notify("No Botox or filler treatment is logged.", timeout=3)
            return
        if not table.has_focus:
            self.notify("Select the treatment in the table first (Tab to it).", timeout=4)
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None:
            return
        day, kind = (str(cell) for cell in table.get_row(key)[:2])
        remove = await self.app.push_screen_wait(
            ConfirmDialog(
                f"Remove the {kind} treatment of {day}? Its waiting period goes with it.",
                yes="Remove",
                danger=True,
            )
        )
        if not remove:
            return
        try:
            self.companion.safety_service.remove_injection(int(key))
        except FacecoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self._show_injections()
