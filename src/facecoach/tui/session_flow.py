"""The steps between "start" and the first glide: the core's gates, each as a screen or dialog."""

from functools import partial

from textual.app import App

from facecoach.companion.core import Companion
from facecoach.companion.preflight import Gate, GateAction, GateReply
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen


async def start_session_flow(app: App[None], companion: Companion, routine_id: str) -> None:
    """Pass every gate in the core's order, then open the session; any "no" ends quietly."""
    try:
        routine = companion.program_service.routine_for_session(routine_id)
        keeper = partial(_reply, app, companion)
        if not (await companion.session_service.pass_gates(routine.id, keeper)).cleared:
            return
        await app.push_screen(SessionScreen(companion, routine))
    except FacecoachError as exc:
        app.notify(str(exc), title="Cannot start", severity="error", timeout=10, markup=False)


async def _reply(app: App[None], companion: Companion, gate: Gate) -> GateReply:
    return GateReply.PASSED if await _passed(app, companion, gate) else GateReply.DECLINED


async def _passed(app: App[None], companion: Companion, gate: Gate) -> bool:
    match gate.action:
        case GateAction.ANSWER:
            app.notify(gate.title + ".", markup=False)
            await app.push_screen_wait(SafetyScreen(companion, close_when_answered=True))
            return companion.safety_service.screening() is not None
        case GateAction.OVERRIDE:
            accepted: bool = await app.push_screen_wait(SafetyOverrideDialog(gate))
            return accepted
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
