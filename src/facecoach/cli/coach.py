"""`facecoach coach`: a guided session as plain text or JSON, through the same core as the app.

Before the session the core's gates are passed in plain text: on a terminal they are questions;
with `--json` or without a terminal nothing is asked, and a gate that needs an answer refuses
with the flag that gives it (`--accept-risk`, `--confirm-checks`), which is then recorded.
"""

import argparse
import signal
import sys
from collections.abc import Callable
from contextlib import aclosing
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_INTERRUPTED, EXIT_OK, ask_clearly, ask_yes_no, warn
from facecoach.cli.parser import whole_number
from facecoach.companion.core import Companion
from facecoach.companion.preflight import Gate, GateAction
from facecoach.errors import FacecoachError
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS, MIN_GLIDE_SECONDS_SET

if TYPE_CHECKING:
    from facecoach.adherence.session_log import StoreError
    from facecoach.cli.realtime import CoachRunner
    from facecoach.companion.cue_channels.setup import CueChoices
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
    from facecoach.cli.devices import replay_flag

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
    loaded = companion.library.resolve(args.routine)
    try:
        routine = companion.apply_preferences(
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
    import asyncio  # here: other commands (a status bar's `status`) need not load it

    try:
        return asyncio.run(_run(companion, routine, args, ask))
    except KeyboardInterrupt:  # Ctrl-C at a question: nothing was started
        raise FacecoachError("interrupted before the session started; nothing was logged") from None


async def _run(
    companion: Companion, routine: "Routine", args: argparse.Namespace, ask: Ask | None
) -> int:
    from facecoach.adherence.session_log import RecordStatus, SessionSource
    from facecoach.cli.coach_output import JsonRenderer, TextRenderer
    from facecoach.cli.realtime import CoachRunner, EventWaiter
    from facecoach.session.driver import EventSink

    try:
        await _connect_device(companion, args.record)
        await _pass_gates(companion, routine.id, args, ask)
        if companion.store is None and not args.no_log:
            warn(f"{companion.log_problem} The session runs, but it is not logged.")
        renderer: EventSink = JsonRenderer(sys.stdout) if args.json else TextRenderer(sys.stdout)
        terminal = sys.stderr if args.json else sys.stdout  # never inside the JSON stream
        writer = _terminal_writer(terminal) if terminal.isatty() or args.bell else None
        live = companion.session_service.begin(
            routine,
            _CoachFrontEnd(renderer, writer),
            source=SessionSource.COACH,
            log=not args.no_log,
            cues=_cue_choices(companion, args),
        )
        if live.channels is not None:
            for notice in live.channels.notices:
                warn(notice)
        runner = CoachRunner(live, EventWaiter())
        import asyncio

        from facecoach.system.signals import EXIT_SIGNALS, handle_on_loop

        # Ctrl-C is the user's stop; a closed terminal and `kill` are not.
        handlers: dict[signal.Signals, Callable[[], object]] = {
            signal.SIGINT: lambda: _stop_on_ctrl_c(runner)
        }
        for signum in EXIT_SIGNALS:
            handlers[signum] = lambda: runner.request_stop(by_user=False)
        restore_signals = handle_on_loop(asyncio.get_running_loop(), handlers)
        try:
            await runner.run()
        finally:
            restore_signals()
        if not args.json and live.end_status is not None and not companion.counts_toward_goal(live):
            from facecoach.wording.session import NOT_COUNTED

            print(NOT_COUNTED)
        logged = live.recorder.session_id if live.recorder is not None else None
        if ask is not None and logged is not None and live.end_status is not None:
            from facecoach.cli.comfort import ask_felt

            ask_felt(companion, logged)  # how it felt: Enter skips
        return EXIT_OK if live.end_status is RecordStatus.COMPLETED else EXIT_INTERRUPTED
    finally:
        try:
            await companion.shutdown()
        finally:
            if companion.device.recording:
                _say_recorded(args.record, *companion.device.stop_recording())


class _CoachFrontEnd:
    """The plain coach as the live session's front end (a SessionFrontEnd): events to the
    renderer, troubles as warnings on stderr."""

    def __init__(self, renderer: "EventSink", terminal_write: Callable[[str], None] | None):
        self._renderer = renderer
        self._terminal_write = terminal_write

    def sinks(self) -> "list[EventSink]":
        return [self._renderer]

    def log_failed(self, error: "StoreError") -> None:
        from facecoach.adherence.recorder import UnsavedError

        warn(str(error) if isinstance(error, UnsavedError) else f"{error} The session goes on.")

    def device_message(self, text: str) -> None:
        """The plain coach has no device line to update."""

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
    from facecoach.config.cue_settings import ChannelMode

    def mode(flag: bool | None) -> ChannelMode | None:
        return None if flag is None else ChannelMode.ON if flag else ChannelMode.OFF

    return companion.cue_choices(
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


def _stop_on_ctrl_c(runner: "CoachRunner") -> None:
    # The terminal has echoed ^C after the last line's text: what follows starts a new line.
    if sys.stdout.isatty():
        sys.stdout.write("\n")
    runner.request_stop(by_user=True)


async def _connect_device(companion: Companion, record: Path | None = None) -> None:
    if companion.device.paired is None:
        if record is not None:
            raise FacecoachError("--record needs a paired device: there is no link to record")
        return
    if record is not None:
        companion.device.record_to(record)
    try:
        await companion.device.connect()
    except FacecoachError as exc:
        text = str(exc)
        # Said once: the reason may already say that sessions run on the timer alone.
        warn(text if "timer alone" in text else f"{text} The session runs on the timer alone.")


async def _pass_gates(
    companion: Companion, routine_id: str, args: argparse.Namespace, ask: Ask | None
) -> None:
    """The core's gates, as questions on a terminal, or else by the flags: a refusal then names
    every flag that is missing at once."""
    accepted: list[Gate] = []
    reasons: list[str] = []  # one sentence a reason, each said once
    risks = unconfirmed = False  # which flag would pass them, named once
    async with aclosing(companion.preflight()) as gates:
        async for gate in gates:
            if gate.action is GateAction.REFUSE:
                raise FacecoachError(gate.text)
            if gate.action is GateAction.NOTICE:
                warn(gate.text)
            elif ask is not None:
                _ask_gate(companion, gate, routine_id, ask)
            elif gate.action is GateAction.CONFIRM:
                if not args.confirm_checks:
                    items = "; ".join(check.text.lower() for check in gate.checks)
                    reasons.append(f"The checks before a session are not confirmed: {items}.")
                    unconfirmed = True
            elif args.accept_risk:
                accepted.append(gate)
            else:
                reasons.append(_reason(gate))
                risks = True
    if reasons:
        raise FacecoachError(_refusal(reasons, risks=risks, unconfirmed=unconfirmed))
    recorded = "recorded in your log" if companion.safety is not None else "not recorded"
    for gate in accepted:
        warn(f"{gate.title}; going on because of {ACCEPT_RISK} ({recorded}).")
        companion.record_override(gate, routine_id)


def _reason(gate: Gate) -> str:
    """Why a gate stops the session, as a sentence (or two): no flag in it."""
    if gate.action is GateAction.ANSWER:
        return f"{gate.title}: answer them in a terminal (`facecoach safety screen`)."
    detail = _first_line(gate.text)
    return f"{gate.title}. {detail}" if detail else f"{gate.title}."


def _refusal(reasons: list[str], *, risks: bool, unconfirmed: bool) -> str:
    """The reasons, one a line, then the flags that go on despite them, each named once."""
    flags = []
    if risks:
        flags.append(f"{ACCEPT_RISK} to go on anyway (recorded in your log)")
    if unconfirmed:
        flags.append(f"{CONFIRM_CHECKS} to confirm the checks")
    how = f"Pass {' and '.join(flags)}."
    if len(reasons) == 1:
        return f"{reasons[0]} {how}"
    lines = "\n".join(f"  - {reason}" for reason in reasons)
    return f"the session cannot start, for {len(reasons)} reasons:\n{lines}\n{how}"


def _ask_gate(companion: Companion, gate: Gate, routine_id: str, ask: Ask) -> None:
    """A gate that needs the user, as questions on the terminal."""
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
            companion.record_override(gate, routine_id)


def _ask_screening(companion: Companion, out: TextIO) -> None:
    """The safety questions, each until it has a clear y or n: here "no" is the side that lets a
    session start, so it is never a default. Saved only once all are answered."""
    from facecoach.safety.screening import CONTRAINDICATIONS

    out.write("Safety questions first (answered once; `facecoach safety` shows them).\n")
    out.flush()
    answers = {item.id: ask_clearly(item.question) for item in CONTRAINDICATIONS}
    result = companion.record_screening(answers)
    out.write(result.summary() + "\n")


def _show(gate: Gate, out: TextIO) -> None:
    from facecoach.wording.text import plain

    out.write(plain(f"{gate.title}.\n{gate.text}\n"))


def _first_line(text: str) -> str:
    return text.splitlines()[0].lstrip("• ").strip() if text else ""
