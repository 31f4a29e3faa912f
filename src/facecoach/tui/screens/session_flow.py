"""The steps between "start" and the first glide: screening, overrides, pre-session checks."""

from textual.app import App

from facecoach.companion import Companion
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
    if await app.push_screen_wait(PreSessionChecks()):
        await app.push_screen(SessionScreen(companion, routine))
