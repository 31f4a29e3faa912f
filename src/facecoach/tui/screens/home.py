"""Home: is a session due today, how the habit is going, and one key to start."""

from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.tui.screens.first_frame import Controls, after_first_frame
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.text import shown
from facecoach.tui.widgets.reserved import Card, ReservedText, Tone
from facecoach.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    # The controls are built, and the numbers shown, after the first frame: what they need
    # loads then (the controls cost more than a bare app's start).
    from textual.widgets import Button, Select

    from facecoach.companion.core import Dashboard

# What each card (and the routine's line) typically says, for an empty log and for a returning
# user (a streak with its next session days away, a paired device connected): the first frame
# keeps their room, measured at the terminal's width. Examples, not the wording itself (that is
# in `wording/`, with the stats, loaded after the first frame); a test fills home in at three
# sizes, for both users, and checks that nothing moved.
TYPICAL: dict[str, tuple[str, ...]] = {
    "today-card": (
        "A session is due today\nProgram starts with your first session",
        "Rest day (your goal allows it)\nMaintenance, day 120\nNext session by Wed 02 Dec",
    ),
    "streak-card": (
        "0 days, best 0 days\nA streak starts once you keep to your goal of 5 per week\n"
        "Habit strength 0%",
        "13 days, best 13 days\nNext session due within 2 days (Wed 02 Dec)\nHabit strength 31%",
    ),
    "week-card": ("□□□□□  0 of 5 sessions\nNo session time yet this week",),
    "device-card": (
        "No device paired.\nSessions run on the timer alone (d: devices).",
        "FC-RefA 0002\nconnected, battery 80%, Lift",
    ),
    "routine-detail": (
        "Suggested today: facecoach rotates routines, as varying the treatment is the usual "
        "advice. Zones: forehead, cheeks, jawline, neck (e edits a copy).",
    ),
}


class ScrollWhenNeeded(VerticalScroll):
    """A scrolling body that takes the focus (for its arrow keys) only when there is something
    to scroll: a Tab stop that shows nothing and does nothing would look like a lost focus."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0 or self.max_scroll_x > 0


class SessionStarter(Protocol):
    """Who runs the steps from "start" to the session (the app): home only asks for them."""

    def begin_session_flow(self, routine_id: str) -> object: ...


class HomeScreen(SizedScreen[None]):
    DEFAULT_CSS = """
    #home-body { height: 1fr; }
    #home-grid { height: auto; layout: grid; grid-size: 2; grid-gutter: 0 1; }
    #routine-select { width: 1fr; }
    /* The chosen routine on one line ("…" if it must), so the start row keeps its height. */
    #routine-select SelectCurrent Static#label { text-wrap: nowrap; text-overflow: ellipsis; }
    /* Blank room as tall as the routine list and the Start button, built into it later. */
    #start-row { height: 3; margin-top: 1; }
    #start { margin-left: 1; }
    #notices { height: auto; }
    """

    BINDINGS = [
        Binding("s", "start", "Start", id="home.start"),
        # Not in the footer (it would not fit at 60 columns): the routine's line says it.
        Binding("e", "edit_routine", "Edit routine", id="home.edit_routine", show=False),
        Binding("h", "app.history", "History", id="home.history"),
        Binding("y", "app.safety", "Safety", id="home.safety"),
        Binding("o", "app.settings", "Settings", id="home.settings"),
        Binding("d", "app.devices", "Devices", id="home.devices"),
        Binding("q", "app.quit", "Quit", id="home.quit"),
    ]

    # Nothing is focused until the Start button is built (it takes the focus then): Textual
    # would give it to the scrolling body first and restyle all its cards for that.
    AUTO_FOCUS = ""

    class ControlsReady(Message):
        """Home's routine list, Start button and footer are built and composed: the keys
        that need them work from now on, and the app may end without tearing them apart."""

    def __init__(self, companion: Companion, sessions: SessionStarter) -> None:
        super().__init__()
        self.companion = companion
        self._sessions = sessions
        self.controls = Controls.RESERVED
        self._suggested_id: str | None = None
        # Done today, or the waiting period after an injection: the suggestion is for next time.
        self._suggest_next_time = False
        self._start_requested = False  # `s` pressed before the routine list was there
        self._select_next: str | None = None  # a routine to choose when Home comes back
        self._notices: list[tuple[str, str]] = []  # (style, text) of each notice shown
        self._offered: list[tuple[Text, str]] | None = None  # the routine list's options

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with ScrollWhenNeeded(id="home-body"):
            with Grid(id="home-grid"):
                # The first frame shows the cards before their numbers, each as tall as what
                # it typically says will be at this width: nothing moves when they arrive.
                yield Card("Today", reserve=TYPICAL["today-card"], id="today-card")
                yield Card("Streak", reserve=TYPICAL["streak-card"], id="streak-card")
                yield Card("This week", reserve=TYPICAL["week-card"], id="week-card")
                yield Card("Device", reserve=TYPICAL["device-card"], id="device-card")
            # Blank room of their size: the routine list, the start button and the footer
            # are built into it just after the first frame, then the numbers filled in.
            yield Horizontal(id="start-row")
            # Below the start row, but in a short terminal its lines decide the scrollbar.
            yield ReservedText(
                reserve=TYPICAL["routine-detail"], id="routine-detail", classes="muted"
            )
        yield Static(classes="skeleton", id="footer-skeleton")

    @property
    def controls_ready(self) -> bool:
        return self.controls is Controls.READY

    def on_screen_resume(self) -> None:  # also sent when the screen is first pushed
        # The app's first frame shows the cards without their numbers; they are filled in once
        # that frame is on the terminal.
        after_first_frame(self.app, lambda: self.call_later(self._fill_in))

    async def _fill_in(self) -> None:
        match self.controls:
            case Controls.READY:
                self.call_after_refresh(self._show_dashboard)
            case Controls.RESERVED if self.app.is_running and self.app.return_code is None:
                # Not begun when the app is already ending (a quit before this came round);
                # once begun, the app's quit waits for ControlsReady (FacecoachApp.exit).
                self.controls = Controls.MOUNTING
                await self._build_controls()

    async def _build_controls(self) -> None:
        """The routine list, the start button and the footer, into their room."""
        from textual.widgets import Button, Select

        from facecoach.tui.widgets.steady_footer import SteadyFooter

        await self.query_one("#start-row", Horizontal).mount(
            Select[str]([], id="routine-select", prompt="Routine"),
            Button("Start session", id="start", variant="success"),
        )
        await self.query_one("#footer-skeleton").remove()
        await self.mount(SteadyFooter(compact=True))  # all seven keys fit at 60 columns
        # After a refresh: the routine list's own parts are composed by then.
        self.call_after_refresh(self.post_message, self.ControlsReady())

    def on_home_screen_controls_ready(self) -> None:  # bubbles on to the app
        self.controls = Controls.READY
        self._show_dashboard()

    def _show_dashboard(self) -> None:
        self.refresh_dashboard()
        self.query_one("#start").focus()
        if self._start_requested:
            self._start_requested = False
            self.action_start()

    def refresh_dashboard(self) -> None:
        if not self.query("#routine-select"):
            return  # the controls are not built yet; they show the dashboard when they are
        try:
            dashboard = self.companion.dashboard()
        except FacecoachError as exc:
            self.notify(
                str(exc), title="Cannot read the session log", severity="error", markup=False
            )
            return
        self._show_notices(dashboard)
        self._show_today(dashboard)
        self._show_routines(dashboard)
        self.show_device()

    def show_device(self) -> None:
        summary = self.companion.device.summary()
        card = self.query_one("#device-card", Card)
        if summary is None:
            card.show(
                ("No device paired.", Tone.PLAIN),
                ("Sessions run on the timer alone (d: devices).", Tone.MUTED),
            )
            return
        from facecoach.wording.devices import link_state_text

        state = link_state_text(summary.state)
        detail = ", ".join(part for part in (state, summary.detail) if part)
        card.show((shown(summary.name), Tone.BOLD), (shown(detail), Tone.MUTED))

    def _show_notices(self, dashboard: "Dashboard") -> None:
        from facecoach.safety.screening import Verdict

        lines: list[tuple[str, str]] = []
        if dashboard.log_problem:
            lines.append(("error", "Session log unavailable: sessions will not be saved."))
        if dashboard.screening is None:
            lines.append(("warning", "Answer the safety questions before your first session (y)."))
        elif dashboard.screening.result.verdict is Verdict.DO_NOT_USE:
            lines.append(("error", "Your safety answers advise against using the device (y)."))
        elif dashboard.screening.result.verdict is Verdict.ASK_DOCTOR:
            lines.append(("warning", "Your safety answers say: ask your doctor first (y)."))
        if dashboard.waiting is not None:
            lines.append(("warning", dashboard.waiting.describe()))
        if lines == self._notices:
            return  # as shown: Home comes back after every other screen, mostly unchanged
        self._notices = lines
        shown_lines = [Static(text, classes=style) for style, text in lines]
        existing = self.query("#notices")
        if existing:
            notices = existing.first(Vertical)
            notices.remove_children()
            notices.mount_all(shown_lines)
        elif shown_lines:
            # Built with the first notice (most starts have none): one widget less to lay
            # out before the first frame.
            body = self.query_one("#home-body")
            body.mount(Vertical(*shown_lines, id="notices"), before="#home-grid")

    def _show_today(self, dashboard: "Dashboard") -> None:
        # Loaded with the numbers, after the first frame (the stats are no part of it).
        from facecoach.adherence.stats import DayState, TodayState
        from facecoach.wording.adherence import (
            program_text,
            sentence,
            streak_detail,
            streak_headline,
            today_text,
            week_text,
        )
        from facecoach.wording.session import week_session_time_text

        stats = dashboard.stats
        day = dashboard.day
        self._suggest_next_time = day is not None and day.state in (DayState.DONE, DayState.WAIT)
        today = self.query_one("#today-card", Card)
        streak = self.query_one("#streak-card", Card)
        week = self.query_one("#week-card", Card)
        if stats is None or day is None:
            today.show(("Session log unavailable", Tone.BOLD))
            streak.show(("—", Tone.PLAIN))
            week.show(("—", Tone.PLAIN))
            return
        program = (
            sentence(program_text(stats)) if stats.program else f"Program {program_text(stats)}"
        )
        deadline = ""
        if stats.today_state is TodayState.REST and stats.streak.deadline is not None:
            deadline = f"\nNext session by {stats.streak.deadline:%a %d %b}"
        today.show(
            # Wraps: a narrow card keeps every word.
            (sentence(today_text(day.state, day.waiting_until)), Tone.BOLD),
            (f"{program}{deadline}", Tone.MUTED),
        )
        streak.show(
            (streak_headline(stats), Tone.BOLD),
            (sentence(streak_detail(stats)), Tone.PLAIN),
            (Text.assemble("Habit strength ", (f"{stats.strength:.0%}", "bold")), Tone.PLAIN),
        )
        done = min(stats.week_sessions, stats.week_target)
        bar = "■" * done + "□" * max(0, stats.week_target - done)
        spent = week_session_time_text(stats.week_minutes * 60)
        week.show((f"{bar}  {week_text(stats)}", Tone.PLAIN), (spent, Tone.PLAIN))

    def _show_routines(self, dashboard: "Dashboard") -> None:
        select = self._routine_select()
        chosen = self._select_next or (select.value if isinstance(select.value, str) else None)
        self._select_next = None
        listings = self.companion.program_service.routine_listings()
        options = self._routine_options()
        offered_again = options == self._offered
        if not offered_again:  # Textual's Select rebuilds its whole list, and clears the choice
            select.set_options(options)
            self._offered = options
        self._suggested_id = dashboard.suggested_id
        # The user's choice stays chosen when Home comes back (after the editor: the routine
        # just saved); the suggestion is the first choice only.
        if chosen is not None and listings.get(chosen) is not None:
            select.value = chosen
        elif self._suggested_id is not None:
            select.value = self._suggested_id
        if offered_again:  # the choice may be the same, what is said of it not (done today)
            self._show_detail(select.value)

    def _routine_select(self) -> "Select[str]":
        from textual.widgets import Select  # loaded by then: built after the first frame

        return self.query_one("#routine-select", Select)

    def on_select_changed(self, event: "Select.Changed") -> None:
        self._show_detail(event.value)

    def _show_detail(self, value: object) -> None:
        """What the chosen routine is, and why it is suggested, under the start row."""
        detail = self.query_one("#routine-detail", Static)
        if not isinstance(value, str):
            detail.update("")
            return
        routine = self.companion.program_service.routine_listings().get(value)
        if routine is None:
            detail.update("")
            return
        zones = ", ".join(dict.fromkeys(zone.lower() for zone in routine.zones))
        when = "next time" if self._suggest_next_time else "today"
        why = (
            f"Suggested {when}: facecoach rotates routines, as varying the treatment is the "
            "usual advice. "
            if routine.id == self._suggested_id
            else ""
        )
        edit = "e edits a copy" if routine.is_builtin else "e edits it"
        detail.update(shown(f"{why}Zones: {zones} ({edit})."))

    def _routine_options(self) -> list[tuple[Text, str]]:
        # The session's wording loads the session engine: after the first frame, not for it.
        from facecoach.wording.session import format_duration

        # Names come from routine files: shown as text, never as markup.
        return [
            (shown(f"{r.name} · {format_duration(r.seconds)}"), r.id)
            for r in self.companion.program_service.routine_listings().routines
        ]

    def on_button_pressed(self, event: "Button.Pressed") -> None:
        if event.button.id == "start":
            self.action_start()

    def action_start(self) -> None:
        if not self.controls_ready:
            self._start_requested = True  # started as soon as the routine list is there
            return
        value = self._routine_select().value
        if isinstance(value, str):
            self._start(value)
        else:
            self.notify("Choose a routine first.", severity="warning")

    def action_edit_routine(self) -> None:
        """The routine editor on the routine chosen here (a copy, when it is a built-in)."""
        from facecoach.tui.screens.routine_editor import RoutineEditorScreen

        if not self.controls_ready:
            return
        value = self._routine_select().value
        if not isinstance(value, str):
            self.notify("Choose a routine to edit first.", severity="warning")
            return

        def saved(routine_id: str | None) -> None:
            self._select_next = routine_id

        self.app.push_screen(
            RoutineEditorScreen(self.companion, self.companion.program_service.library.get(value)),
            saved,
        )

    def _start(self, routine_id: str) -> None:
        self._sessions.begin_session_flow(routine_id)
