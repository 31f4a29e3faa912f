"""`facecoach coach`: a guided session as plain text or JSON, through the same core as the app.

Before the session the core's gates are passed in plain text: on a terminal they are questions;
with `--json` or without a terminal nothing is asked, and a gate that needs an answer refuses
with the flag that gives it (`--accept-risk`, `--confirm-checks`), which is then recorded.
"""

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from facecoach.adherence.recorder import UnsavedError
from facecoach.adherence.session_log import RecordStatus, SessionSource
from facecoach.cli.coach_output import CoachRenderer, JsonRenderer, TextRenderer
from facecoach.cli.comfort import ask_felt
from facecoach.cli.context import open_companion
from facecoach.cli.devices import replay_flag
from facecoach.cli.output import EXIT_INTERRUPTED, EXIT_OK, ask_clearly, ask_yes_no, warn
from facecoach.cli.parser import whole_number
from facecoach.cli.realtime import CoachRunner, EventWaiter, run_to_the_end
from facecoach.companion.core import Companion
from facecoach.companion.device_messages import DeviceMessage
from facecoach.companion.preflight import Gate, GateAction, GateReply
from facecoach.config.cue_settings import ChannelMode
from facecoach.errors import FacecoachError
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS, MIN_GLIDE_SECONDS_SET
from facecoach.safety.screening import CONTRAINDICATIONS
from facecoach.system.signals import (
    EXIT_SIGNALS,
    SUSPEND_SIGNAL,
    handle_on_loop,
    suspend_process,
)
from facecoach.wording.session import NOT_COUNTED
from facecoach.wording.text import plain

if TYPE_CHECKING:
    from facecoach.adherence.session_log import StoreError
    from facecoach.cli.realtime import CoachRunner
    from facecoach.companion.cue_channels.setup import CueChoices
    from facecoach.companion.live_session import LiveSession
    from facecoach.routines.model import Routine
    from facecoach.session.driver import EventSink

ACCEPT_RISK = "--accept-risk"
CONFIRM_CHECKS = "--confirm-checks"

Ask = Callable[[str], bool]


def add_coach_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    coach = commands.add_parser(
        "coach",
        help="run a guided session as plain text, in real time",
        description="Run a guided session as plain text, one line per cue, in real time. "
        "The safety gates come first, as questions on the terminal. Ctrl-C ends the session "
        "and says how far it got.",
    )
    coach.add_argument("routine", metavar="ROUTINE", help="routine id, or a path to a .toml file")
    coach.add_argument("--bell", action="store_true", help="ring the terminal bell at each glide")
    coach.add_argument(
        "--sound",
        action=argparse.BooleanOptionalAction,
        help="tones at each glide, side switch, zone and the end (default: the setting, "
        "which is on wherever this machine can play sound)",
    )
    coach.add_argument(
        "--voice",
        action=argparse.BooleanOptionalAction,
        help="say the zone and side before its glides, and the glide numbers "
        "(default: the setting, off)",
    )
    coach.add_argument(
        "--count",
        type=int,
        metavar="N",
        choices=range(6),
        help="with the voice: count the last N seconds of each glide aloud (0-5; default: "
        "the setting, 0)",
    )
    coach.add_argument(
        "--notify",
        action=argparse.BooleanOptionalAction,
        help="a desktop and terminal notification when the session ends or needs you "
        "(default: the settings, on where they work)",
    )
    coach.add_argument(
        "--on-cue",
        metavar="CMD",
        help="run CMD at every cue, with the cue as JSON on its standard input",
    )
    coach.add_argument(
        "--json", action="store_true", help="print one JSON event per line, with its offset 't'"
    )
    coach.add_argument(
        "--glide-seconds",
        type=float,
        metavar="S",
        help=f"length of every glide in seconds ({MIN_GLIDE_SECONDS_SET:g} <= S <= "
        f"{MAX_GLIDE_SECONDS:g}); "
        "overrides the setting",
    )
    coach.add_argument(
        "--repeats",
        type=whole_number,
        metavar="N",
        help=f"glides per side in every zone (1-{MAX_REPEATS}); overrides the setting",
    )
    coach.add_argument("--no-prep", action="store_true", help="leave out the prep step")
    coach.add_argument(
        "--no-log", action="store_true", help="do not record this session in the session log"
    )
    coach.add_argument(
        ACCEPT_RISK,
        action="store_true",
        help="without a terminal: go on despite unanswered safety questions, answers that "
        "advise against use, or the waiting period after an injection (recorded in the log)",
    )
    coach.add_argument(
        CONFIRM_CHECKS,
        action="store_true",
        help="without a terminal: confirm that gel is applied and the device is off its charger",
    )
    coach.add_argument(
        "--simulate", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )

    replay_flag(coach)
    coach.add_argument(
        "--record",
        metavar="FILE",
        type=Path,
        help="record the device's link during the session to a trace file (for a bug report)",
    )
    coach.set_defaults(handler=_coach)


def _coach(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    loaded = companion.program_service.library.resolve(args.routine)
    try:
        routine = companion.program_service.apply_preferences(
            loaded.routine,
            glide_seconds=args.glide_seconds,
            repeats=args.repeats,
            prep=not args.no_prep,
        )
    except FacecoachError as exc:
        reason = str(exc)
        raise FacecoachError(
            f"cannot apply --glide-seconds/--repeats: {reason[:1].lower()}{reason[1:]}"
        ) from None
    interactive = not args.json and sys.stdin.isatty()
    ask = ask_yes_no if interactive else None

    try:
        return run_to_the_end(_run(companion, routine, args, ask))
    except KeyboardInterrupt:  # Ctrl-C at a question: nothing was started
        raise FacecoachError("interrupted before the session started; nothing was logged") from None


async def _run(
    companion: Companion, routine: "Routine", args: argparse.Namespace, ask: Ask | None
) -> int:
    """The session the app runs, through the same core steps (the device connected, every
    gate, the session begun; every way out stops the device and records how far it got):
    this front end prints it, puts the gates as questions or flags, and turns the clock."""

    front_end = _CoachFrontEnd.for_args(args)
    try:
        _start_recording(companion, args.record)
        opening = await companion.session_service.open(
            routine,
            front_end,
            _CoachGates(companion, args, ask).pass_gate,
            source=SessionSource.COACH,
            log=not args.no_log,
            cues=_cue_choices(companion, args),
        )
        live = opening.live
        if live is None:
            raise FacecoachError(_refusal(opening.gates.deferred, json_asks_nothing=args.json))
        front_end.began = True
        if ask is None:
            _say_accepted_risks(companion, opening.gates.overridden)
        if live.channels is not None:
            for notice in live.channels.notices:
                warn(notice)
        await _drive(live)
        _after_session(companion, live, args, ask)
        return EXIT_OK if live.end_status is RecordStatus.COMPLETED else EXIT_INTERRUPTED
    finally:
        try:
            await companion.shutdown()  # ends a live session: the device stopped, it is logged
        finally:
            if companion.device.recorder.recording:
                _say_recorded(args.record, *companion.device.recorder.stop_recording())


async def _drive(live: "LiveSession") -> None:
    """Turns the clock until the session ends. Ctrl-C is the user's stop; a closed terminal
    and `kill` are not (the session is logged as interrupted). Ctrl-Z pauses the session, and
    the device with it, before the process stops; `fg` resumes it."""
    runner = CoachRunner(live, EventWaiter())
    handlers: dict[signal.Signals, Callable[[], object]] = {
        signal.SIGINT: partial(_stop_on_ctrl_c, runner)
    }
    for signum in EXIT_SIGNALS:
        handlers[signum] = partial(runner.request_stop, by_user=False)
    suspending: set[asyncio.Task[None]] = set()  # kept until done: the loop holds tasks weakly
    if SUSPEND_SIGNAL is not None:
        handlers[SUSPEND_SIGNAL] = partial(_suspend_on_ctrl_z, runner, suspending)
    restore_signals = handle_on_loop(asyncio.get_running_loop(), handlers)
    try:
        await runner.run()
    finally:
        restore_signals()


def _after_session(
    companion: Companion, live: "LiveSession", args: argparse.Namespace, ask: Ask | None
) -> None:
    """Whether the session counts toward the goal, then (on a terminal) how it felt."""
    ended = live.end_status is not None
    if not args.json and ended and not companion.session_service.counts_toward_goal(live):
        print(NOT_COUNTED)
    logged = live.recorder.session_id if live.recorder is not None else None
    if ask is not None and logged is not None and ended:
        ask_felt(companion, logged)  # how it felt: Enter skips


class _CoachFrontEnd:
    """The plain coach as the live session's front end (a SessionFrontEnd): events, and the
    device's output stopped or back, to the renderer; troubles as warnings on stderr."""

    def __init__(self, renderer: CoachRenderer, terminal_write: Callable[[str], None] | None):
        self._renderer = renderer
        self._terminal_write = terminal_write
        self.began = False  # the session has begun (before: a log that fails is no log)

    @classmethod
    def for_args(cls, args: argparse.Namespace) -> "_CoachFrontEnd":
        renderer: CoachRenderer = (
            JsonRenderer(sys.stdout)
            if args.json
            else TextRenderer(sys.stdout, at_a_terminal=sys.stdout.isatty())
        )
        terminal = sys.stderr if args.json else sys.stdout  # never inside the JSON stream
        writer = _terminal_writer(terminal) if terminal.isatty() or args.bell else None
        return cls(renderer, writer)

    def sinks(self) -> "list[EventSink]":
        return [self._renderer]

    def log_failed(self, error: "StoreError") -> None:
        if isinstance(error, UnsavedError):
            warn(str(error))
        elif not self.began:  # the log cannot be opened: the session has no record
            warn(f"{error} The session runs, but it is not logged.")
        else:  # a write failed: it is tried again
            warn(f"{error} The session goes on.")

    def device_message(self, message: DeviceMessage) -> None:
        """The output stopped, back, or to be started again on the device: a line on stdout,
        as the session's own (scripts and screen readers need to hear it; it is an
        instruction, not a warning). The plain coach has no device line for the rest."""
        if message.announced:
            self._renderer.device_message(message)

    def device_problem(self, text: str) -> None:
        warn(text)

    def cue_problem(self, text: str) -> None:
        warn(text)

    def terminal_writer(self) -> Callable[[str], None] | None:
        return self._terminal_write


def _say_recorded(path: Path, events: int, stopped: str | None) -> None:
    said = f"{events} device event{'' if events == 1 else 's'} recorded into {path}"
    if stopped:
        warn(f"{said}; then the recording stopped: {stopped}.")
    else:
        print(f"{said}.", file=sys.stderr)


def _cue_choices(companion: Companion, args: argparse.Namespace) -> "CueChoices":
    """The settings' cue channels with the flags over them. The plain coach rings the bell
    only when asked: it often runs in scripts and logs."""

    def mode(flag: bool | None) -> ChannelMode | None:
        return None if flag is None else ChannelMode.ON if flag else ChannelMode.OFF

    return companion.cue_service.choices(
        sound=mode(args.sound),
        voice=mode(args.voice),
        voice_count=args.count,
        desktop=mode(args.notify),
        terminal=mode(args.notify),
        bell=args.bell,
        on_cue=args.on_cue,
    )


def _terminal_writer(out: TextIO) -> Callable[[str], None]:
    def write(text: str) -> None:
        out.write(text)
        out.flush()

    return write


def _suspend_on_ctrl_z(runner: "CoachRunner", suspending: set["asyncio.Task[None]"]) -> None:
    if suspending:  # a second Ctrl-Z while the first one's pause reaches the device
        return
    # The terminal has echoed ^Z after the last line's text: the pause line starts anew.
    if sys.stdout.isatty():
        sys.stdout.write("\n")
    task = asyncio.get_running_loop().create_task(runner.suspend(suspend_process))
    suspending.add(task)
    task.add_done_callback(suspending.discard)


def _stop_on_ctrl_c(runner: "CoachRunner") -> None:
    # The terminal has echoed ^C after the last line's text: what follows starts a new line.
    if sys.stdout.isatty():
        sys.stdout.write("\n")
    runner.request_stop(by_user=True)


def _start_recording(companion: Companion, record: Path | None) -> None:
    if record is None:
        return
    if companion.device.paired is None:
        raise FacecoachError("--record needs a paired device: there is no link to record")
    companion.device.recorder.record_to(record)


class _CoachGates:
    """The core's gates, as questions on a terminal, or else by the flags. A gate the flags
    do not pass is deferred, so that a refusal names every missing flag at once."""

    def __init__(self, companion: Companion, args: argparse.Namespace, ask: Ask | None):
        self._companion = companion
        self._accept_risk: bool = args.accept_risk
        self._confirm_checks: bool = args.confirm_checks
        self._ask = ask

    async def pass_gate(self, gate: Gate) -> GateReply:
        if gate.action is GateAction.NOTICE:
            warn(gate.text)
            return GateReply.PASSED
        if self._ask is not None:
            _ask_gate(self._companion, gate, self._ask)  # a "no" says why and ends here
            return GateReply.PASSED
        by_flag = self._confirm_checks if gate.action is GateAction.CONFIRM else self._accept_risk
        return GateReply.PASSED if by_flag else GateReply.DEFERRED


def _say_accepted_risks(companion: Companion, overridden: Sequence[Gate]) -> None:
    """Each risk accepted by the flag is said, as a question answered on a terminal is."""
    recorded = (
        "recorded in your log" if companion.safety_service.records is not None else "not recorded"
    )
    for gate in overridden:
        warn(f"{gate.title}; going on because of {ACCEPT_RISK} ({recorded}).")


def _reason(gate: Gate, *, json_asks_nothing: bool) -> str:
    """Why a gate stops the session, as a sentence (or two): no flag in it but --json, which
    is why a user at a terminal was asked nothing."""
    if gate.action is GateAction.ANSWER:
        if json_asks_nothing:
            return (
                f"{gate.title}: with --json nothing is asked; answer them first with "
                "`facecoach safety screen`."
            )
        return f"{gate.title}: answer them in a terminal (`facecoach safety screen`)."
    detail = _first_line(gate.text)
    return f"{gate.title}. {detail}" if detail else f"{gate.title}."


def _refusal(deferred: Sequence[Gate], *, json_asks_nothing: bool) -> str:
    """Why the session cannot start, one reason a line, then the flags that go on despite
    them, each named once."""
    if not deferred:
        return "not started."
    reasons = [
        _unconfirmed(gate)
        if gate.action is GateAction.CONFIRM
        else _reason(gate, json_asks_nothing=json_asks_nothing)
        for gate in deferred
    ]
    flags = []
    if any(gate.action is not GateAction.CONFIRM for gate in deferred):
        flags.append(f"{ACCEPT_RISK} to go on anyway (recorded in your log)")
    if any(gate.action is GateAction.CONFIRM for gate in deferred):
        flags.append(f"{CONFIRM_CHECKS} to confirm the checks")
    how = f"Pass {' and '.join(flags)}."
    if len(reasons) == 1:
        return f"{reasons[0]} {how}"
    lines = "\n".join(f"  - {reason}" for reason in reasons)
    return f"the session cannot start, for {len(reasons)} reasons:\n{lines}\n{how}"


def _unconfirmed(gate: Gate) -> str:
    items = "; ".join(check.text.lower() for check in gate.checks)
    return f"The checks before a session are not confirmed: {items}."


def _ask_gate(companion: Companion, gate: Gate, ask: Ask) -> None:
    """A gate that needs the user, as questions on the terminal; a "no" ends here, saying
    why."""
    match gate.action:
        case GateAction.CONFIRM:
            for check in gate.checks:
                if not ask(f"{check.text}? ({check.why})"):
                    raise FacecoachError(f"not started: {check.text.lower()} is needed first.")
        case GateAction.ANSWER:
            _ask_screening(companion, sys.stdout)
        case GateAction.OVERRIDE:
            _show(gate, sys.stdout)
            if not ask("Start anyway? You accept the risk, and the choice is recorded."):
                raise FacecoachError("not started: " + gate.title.lower())


def _ask_screening(companion: Companion, out: TextIO) -> None:
    """The safety questions, each until it has a clear y or n: here "no" is the side that lets a
    session start, so it is never a default. Saved only once all are answered."""
    out.write("Safety questions first (answered once; `facecoach safety` shows them).\n")
    out.flush()
    answers = {item.id: ask_clearly(item.question) for item in CONTRAINDICATIONS}
    result = companion.safety_service.record_screening(answers)
    out.write(result.summary() + "\n")


def _show(gate: Gate, out: TextIO) -> None:
    out.write(plain(f"{gate.title}.\n{gate.text}\n"))


def _first_line(text: str) -> str:
    return text.splitlines()[0].lstrip("• ").strip() if text else ""
