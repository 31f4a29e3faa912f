"""After a session: how it went, what was logged, and a glass of water."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Footer, Static

from facecoach.companion.core import Companion
from facecoach.companion.live_session import LiveSession
from facecoach.errors import FacecoachError
from facecoach.safety.checks import AFTER_SESSION_REMINDER
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.adherence import streak_text, week_text
from facecoach.wording.session import NOT_COUNTED, session_outcome, zone_summary_line


class SummaryScreen(SizedScreen[None]):
    # Parsed when the screen is first shown, not before the app's first frame (app.tcss is).
    # The headline stays on screen, and what follows it too; the zone list, as long as the
    # routine, scrolls between them.
    DEFAULT_CSS = """
    #summary-head { padding: 1 2 0 2; height: auto; }
    #summary-outcome { text-style: bold; }
    #summary-zones-scroll { height: 1fr; min-height: 2; padding: 0 2; }
    #summary-foot { padding: 0 2 1 2; height: auto; }
    #water { color: $accent; margin-top: 1; }
    """

    BINDINGS = [
        Binding("enter", "home", "Home", id="summary.home"),
        # Esc leaves too; the footer names it, as Enter is the focused button's.
        Binding("escape", "home", "Home", id="summary.home"),
        Binding("h", "history", "History", id="summary.history"),
    ]

    def __init__(self, companion: Companion, live: LiveSession) -> None:
        super().__init__()
        self.companion = companion
        self.live = live
        self.snapshot = live.snapshot()
        self.zones = live.session.zone_completion()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="summary-head"):
            yield Static(session_outcome(self.snapshot, self.zones), id="summary-outcome")
            if self.live.ended_because:
                yield Static(
                    self.live.ended_because, id="summary-why", classes="warning", markup=False
                )
        routine = self.live.session.timeline.routine
        with VerticalScroll(id="summary-zones-scroll"):
            yield Static(
                "\n".join(zone_summary_line(routine, zone) for zone in self.zones),
                id="summary-zones",
                markup=False,
            )
        with Vertical(id="summary-foot"):
            if not self.companion.counts_toward_goal(self.live):
                yield Static(NOT_COUNTED, id="summary-not-counted", classes="warning")
            yield Static(self._logged_text(), id="summary-logged", classes="muted")
            yield Static(self._streak_text(), id="summary-streak")
            yield Static(AFTER_SESSION_REMINDER, id="water")
            yield Button("Back to home", id="home", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Session summary"
        self.query_one("#home", Button).focus()

    def _logged_text(self) -> str:
        if self.live.recorder is None:
            return "This session was not logged: the session log is unavailable."
        if not self.live.logged:
            return "Part of this session could not be written to the log (see the message)."
        return "Saved to your session log."

    def _streak_text(self) -> str:
        try:
            stats = self.companion.stats()
        except FacecoachError:  # the summary must show even if the log cannot be read
            return ""
        if stats is None:
            return ""
        return f"Streak: {streak_text(stats)} · {week_text(stats)} this week"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_home()

    def action_home(self) -> None:
        self.dismiss()

    def action_history(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "history")
