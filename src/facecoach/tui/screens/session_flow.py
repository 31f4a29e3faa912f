"""The steps between "start" and the first glide: the core's gates, each as a screen or dialog."""

from textual.app import App

from facecoach.companion.core import Companion
from facecoach.companion.preflight import Gate, GateAction, screening_gates
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen


async def start_session_flow(app: App[None], companion: Companion, routine_id: str) -> None:
    """Pass every gate in the core's order, then open the session; any "no" ends quietly."""
    try:
        routine = companion.routine_for_session(routine_id)
        for gate in companion.safety_gates():
            if not await _passed(app, companion, gate, routine.id):
                return
        device_gates, device_problem = await companion.device_gates()
    except FacecoachError as exc:
        app.notify(str(exc), title="Cannot start", severity="error", markup=False)
        return
    if device_problem is not None:
        app.notify(device_problem, severity="warning", markup=False)
    for gate in device_gates:  # only refusals: a charging device
        app.notify(gate.text, title="Cannot start", severity="error", timeout=10, markup=False)
        return
    if await app.push_screen_wait(PreSessionChecks()):
        await app.push_screen(SessionScreen(companion, routine))


async def _passed(app: App[None], companion: Companion, gate: Gate, routine_id: str) -> bool:
    if gate.action is GateAction.ANSWER:
        app.notify(gate.title + ".", markup=False)
        await app.push_screen_wait(SafetyScreen(companion, close_when_answered=True))
        if companion.screening() is None:
            return False
        # The answers may themselves advise against use: that gate comes next.
        for later in screening_gates(companion.screening()):
            if not await _passed(app, companion, later, routine_id):
                return False
        return True
    if not await app.push_screen_wait(SafetyOverrideDialog(gate)):
        return False
    companion.record_override(gate, routine_id)
    return True
