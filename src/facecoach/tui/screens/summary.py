"""After a session: how it went, what was logged, and a glass of water."""

from textual import work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Static

from facecoach.companion.comfort import decide, record_feeling
from facecoach.companion.core import Companion
from facecoach.companion.live_session import LiveSession
from facecoach.errors import FacecoachError
from facecoach.safety.checks import AFTER_SESSION_REMINDER
from facecoach.tui.hanging import HangingLines, HangingStatic
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.felt import FeltDialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.adherence import streak_text, week_text
from facecoach.wording.comfort import feeling_text, stop_text
from facecoach.wording.session import (
    NOT_COUNTED,
    session_outcome,
    zone_summary_line,
    zones_out_of_sight,
)


class SummaryScreen(SizedScreen[None]):
    # Parsed when the screen is first shown, not before the app's first frame (app.tcss is).
    # The headline stays on screen, and what follows it too; the zone list, as long as the
    # routine, scrolls between them, with a line under it saying so when it does not fit (a
    # scroll bar alone is easy to miss, and the list never has the focus).
    DEFAULT_CSS = """
    #summary-head { padding: 1 2 0 2; height: auto; }
    #summary-outcome { text-style: bold; }
    #summary-zones-scroll { height: 1fr; min-height: 2; padding: 0 2; }
    #summary-zones-more { padding: 0 2; height: auto; display: none; }
    #summary-foot { padding: 0 2 1 2; height: auto; }
    #water { color: $accent; margin-top: 1; }
    #summary-buttons { height: auto; }
    #summary-buttons Button { margin-right: 2; }
    """

    # on_mount focuses the Home button; Textual's pick, the scrolling body first, restyled the
    # whole screen once more (see SettingsScreen).
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("enter", "home", "Home", id="summary.home"),
        # Esc leaves too; the footer names it, as Enter is the focused button's.
        Binding("escape", "home", "Home", id="summary.home"),
        Binding("h", "history", "History", id="summary.history"),
        Binding("f", "felt", "How it felt", id="summary.felt"),
        # The zone list scrolls from wherever the focus is (on a button, usually).
        Binding("down", "scroll_zones(1)", "Scroll zones", show=False, id="summary.zones_down"),
        Binding("up", "scroll_zones(-1)", "Scroll zones", show=False, id="summary.zones_up"),
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
            # A long zone line wraps under its name, not back at the left edge (W8).
            yield HangingStatic(
                HangingLines([zone_summary_line(routine, zone) for zone in self.zones]),
                id="summary-zones",
            )
        yield Static(id="summary-zones-more", classes="muted", markup=False)
        with Vertical(id="summary-foot"):
            if not self.companion.session_service.counts_toward_goal(self.live):
                yield Static(NOT_COUNTED, id="summary-not-counted", classes="warning")
            yield Static(self._logged_text(), id="summary-logged", classes="muted")
            yield Static(self._streak_text(), id="summary-streak")
            yield Static(AFTER_SESSION_REMINDER, id="water")
            with Horizontal(id="summary-buttons"):
                yield Button("Back to home", id="home", variant="primary")
                if self.live.recorder is not None and self.live.recorder.session_id is not None:
                    yield Button("How did it feel?", id="felt")
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "Session summary"
        self.query_one("#home", Button).focus()
        zones = self.query_one("#summary-zones-scroll", VerticalScroll)
        self.watch(zones, "scroll_y", self._say_zones_out_of_sight, init=False)
        self.watch(zones, "virtual_size", self._say_zones_out_of_sight, init=False)
        self.call_after_refresh(self._say_zones_out_of_sight)

    def on_resize(self) -> None:
        self.call_after_refresh(self._say_zones_out_of_sight)

    def _say_zones_out_of_sight(self) -> None:
        zones = self.query_one("#summary-zones-scroll", VerticalScroll)
        above = round(zones.scroll_y)
        below = max(0, round(zones.max_scroll_y) - above)
        words = zones_out_of_sight(above, below)
        more = self.query_one("#summary-zones-more", Static)
        more.update(words)
        if more.display != bool(words):
            # Shown or hidden, the line takes its room from the list: count again after that.
            more.display = bool(words)
            self.call_after_refresh(self._say_zones_out_of_sight)

    def action_scroll_zones(self, lines: int) -> None:
        zones = self.query_one("#summary-zones-scroll", VerticalScroll)
        zones.scroll_to(y=zones.scroll_y + lines, animate=False)

    def _logged_text(self) -> str:
        if self.live.recorder is None:
            return "This session was not logged: the session log is unavailable."
        if not self.live.logged:
            return "Part of this session could not be written to the log (see the message)."
        return "Saved to your session log."

    def _streak_text(self) -> str:
        try:
            stats = self.companion.log_service.stats()
        except FacecoachError:  # the summary must show even if the log cannot be read
            return ""
        if stats is None:
            return ""
        return f"Streak: {streak_text(stats)} · {week_text(stats)} this week"

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "felt":
            self.action_felt()
        else:
            self.action_home()

    @work(exclusive=True, group="felt")
    async def action_felt(self) -> None:
        """How it felt, kept with the session; then what follows from it: stop and ask a
        doctor, or a suggestion to go easier (or step back up) that the user answers."""
        session_id = self.live.recorder.session_id if self.live.recorder is not None else None
        if session_id is None:
            self.notify("This session is not in the log, so there is nothing to note it on.")
            return
        feeling = await self.app.push_screen_wait(FeltDialog())
        if feeling is None:
            return
        try:
            advice = record_feeling(self.companion, session_id, feeling)
        except FacecoachError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        self.notify(f"Noted: {feeling_text(feeling)}.", timeout=4, markup=False)
        if advice.stop:
            self.notify(stop_text(advice.stop), severity="error", timeout=20, markup=False)
        if advice.suggestion is None:
            return
        accepted = await self.app.push_screen_wait(
            ConfirmDialog(advice.suggestion_words, yes="Do that", no="Keep as it is")
        )
        try:
            said = decide(self.companion, advice.suggestion, accepted)
        except FacecoachError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify(said, timeout=6)

    _dismissed = False

    def dismiss(self, result: None = None) -> AwaitComplete:
        """Once: "Back to home" pressed twice in a burst (Enter, Enter) popped home as well."""
        if self._dismissed:
            return AwaitComplete()  # already done: nothing to wait for
        self._dismissed = True
        return super().dismiss(result)

    def action_home(self) -> None:
        self.dismiss()

    def action_history(self) -> None:
        self.dismiss()
        self.app.call_later(self.app.run_action, "history")
