"""The steps between "start" and the first glide: the core's way into a session (the device
connected, the gates, the session begun), each gate as a screen or dialog."""

from functools import partial

from textual.app import App

from facecoach.adherence.session_log import SessionSource
from facecoach.companion.core import Companion
from facecoach.companion.preflight import Gate, GateAction, GateReply
from facecoach.errors import FacecoachError
from facecoach.tui.screens.dialogs import PreSessionChecks, SafetyOverrideDialog
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.tui.screens.session import SessionScreen


async def start_session_flow(app: App[None], companion: Companion, routine_id: str) -> None:
    """Opens the session as the core does for every front end, then shows it; any "no"
    ends quietly."""
    try:
        routine = companion.program_service.routine_for_session(routine_id)
        screen = SessionScreen(companion, routine)  # the session's front end
        opening = await companion.session_service.open(
            routine, screen, partial(_reply, app, companion), source=SessionSource.TUI
        )
        if opening.live is None:
            return
        screen.live = opening.live
        await app.push_screen(screen)
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
