"""The facecoach Textual app: screens, global keys, command palette, themes, shutdown."""

import asyncio
import signal
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.tui.screens.home import HomeScreen

if TYPE_CHECKING:
    from facecoach.devices.link import LinkEvent

# Other screens load when first opened: the home screen paints sooner.

FALLBACK_THEME = "textual-dark"
DISCONNECT_TIMEOUT = 3.0


class FacecoachApp(App[None]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute, so subclasses elsewhere work
    TITLE = "facecoach"
    BINDINGS = [
        Binding("t", "toggle_dark", "Light/dark", id="app.toggle_theme", show=False),
    ]

    def __init__(self, companion: Companion, *, handle_signals: bool = False) -> None:
        super().__init__()
        self.companion = companion
        self.home = HomeScreen(companion)
        self._handle_signals = handle_signals

    def on_mount(self) -> None:
        settings = self.companion.settings
        self.theme = settings.theme if settings.theme in self.available_themes else FALLBACK_THEME
        if settings.theme not in self.available_themes:
            self.notify(f"Unknown theme {settings.theme!r}; using {FALLBACK_THEME}.")
        if settings.keymap:
            self.set_keymap(settings.keymap)
        self.push_screen(self.home)
        for problem in self.companion.problems:
            self.notify(problem, title="Problem", severity="error", timeout=15)
        if self.companion.safety is not None and self._screening_missing():
            from facecoach.tui.screens.safety import SafetyScreen

            self.push_screen(SafetyScreen(self.companion, close_when_answered=True))
        if self._handle_signals:
            self._install_signal_handlers()
        self.companion.device.subscribe(self._on_link_event)
        if self.companion.device.known is not None:
            self.connect_device()

    @work(exclusive=True, group="device-connect")
    async def connect_device(self) -> None:
        """Connects to the paired device in the background; the app works without it."""
        device = self.companion.device
        try:
            await device.connect()
        except FacecoachError as exc:
            self.notify(str(exc), title="Device not connected", severity="warning", timeout=10)
        self.show_device()

    def _on_link_event(self, event: "LinkEvent") -> None:
        if event.text and event.kind.value not in ("status", "connected"):
            self.notify(event.text, title="Device", timeout=6)
        self.show_device()

    def show_device(self) -> None:
        """Redraws the device's state wherever it is shown."""
        for screen in self.screen_stack:
            show = getattr(screen, "show_device", None)
            if show is not None:
                show()

    def action_devices(self) -> None:
        from facecoach.tui.screens.devices import DevicesScreen

        self.push_screen(DevicesScreen(self.companion))

    def _screening_missing(self) -> bool:
        try:
            return self.companion.screening() is None
        except FacecoachError as exc:  # shown; the app goes on
            self.notify(str(exc), severity="error")
            return False

    def _install_signal_handlers(self) -> None:
        # A closed terminal (SIGHUP) or `kill` (SIGTERM): log a running session as interrupted.
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            # Not possible off the main thread (tests) or on some platforms.
            with suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._interrupted)

    def _interrupted(self) -> None:
        self.exit()  # unmounting logs a running session as interrupted

    def _finish_live_session(self) -> None:
        from facecoach.tui.screens.session import SessionScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen):
                screen.interrupt()

    async def on_unmount(self) -> None:
        # Before the store closes: the screens may unmount after the app does.
        self._finish_live_session()
        self.companion.close()
        with suppress(FacecoachError, TimeoutError):
            await asyncio.wait_for(self.companion.device.disconnect(), DISCONNECT_TIMEOUT)

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

    def action_toggle_dark(self) -> None:
        theme = "textual-light" if self.current_theme.dark else "textual-dark"
        self.theme = theme
        try:
            self.companion.update_settings(theme=theme)
        except FacecoachError as exc:  # the theme still changes for this run
            self.notify(str(exc), title="Theme not saved", severity="warning")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield SystemCommand(
            "Start a session", "Start the selected routine", self.action_start_session
        )
        yield SystemCommand("History", "Heatmap, streaks and recent sessions", self.action_history)
        yield SystemCommand("Safety", "Screening answers, Botox and fillers", self.action_safety)
        yield SystemCommand("Settings", "Goals, glide length, bell, theme", self.action_settings)
        yield SystemCommand("Devices", "Scan, pair, battery and programs", self.action_devices)
        yield SystemCommand("Log Botox or filler", "Start a waiting period", self._log_injection)
        yield SystemCommand("Toggle light/dark", "Switch the theme", self.action_toggle_dark)
        yield from super().get_system_commands(screen)

    def _log_injection(self) -> None:
        from facecoach.tui.screens.safety import SafetyScreen

        safety = SafetyScreen(self.companion)
        self.push_screen(safety)
        self.call_after_refresh(safety.run_action, "log_injection")


def run_tui(*, simulate: bool = False) -> None:
    """Open the app on the user's own files and the real clock."""
    from facecoach.companion.devices import PairedDevice
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock

    config = config_dir()
    device = PairedDevice(config, simulate=simulate)
    companion = Companion(SystemClock(), config, database_path(), device=device)
    FacecoachApp(companion, handle_signals=True).run()
