"""The facecoach Textual app: screens, global keys, command palette, themes, shutdown."""

import asyncio
import gc
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.events import Resize
from textual.notifications import SeverityLevel
from textual.screen import Screen

from facecoach.companion.core import Companion
from facecoach.config.appearance import DEFAULT_THEME
from facecoach.config.paths import cache_dir, data_dir
from facecoach.errors import FacecoachError
from facecoach.tui.remembered_css import STYLES_KEY_FILE, ParsedRules, RememberedStylesheet
from facecoach.tui.screens.first_frame import BuildsAfterFirstFrame, Controls
from facecoach.tui.screens.home import HomeScreen
from facecoach.wording.text import one_line, plain

if TYPE_CHECKING:
    from rich.console import RenderableType

    from facecoach.companion.devices import DeviceService
    from facecoach.devices.link import LinkEvent
    from facecoach.devices.simulator.inprocess import Air
    from facecoach.tui.signals import ExitOnSignals

# Other screens load when first opened: the home screen paints sooner.

# Seconds after the first frame before the styles parsed for it are written to the cache.
KEEP_STYLES_AFTER = 1.0


class FacecoachApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere work
    # Layouts narrow below 70 columns, and below 22 and 30 rows (the rules are in app.tcss
    # and in the screens' DEFAULT_CSS).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-normal"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall"), (30, "-roomy")]
    TITLE = "facecoach"
    BINDINGS = [
        Binding("t", "toggle_dark", "Light/dark", id="app.toggle_theme", show=False),
        # Textual's buttons take Enter only; Space presses them too, as on every other toolkit.
        Binding("space", "press_focused_button", show=False),
    ]

    def __init__(self, companion: Companion, *, handle_signals: bool = False) -> None:
        super().__init__()
        # Rules parsed at an earlier start are read back, not parsed again (see the module).
        self.stylesheet = RememberedStylesheet(
            variables=self.get_css_variables(),
            kept=self.kept_styles(),
            hold=True,  # kept a while after the first frame (see _first_frame_written)
        )
        self.companion = companion
        self.home = HomeScreen(companion, sessions=self)
        self._handle_signals = handle_signals
        self.exit_on_signals: ExitOnSignals | None = None
        self.first_frame_shown = False
        self._after_first_frame: list[Callable[[], object]] = []
        self._safety_problem: str | None = None  # the safety records could not be read
        self._exit_when_controls_are_ready: tuple[int, RenderableType | None] | None = None
        # The quit question while it is asked: a second ctrl+q does not ask it again.
        self._asking_to_quit = False

    @staticmethod
    def kept_styles() -> ParsedRules:
        """Where this user's parsed styles are kept: the cache folder, signed with the key in
        the data folder. (The tests point their apps at one warm folder per worker through
        this: a returning user's start, without parsing every stylesheet in every test.)"""
        return ParsedRules(cache_dir() / "textual-css", data_dir() / STYLES_KEY_FILE)

    def get_default_screen(self) -> Screen[Any]:
        """The screen under all others, built with the app: home, or on a first run the
        safety questions alone; closed, they make way for home, which is then pushed on
        them (a base screen cannot be switched, and nothing pops home). Pushed on Textual's
        own empty screen instead, home cost its first frame a layout and a render more:
        about 25 ms, measured."""
        if not self._safety_questions_first():
            return self.home
        from facecoach.tui.screens.safety import SafetyScreen

        return SafetyScreen(
            self.companion,
            close_when_answered=True,
            when_closed=self._home_after_the_safety_questions,
        )

    def _home_after_the_safety_questions(self) -> None:
        if self.home not in self.screen_stack:  # closed twice (saved, then escape) in a row
            self.push_screen(self.home)

    def on_mount(self) -> None:
        # Only what the first frame needs: the theme and keys (without validating settings that
        # have not changed), and whether the safety questions come first. The settings,
        # routines, stats and the device load just after it.
        appearance = self.companion.appearance()
        theme = appearance.theme
        self.theme = theme if theme in self.available_themes else DEFAULT_THEME
        if theme not in self.available_themes:
            self.notify(f"Unknown theme {theme!r}; using {DEFAULT_THEME}.", markup=False)
        if appearance.keymap:
            self.set_keymap(dict(appearance.keymap))
        if self._safety_problem is not None:
            self.notify(self._safety_problem, severity="error", markup=False)
        if self._handle_signals:
            self._install_signal_handlers()

    def exit(
        self,
        result: None = None,
        return_code: int = 0,
        message: "RenderableType | None" = None,
    ) -> None:
        """Ends the app; while a screen (home, Safety) mounts its controls, once they are in
        place (a few milliseconds): Textual's Select fails (NoMatches) when its screen is torn
        down as it mounts, which a quit key typed ahead or a closed terminal did."""
        if self._controls_mounting():
            self._exit_when_controls_are_ready = (return_code, message)
            return
        super().exit(result, return_code, message)

    def _controls_mounting(self) -> bool:
        return any(
            isinstance(screen, BuildsAfterFirstFrame) and screen.controls is Controls.MOUNTING
            for screen in self.screen_stack
        )

    def on_home_screen_controls_ready(self) -> None:
        self._exit_if_asked()

    def on_safety_screen_controls_ready(self) -> None:
        self._exit_if_asked()

    def _exit_if_asked(self) -> None:
        if self._exit_when_controls_are_ready is not None and not self._controls_mounting():
            super().exit(None, *self._exit_when_controls_are_ready)

    def on_ready(self) -> None:
        # The first layout is done; its frame is written when the screen is next refreshed.
        # A screen put in front before then (a key typed ahead: `y`, `h`) is the first frame:
        # Textual keeps an after-refresh callback on the screen in front when it is handled,
        # and a screen covered before its next refresh held it until shown again, so the
        # first frame (and all that fills in after it) never came.
        self._first_frame_after_refresh(self.screen)
        self.screen_change_signal.subscribe(self, self._first_frame_after_refresh)

    def _first_frame_after_refresh(self, screen: Screen[Any]) -> None:
        if not self.first_frame_shown:
            screen.call_after_refresh(self._first_frame_written)

    def on_resize(self, event: Resize) -> None:
        # Runs before Textual's own handler has recorded the new size: use the event's.
        if self.first_frame_shown:
            self._fit_to_terminal(event.size.width, event.size.height)

    def _fit_to_terminal(self, width: int, height: int) -> None:
        """Below the smallest size the screens are laid out for, one clear message instead
        of clipped controls; gone again once the terminal is large enough."""
        from facecoach.tui.screens.too_small import TooSmallScreen, fits

        covering = isinstance(self.screen, TooSmallScreen)
        if fits(width, height):
            if covering:
                self.pop_screen()
        elif not covering:
            device = self.companion.session_service.device_stop_after_grace()
            self.push_screen(TooSmallScreen(device=device))

    # Titles and notifications carry text from outside (a routine's name, a file name in an
    # error, a device's name): no control character of it reaches the terminal.
    def format_title(self, title: str, sub_title: str) -> Content:
        return super().format_title(one_line(title), one_line(sub_title))

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(
            plain(message),
            title=one_line(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def after_first_frame(self, callback: Callable[[], object]) -> None:
        """Runs `callback` once the first frame is on the terminal (now, if it is): for what
        a screen shows that needs the settings, the routines or the log's numbers."""
        if self.first_frame_shown:
            callback()
        else:
            self._after_first_frame.append(callback)

    def _first_frame_written(self) -> None:
        """The first frame is on the terminal: now the rest loads and fills in."""
        if self.first_frame_shown:
            return  # the screen first in front, refreshed after another one's frame was
        self.first_frame_shown = True
        self.screen_change_signal.unsubscribe(self)
        for callback in self._after_first_frame:
            callback()
        self._after_first_frame.clear()
        self._fit_to_terminal(*self.size)
        # Loaded here, on the event loop, before the backup thread starts: that thread reads
        # the settings, and the core's lazy loading is not meant for two threads at once.
        for problem in self.companion.load():
            self.notify(problem, title="Problem", severity="error", timeout=15, markup=False)
        from facecoach.tui.motion import apply_motion

        apply_motion(self, self.companion.program_service.home_settings().reduced_motion)
        # The device service is made here, after the first frame; nothing connects before.
        self.companion.device.subscribe(self._on_link_event)
        if self.companion.device.paired is not None:
            self.connect_device()  # in the background: loading Bluetooth takes a while
        self.back_up_the_log()
        # Styles parsed for this start (a first start parses them all) are kept once home is
        # filled in, and those parsed later (a screen's own) when the app ends: writing them
        # is no part of what the user waits for, nor of a session's timing.
        self.set_timer(KEEP_STYLES_AFTER, self._keep_parsed_styles)

    def _keep_parsed_styles(self) -> None:
        stylesheet = self.stylesheet  # Textual's own, if its CSS was reloaded (dev mode)
        if isinstance(stylesheet, RememberedStylesheet):
            stylesheet.keep_held()

    @work(thread=True, exclusive=True, group="backup")
    def back_up_the_log(self) -> None:
        """Today's backup, in a thread after the first frame: it copies the whole log."""
        problem = self.companion.log_service.daily_backup()
        if problem is not None:
            self.call_from_thread(
                self.notify, problem, title="Backup", severity="warning", markup=False
            )

    @work(exclusive=True, group="device-connect")
    async def connect_device(self) -> None:
        """Connects to the paired device in the background; the app works without it."""
        device = self.companion.device
        try:
            await device.connect()
        except FacecoachError as exc:
            self.notify(
                str(exc), title="Device not connected", severity="warning", timeout=10, markup=False
            )
        self.show_device()

    def _on_link_event(self, event: "LinkEvent") -> None:
        from facecoach.devices.link import LinkEventKind

        if event.text and event.kind not in (LinkEventKind.STATUS, LinkEventKind.CONNECTED):
            self.notify(event.text, title="Device", timeout=6, markup=False)
        self.show_device()

    def show_device(self) -> None:
        """Redraws the device's state on the screen in front; the others redraw it when they
        come back to the front (a screen under another may not even be composed yet)."""
        show = getattr(self.screen, "show_device", None)
        if show is not None and self.screen.is_mounted:
            show()

    def action_devices(self) -> None:
        from facecoach.tui.screens.devices import DevicesScreen

        self.push_screen(DevicesScreen(self.companion))

    def _safety_questions_first(self) -> bool:
        """On a first run (the questions never answered) they come first; with no database
        to keep the answers in, home says why."""
        try:
            return self.companion.safety_questions_answered() is False
        except FacecoachError as exc:  # shown once the app is mounted; the app goes on
            self._safety_problem = str(exc)
            return False

    def _install_signal_handlers(self) -> None:
        from facecoach.tui.signals import ExitOnSignals

        loop = asyncio.get_running_loop()

        def request_exit() -> None:
            with suppress(RuntimeError):  # the loop has already closed
                loop.call_soon_threadsafe(self._interrupted)

        self.exit_on_signals = ExitOnSignals(request_exit)
        self.exit_on_signals.install()

    def _interrupted(self) -> None:
        self.exit()  # on_unmount ends a running session as interrupted and stops the device

    async def on_unmount(self) -> None:
        # Before the screens go: the core ends a live session (logged as interrupted), waits
        # for the device's stop, lets go of the device and closes the log.
        try:
            await self.companion.shutdown()
        finally:
            self._keep_parsed_styles()  # what was parsed since the last keeping

    @property
    def session_running(self) -> bool:
        live = self.companion.live
        return live is not None and live.is_running

    async def action_quit(self) -> None:
        """Quit; during a session, only after the same question that `q` asks."""
        if self.session_running:
            if not self._asking_to_quit:
                # Asked once: a second question over the first left that one behind, its
                # answer heard by no one, and the session paused after "Keep going".
                self._asking_to_quit = True
                self._confirm_quit()
            return
        self.exit()

    @work(exclusive=True, group="quit")
    async def _confirm_quit(self) -> None:
        from facecoach.session.engine import SessionStatus
        from facecoach.tui.screens.dialogs import ConfirmDialog

        live = self.companion.live
        was_running = live is not None and live.status is SessionStatus.RUNNING

        # Said as what quitting does: until the Quit, the device runs on (a pause does not
        # stop it), so "is stopped" would read as done already.
        device = " Quitting stops the device." if self.companion.device.is_connected else ""
        try:
            quit_now = await self.push_screen_wait(
                ConfirmDialog(
                    "Quit facecoach during a session? What you have done so far is kept in "
                    f"your log.{device}",
                    yes="Quit",
                    no="Keep going",
                    danger=True,
                )
            )
        finally:
            self._asking_to_quit = False
        if quit_now:
            self.exit()
        elif was_running and live is not None:
            live.resume()  # as after `q` and "Keep going": the session goes on

    # --- navigation ----------------------------------------------------------------------

    def action_history(self) -> None:
        from facecoach.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen(self.companion))

    def action_safety(self) -> None:
        from facecoach.tui.screens.safety import SafetyScreen

        self.push_screen(SafetyScreen(self.companion))

    def action_settings(self) -> None:
        from facecoach.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen(self.companion))

    def action_start_session(self) -> None:
        if self.screen is not self.home:
            self.notify("Go back to the home screen to start a session.")
            return
        self.home.action_start()

    @work(exclusive=True, group="start-session")
    async def begin_session_flow(self, routine_id: str) -> None:
        """The core's gates, each as a screen or dialog, then the session (for home)."""
        from facecoach.tui.session_flow import start_session_flow  # its screens load now

        await start_session_flow(self, self.companion, routine_id)

    def action_edit_routine(self) -> None:
        if self.screen is not self.home:
            self.notify("Go back to the home screen to edit a routine.")
            return
        self.home.action_edit_routine()

    def action_press_focused_button(self) -> None:
        from textual.actions import SkipAction
        from textual.widgets import Button

        focused = self.focused
        if not isinstance(focused, Button):
            raise SkipAction()
        focused.press()

    def action_toggle_dark(self) -> None:
        theme = "textual-light" if self.current_theme.dark else "textual-dark"
        self.theme = theme
        try:
            self.companion.program_service.update_settings(theme=theme)
        except FacecoachError as exc:  # the theme still changes for this run
            self.notify(str(exc), title="Theme not saved", severity="warning", markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self.session_running:
            # During a session only what keeps it in view: other screens would hide the timer.
            yield SystemCommand("Toggle light/dark", "Switch the theme", self.action_toggle_dark)
            yield SystemCommand("Quit", "Quit facecoach (asks first)", self.action_quit)
            return
        yield SystemCommand(
            "Start a session", "Start the selected routine", self.action_start_session
        )
        yield SystemCommand(
            "Edit routine",
            "Change the selected routine (a copy of a built-in)",
            self.action_edit_routine,
        )
        yield SystemCommand("History", "Heatmap, streaks and recent sessions", self.action_history)
        yield SystemCommand("Safety", "Screening answers, Botox and fillers", self.action_safety)
        yield SystemCommand("Settings", "Goals, glide length, bell, theme", self.action_settings)
        yield SystemCommand("Devices", "Scan, pair, battery and programs", self.action_devices)
        yield SystemCommand("Log Botox or filler", "Start a waiting period", self._log_injection)
        yield SystemCommand("Toggle light/dark", "Switch the theme", self.action_toggle_dark)
        yield SystemCommand("Keys", "Show the keys of this screen", self.action_show_help_panel)
        yield SystemCommand("Quit", "Quit facecoach", self.action_quit)
        # Textual's own entries (Maximize, Screenshot, its Quit and Keys worded for
        # developers) are left out: the ones above say the same in this app's words.

    def _log_injection(self) -> None:
        from facecoach.tui.screens.safety import SafetyScreen

        safety = SafetyScreen(self.companion)
        self.push_screen(safety)
        self.call_after_refresh(safety.run_action, "log_injection")


def run_tui(
    *, simulate: bool = False, replay: Path | None = None, radio: "Air | None" = None
) -> int:
    """Open the app on the user's own files and the real clock; returns the exit code."""
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock

    config = config_dir()

    def make_device() -> "DeviceService":
        from facecoach.companion.devices import DeviceService

        return DeviceService(config, simulate=simulate, replay=replay, radio=radio)

    # Made after the first frame; a trace to play back is read now, so that a bad one is said
    # before the app opens.
    device = make_device() if replay is not None else None
    companion = Companion(
        SystemClock(), config, database_path(), device=device, make_device=make_device
    )
    from facecoach.photos import PHOTOS_FOLDER
    from facecoach.tui.widgets.photo_view import prepare_terminal_graphics

    # Before Textual reads the keyboard: the terminal is asked what it draws, if there are photos.
    prepare_terminal_graphics(database_path().parent / PHOTOS_FOLDER)
    app = FacecoachApp(companion, handle_signals=True)
    # Up to the first frame the garbage collector would scan every module and class loaded
    # so far, over and over, for cycles that are not there: 50-80 ms of the start (measured).
    # What is loaded lives as long as the app, so it is set aside for good (`freeze`), and
    # collection waits until the first frame is on the terminal.
    gc.freeze()
    gc.disable()
    app.after_first_frame(gc.enable)
    try:
        app.run()
    finally:
        gc.enable()  # also when the app ended before its first frame
    return app.return_code or 0
