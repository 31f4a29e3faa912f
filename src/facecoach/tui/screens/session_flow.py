"""The steps between "start" and the first glide: screening, overrides, pre-session checks."""

from textual.app import App

from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen


async def start_session_flow(app: App[None], companion: Companion, routine_id: str) -> None:
    """Run every safety step, then open the session; any "no" ends the flow quietly."""
    try:
        routine = companion.routine_for_session(routine_id)
        if companion.safety is not None and companion.screening() is None:
            app.notify("Please answer the safety questions before your first session.")
            await app.push_screen_wait(SafetyScreen(companion, close_when_answered=True))
            if companion.screening() is None:
                return
        for warning in companion.safety_warnings():
            if not await app.push_screen_wait(SafetyOverrideDialog(warning)):
                return
            companion.record_override(warning, routine.id)
    except FacecoachError as exc:
        app.notify(str(exc), title="Cannot start", severity="error")
        return
    if await _device_blocks_start(app, companion):
        return
    if await app.push_screen_wait(PreSessionChecks()):
        await app.push_screen(SessionScreen(companion, routine))


async def _device_blocks_start(app: App[None], companion: Companion) -> bool:
    """Asks the connected device how it is (charger, battery) and refuses to start on a charger."""
    link = companion.device.link
    if link is not None and link.is_connected:
        try:
            await link.query_status()
        except FacecoachError as exc:
            app.notify(f"Could not read the device's state: {exc}", severity="warning")
    reason = companion.device.blocks_start()
    if reason is not None:
        app.notify(reason, title="Cannot start", severity="error", timeout=10)
        return True
    return False
