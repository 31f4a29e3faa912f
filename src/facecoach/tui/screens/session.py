"""The guided session: countdown, zone and glide, face map, what comes next, progress.

The engine decides when a step ends, from the clock; the interval here only redraws. A timer is
also set for the next boundary so that the cue comes on time rather than up to a frame late.
"""

import asyncio
import math
from contextlib import suppress
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from facecoach.adherence.recorder import UnsavedError
from facecoach.adherence.session_log import RecordStatus, StoreError
from facecoach.companion.core import Companion
from facecoach.companion.cue_channels.machine import ChannelName
from facecoach.companion.cue_channels.terminal import TerminalChannel
from facecoach.companion.device_messages import DeviceMessage
from facecoach.companion.live_session import LiveSession
from facecoach.devices.protocol.status import LinkState
from facecoach.routines.model import Routine
from facecoach.session.engine import (
    EventKind,
    Session,
    SessionEvent,
    SessionSnapshot,
    SessionStatus,
)
from facecoach.session.pauses import PauseReason
from facecoach.session.timeline import Step, StepKind
from facecoach.tui.motion import reduced_motion
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.screens.summary import SummaryScreen
from facecoach.tui.screens.too_small import TooSmallScreen
from facecoach.tui.screens.zone_guide import ZoneGuide
from facecoach.tui.terminal import TerminalWriter
from facecoach.tui.text import shown
from facecoach.tui.widgets.big_countdown import BigCountdown
from facecoach.tui.widgets.face import FaceDiagram
from facecoach.tui.widgets.routine_overview import RoutineOverview
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.devices import link_state_text
from facecoach.wording.session import (
    format_duration,
    nearest_second,
    paused_banner,
    step_cue,
    zone_mark,
    zone_position,
)

# Long enough to be seen from the corner of an eye; the bell (or sound) marks the instant.
if TYPE_CHECKING:
    from collections.abc import Callable

    from facecoach.companion.cue_channels.terminal import TerminalChannel
    from facecoach.session.driver import EventSink

FLASH_SECONDS = 0.8
# The longest the screen goes without a redraw while time runs (the progress bar moves on).
MAX_REDRAW_SECONDS = 1.0
# Shown reversed before the paused session's line.
PAUSED_MARK = " PAUSED "
MIN_TIMER_SECONDS = 0.001


def seconds_to_next_change(snapshot: SessionSnapshot, session: Session) -> float | None:
    """How long until the screen shows something else; None while time stands still."""
    boundary = session.seconds_to_next_boundary()
    if snapshot.status is not SessionStatus.RUNNING or boundary is None:
        return None
    changes = [MAX_REDRAW_SECONDS]
    # The countdown shows the step's remaining seconds rounded up: 4.3 s shows 5 until 4.0.
    remaining = snapshot.step_remaining
    changes.append(remaining - (countdown_seconds(remaining) - 1))
    # The time left is shown to the nearest second: 10.3 s shows 10 until 9.5.
    left = snapshot.remaining
    changes.append(left - (nearest_second(left) - 0.5))
    step = snapshot.step
    if step is not None and step.kind is StepKind.GLIDE and snapshot.step_elapsed < FLASH_SECONDS:
        changes.append(FLASH_SECONDS - snapshot.step_elapsed)
    return max(0.0, min(boundary, *changes))


def countdown_seconds(step_remaining: float) -> int:
    """The whole seconds the countdown shows: rounded up, so it reaches 0 as the step ends."""
    return math.ceil(step_remaining - 1e-9)


def _next_text(session: Session, step: Step | None) -> str:
    if step is None:
        return ""
    steps = session.timeline.steps
    following = steps[step.index + 1] if step.index + 1 < len(steps) else None
    if following is None:
        return "Next: done"
    return f"Next: {step_cue(following)}"


class SessionScreen(SizedScreen[None]):
    # Parsed when the screen is first shown, not before the app's first frame (app.tcss is).
    DEFAULT_CSS = """
    #session-body { height: 1fr; }
    #face-panel { width: 27; height: 1fr; padding: 0 1; }
    #overview { margin-top: 1; }
    #step-panel { width: 1fr; height: 1fr; padding: 0 1; }
    #zone-title { text-style: bold; color: $accent; }
    #countdown { margin: 1 0 0 0; color: $text; }
    /* A glide change: the digits change colour and ground for FLASH_SECONDS. */
    #countdown.flash { color: $background; background: $accent; }
    /* Paused: the pause sign beside the digits says it without colour; the colour says it too. */
    SessionScreen.paused #countdown { color: $warning; }
    #glide-line { text-style: bold; height: auto; }
    #next-line { color: $text-muted; height: auto; }
    /* One line, paused or not: a pause must not move the countdown (the user is at the
       mirror). What matters most comes first; the rest may end in "…". */
    #session-status { margin-top: 1; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    #routine-progress { height: 1; }
    #device-status { height: auto; }
    /* Narrow: the zone list stands in for the face drawing, so the step text need not wrap. */
    SessionScreen.-narrow FaceDiagram { display: none; }
    /* Room for the large face: 110 columns and 30 rows. */
    SessionScreen.-wide.-roomy #face-panel { width: 41; }
    SessionScreen.-wide.-roomy FaceDiagram { width: 37; height: 20; }
    SessionScreen.-narrow #face-panel { width: 18; }
    SessionScreen.-narrow #overview { margin-top: 0; }
    /* Short: no blank lines between the step's lines. */
    SessionScreen.-short #countdown { margin: 0; }
    SessionScreen.-short #session-status { margin-top: 0; }
    """

    BINDINGS = [
        # One key, two bindings: the footer says what space does now (Pause or Resume).
        Binding("space", "pause", "Pause", id="session.pause"),
        Binding("space", "resume", "Resume", id="session.pause"),
        Binding("s", "skip_step", "Skip step", id="session.skip_step"),
        Binding("z", "skip_zone", "Skip zone", id="session.skip_zone"),
        Binding("b", "toggle_bell", "Bell", id="session.bell"),
        Binding("g", "guide", "Guide", id="session.guide"),
        # escape as on every other screen (it asks first, as q does); the footer shows q.
        Binding("q,escape", "abort", "Stop", id="session.abort"),
    ]

    def __init__(self, companion: Companion, routine: Routine) -> None:
        super().__init__()
        self.companion = companion
        self.routine = routine
        self.live: LiveSession
        self._next_tick: Timer | None = None
        self._armed_at_remaining: float | None = None  # the time left when a timer was last set
        self._terminal_writer: TerminalWriter | None = None
        # What the device line says of the device's output in place of its usual detail
        # ("stopped for the pause"), until the next device message; empty: the usual line.
        self._device_state = ""

    @property
    def session(self) -> Session:
        return self.live.session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="session-body"):
            with Vertical(id="face-panel"):
                yield FaceDiagram()
                yield RoutineOverview(id="overview")
            with Vertical(id="step-panel"):
                yield Static(id="zone-title")
                yield BigCountdown(id="countdown")
                yield Static(id="glide-line")
                yield Static(id="next-line")
                yield Static(id="session-status")
                yield Static(id="device-status", classes="muted")
                yield ProgressBar(id="routine-progress", show_eta=False)
        yield SteadyFooter(compact=True)  # every session key fits at 60 columns

    def on_mount(self) -> None:
        # `live` is the session the core opened with this screen as its front end.
        self.title = self.routine.name
        if self.live.channels is not None:
            for notice in self.live.channels.notices:
                self._cue_problem(notice)
        self.show_device()
        self._show_channels()
        self.query_one(ProgressBar).total = self.session.timeline.total_seconds
        self.live.start()
        self.tick()

    def on_screen_suspend(self) -> None:
        # Covered by another screen (the command palette, a dialog): the timer never runs
        # unseen, and the bell never rings for a glide the user cannot see. The device waits
        # out the grace before it is stopped: the user did not ask for this pause.
        too_small = isinstance(self.app.screen, TooSmallScreen)
        if self.live.pause(PauseReason.TOO_SMALL if too_small else PauseReason.COVERED):
            self._redraw()

    async def on_unmount(self) -> None:
        # Gone (the summary took its place, or the app quits): the core's end, as for every
        # front end: interrupted if it still ran, the device's stop awaited and recorded.
        await self.companion.session_service.end()

    def show_device(self) -> None:
        if not self.is_attached:  # a device problem said while the session opens, unshown
            return
        summary = self.companion.device.summary()
        line = self.query_one("#device-status", Static)
        line.display = summary is not None
        if summary is None:
            return
        state = (
            "" if summary.state is LinkState.CONNECTED else f" · {link_state_text(summary.state)}"
        )
        detail = self._device_state or summary.detail
        detail = f" · {detail}" if detail else ""
        line.update(shown(f"{summary.name}{state}{detail}"))

    @property
    def bell(self) -> bool:
        terminal = self._terminal_channel()
        return terminal is not None and terminal.bell

    def _terminal_channel(self) -> "TerminalChannel | None":
        channels = getattr(getattr(self, "live", None), "channels", None)
        found = channels.channel(ChannelName.TERMINAL) if channels is not None else None
        return found if isinstance(found, TerminalChannel) else None

    def _show_channels(self) -> None:
        """Which cues reach the user off the screen, in the header beside the routine's name
        ('cues: sound · voice · bell'): no row is taken from the countdown."""
        channels = self.live.channels
        names = channels.active_names(bell=self.bell) if channels is not None else []
        # The hook is "Command at each cue" in Settings: one name for one thing.
        names = ["command" if name == ChannelName.HOOK.value else name for name in names]
        self.sub_title = f"cues: {' · '.join(names)}" if names else "cues: screen only"

    def _write_to_terminal(self, text: str) -> None:
        # Through the app's own writer: a second one would tear the escape sequences apart.
        if self._terminal_writer is None:
            self._terminal_writer = TerminalWriter(self.app)
        self._terminal_writer(text)

    def _cue_problem(self, text: str) -> None:
        """A cue channel's trouble; called from the channels' own threads too."""

        def show() -> None:
            self.notify(text, title="Cues", severity="warning", timeout=8, markup=False)

        try:
            asyncio.get_running_loop()  # the app's own thread runs its loop; a channel's not
        except RuntimeError:
            with suppress(RuntimeError):  # the app has closed meanwhile
                self.app.call_from_thread(show)
        else:
            show()

    def _device_problem(self, text: str) -> None:
        self.show_device()
        self.notify(text, title="Device", severity="warning", timeout=6, markup=False)

    # --- what the core's live session hears from this screen (a SessionFrontEnd) ----------

    def sinks(self) -> "list[EventSink]":
        return [self]

    def log_failed(self, error: StoreError) -> None:
        self._log_failed(error)

    def device_message(self, message: DeviceMessage) -> None:
        # No note: a note covered a dialog's buttons and stacked over the countdown read from
        # arm's length. The device line under the countdown says the output's state instead,
        # as the core works it out.
        self._device_state = message.state
        self.show_device()

    def device_problem(self, text: str) -> None:
        self._device_problem(text)

    def cue_problem(self, text: str) -> None:
        self._cue_problem(text)

    def terminal_writer(self) -> "Callable[[str], None]":
        return self._write_to_terminal

    # --- the clock -----------------------------------------------------------------------

    def tick(self) -> None:
        """Catch up with the clock, then redraw; safe to call at any moment."""
        if self.session.status.is_over:
            return
        self.live.poll()
        if self.session.status.is_over:
            return
        self._redraw()
        self._set_next_tick()

    def _set_next_tick(self) -> None:
        """One timer, set for the next moment something changes: the step's end (its cue),
        the countdown's next digit, the time left, the end of the flash. Nothing polls, so a
        cue or a digit is as late as the event loop's wake-up, not a redraw interval."""
        if self._next_tick is not None:
            self._next_tick.stop()
            self._next_tick = None
        snapshot = self.session.snapshot()
        delay = seconds_to_next_change(snapshot, self.session)
        if delay is None:
            return
        if delay < MIN_TIMER_SECONDS and snapshot.remaining == self._armed_at_remaining:
            # On a boundary (a half second of the time left), the change comes as soon as the
            # clock moves; a clock that has not moved since the last wake-up (one standing
            # still, as a test's) would re-arm 1 ms for ever: it gets the longest wait.
            delay = MAX_REDRAW_SECONDS
        self._armed_at_remaining = snapshot.remaining
        # A Textual timer of 0 s divides by zero when it runs late; 1 ms is "now".
        self._next_tick = self.set_timer(max(delay, MIN_TIMER_SECONDS), self.tick)

    # --- events from the session (this screen is one of its sinks) -------------------------

    def handle(self, event: SessionEvent, session: Session) -> None:
        step = event.step
        if event.kind is EventKind.STEP_STARTED and step is not None:
            self._show_step(step)
        elif event.kind in (EventKind.PAUSED, EventKind.RESUMED):
            self.refresh_bindings()  # the footer's space: Pause or Resume
            # Whoever paused or resumed (a key here, the app's quit question, a covering
            # screen), the timer follows: it is set only while time runs. Later, not now:
            # this runs inside the driver's dispatch, and `tick` polls the driver.
            self.call_later(self.tick)
        elif event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._finished()

    def _show_step(self, step: Step) -> None:
        face = self.query_one(FaceDiagram)
        face.zone, face.side = step.zone, step.side
        title = self.query_one("#zone-title", Static)
        glide = self.query_one("#glide-line", Static)
        title.update(zone_position(step, len(self.routine.zones)))
        if step.kind is StepKind.GLIDE:
            path = self._zone_path(step)
            where = f": {path}" if path else ", upward"
            glide.update(shown(f"Glide {step.glide} of {step.glides}{where}."))
        elif step.kind is StepKind.PREP:
            glide.update(shown(step.text or "Apply conductive gel to the whole area."))
        else:
            glide.update(shown(step_cue(step)))
        self._show_overview(step)
        # Paths and prep texts come from routine files: text, never markup.
        self.query_one("#next-line", Static).update(shown(_next_text(self.session, step)))

    def _show_overview(self, step: Step | None) -> None:
        overview = self.query_one(RoutineOverview)
        current = step.zone_index if step is not None else None
        width = len(str(len(self.routine.zones)))  # numbers line up: ' 9', '10'
        overview.lines = tuple(
            f"{zone_mark(zone, current=zone.zone_index == current)} "
            f"{zone.zone_index + 1:>{width}} {zone.zone.label}"
            for zone in self.session.zone_completion()
        )
        overview.current = current

    def _zone_path(self, step: Step) -> str:
        if step.zone_index is None:
            return ""
        return self.routine.zones[step.zone_index].path or ""

    def _redraw(self) -> None:
        snapshot = self.session.snapshot()
        countdown = self.query_one(BigCountdown)
        countdown.seconds = countdown_seconds(snapshot.step_remaining)
        self.query_one(ProgressBar).progress = snapshot.position
        paused = snapshot.status is SessionStatus.PAUSED
        countdown.paused = paused
        self.set_class(paused, "paused")
        # The flash lasts a fixed stretch of session time, so it follows the clock like the rest.
        # With reduced motion (the setting, or TEXTUAL_ANIMATIONS=none) the bell alone marks
        # a glide change.
        step = snapshot.step
        flashing = (
            step is not None
            and step.kind is StepKind.GLIDE
            and snapshot.step_elapsed < FLASH_SECONDS
            and not reduced_motion(self.app)
        )
        countdown.set_class(flashing and not paused, "flash")
        left = f"{format_duration(snapshot.remaining)} left"
        log = "" if self.live.logged else " · not logged"
        status = f"{left}{log}"
        line = self.query_one("#session-status", Static)
        if paused:
            width = line.content_size.width  # 0 until laid out: then the whole line
            room = width - len(PAUSED_MARK) - 1 if width else None
            banner = paused_banner(self.live.paused_because, status, room)
            status = f"[reverse b]{PAUSED_MARK}[/] {banner}"
        # One line, whatever it says (its CSS): no layout of the screen for each redraw.
        line.update(status, layout=False)

    def on_resize(self) -> None:
        # A paused session's line is not redrawn by the clock: it must fit the new width.
        self.call_after_refresh(self._redraw)

    # --- intents -------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        live: LiveSession | None = getattr(self, "live", None)  # None until mounted
        status = live.status if live is not None else SessionStatus.RUNNING
        if action == "pause":
            return status is SessionStatus.RUNNING
        if action == "resume":
            return status is SessionStatus.PAUSED
        return True

    def action_pause(self) -> None:
        self.live.pause()
        self.tick()

    def action_resume(self) -> None:
        self.live.resume()
        self.tick()

    def action_skip_step(self) -> None:
        self.live.skip_step()
        self.tick()

    def action_skip_zone(self) -> None:
        self.live.skip_zone()
        self.tick()

    def action_guide(self) -> None:
        """Where the zone is and which way to glide; the session waits meanwhile (covered)."""
        step = self.session.snapshot().step
        index = step.zone_index if step is not None and step.zone_index is not None else 0
        entry = self.routine.zones[index]
        side = step.side if step is not None else None
        stops = [(zone.zone, zone.path) for zone in self.routine.zones]
        self.app.push_screen(ZoneGuide(entry.zone, entry.path, side, stops=stops, at=index))

    def action_toggle_bell(self) -> None:
        terminal = self._terminal_channel()
        if terminal is None:
            return
        terminal.bell = not terminal.bell
        self._show_channels()
        self.notify("Bell on" if terminal.bell else "Bell off", timeout=2)

    @work(exclusive=True, group="abort")
    async def action_abort(self) -> None:
        was_running = self.session.status is SessionStatus.RUNNING
        if was_running:  # the clock stops while the user decides; the device after the grace
            self.live.pause(PauseReason.COVERED)
            self._redraw()
        stop = await self.app.push_screen_wait(
            ConfirmDialog(
                "Stop this session? What you have done so far is kept in your log.",
                yes="Stop session",
                no="Keep going",
                danger=True,
            )
        )
        if stop:
            self.live.stop()
        elif was_running:
            self.live.resume()
            self.tick()

    def _log_failed(self, error: StoreError) -> None:
        goes_on = "" if isinstance(error, UnsavedError) else " The session goes on."
        self.notify(f"{error}{goes_on}", title="Not saved", severity="error", markup=False)

    def _finished(self) -> None:
        if self.live.end_status is RecordStatus.PARTIAL and self.live.ended_because is None:
            return  # the app is closing: there is no one to show a summary to
        summary = SummaryScreen(self.companion, self.live)
        # Deferred, and on the app: this screen cannot wait for its own removal.
        self.app.call_later(self.app.switch_screen, summary)
