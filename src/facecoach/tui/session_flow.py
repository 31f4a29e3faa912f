"""The steps between "start" and the first glide: the core's gates, each as a screen or dialog."""

from contextlib import aclosing

from textual.app import App

from facecoach.companion.core import Companion
from facecoach.companion.preflight import Gate, GateAction
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen


async def start_session_flow(app: App[None], companion: Companion, routine_id: str) -> None:
    """Pass every gate in the core's order, then open the session; any "no" ends quietly."""
    try:
        routine = companion.routine_for_session(routine_id)
        async with aclosing(companion.preflight()) as gates:
            async for gate in gates:
                if not await _passed(app, companion, gate, routine.id):
                    return
        await app.push_screen(SessionScreen(companion, routine))
    except FacecoachError as exc:
        app.notify(str(exc), title="Cannot start", severity="error", timeout=10, markup=False)


async def _passed(app: App[None], companion: Companion, gate: Gate, routine_id: str) -> bool:
    match gate.action:
        case GateAction.ANSWER:
            app.notify(gate.title + ".", markup=False)
            await app.push_screen_wait(SafetyScreen(companion, close_when_answered=True))
            return companion.screening() is not None
        case GateAction.OVERRIDE:
            if not await app.push_screen_wait(SafetyOverrideDialog(gate)):
                return False
            companion.record_override(gate, routine_id)
            return True
        case GateAction.REFUSE:
            app.notify(gate.text, title="Cannot start", severity="error", timeout=10, markup=False)
            return False
        case GateAction.NOTICE:
            app.notify(gate.text, title=gate.title, severity="warning", markup=False)
            return True
        case GateAction.CONFIRM:
            checks = PreSessionChecks(gate.checks)
            confirmed: bool = await app.push_screen_wait(checks)
            return confirmed
