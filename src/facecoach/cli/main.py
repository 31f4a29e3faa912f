"""The `facecoach` command line: user errors end here as one message and an exit code."""

import argparse
import errno
import os
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType
from typing import TYPE_CHECKING, TextIO

from facecoach import __version__
from facecoach.errors import FacecoachError, RoutineError
from facecoach.routines.limits import MAX_GLIDE_SECONDS, MAX_REPEATS

if TYPE_CHECKING:
    # Heavy modules (pydantic) load only when a command needs them, to keep --help fast.
    from facecoach.routines.loader import LoadedRoutine, RoutineLibrary
    from facecoach.routines.model import Routine

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130  # the shell convention for "ended by Ctrl-C"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if args.data_dir:
        from facecoach.config.paths import DATA_DIR_ENV

        os.environ[DATA_DIR_ENV] = args.data_dir
    if handler is None:
        from facecoach.tui.app import run_tui

        try:
            run_tui(simulate=args.simulate)
        except FacecoachError as exc:
            print(f"facecoach: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        return EXIT_OK
    try:
        return handler(args)
    except FacecoachError as exc:
        print(f"facecoach: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly, as other tools do.
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        if exc.errno == errno.EIO:  # the terminal went away (SIGHUP); the log is already written
            return EXIT_INTERRUPTED
        raise


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facecoach",
        description="A terminal companion for at-home microcurrent facial devices.",
    )
    parser.add_argument("--version", action="version", version=f"facecoach {__version__}")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="where the session log lives (default: the user data directory; "
        "environment: FACECOACH_DATA_DIR)",
    )
    parser.add_argument(
        "--simulate",
        action="store_true",
        help="use simulated Bluetooth devices instead of the radio (try pairing without hardware)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    routines = commands.add_parser("routines", help="list, show and validate routines")
    routines.set_defaults(handler=_routines_list)
    routine_commands = routines.add_subparsers(title="routine commands", metavar="ACTION")
    listing = routine_commands.add_parser("list", help="list the available routines (default)")
    listing.set_defaults(handler=_routines_list)
    show = routine_commands.add_parser("show", help="print one routine zone by zone")
    show.add_argument("routine", metavar="ID", help="routine id, or a path to a .toml file")
    show.set_defaults(handler=_routines_show)
    validate = routine_commands.add_parser("validate", help="check routine files")
    validate.add_argument("files", metavar="FILE", nargs="+")
    validate.set_defaults(handler=_routines_validate)

    coach = commands.add_parser(
        "coach",
        help="run a guided session as plain text, in real time",
        description="Run a guided session as plain text, one line per cue, in real time. "
        "Ctrl-C ends the session and says how far it got.",
    )
    coach.add_argument("routine", metavar="ROUTINE", help="routine id, or a path to a .toml file")
    coach.add_argument("--bell", action="store_true", help="ring the terminal bell at each glide")
    coach.add_argument(
        "--json", action="store_true", help="print one JSON event per line, with its offset 't'"
    )
    coach.add_argument(
        "--glide-seconds",
        type=float,
        metavar="S",
        help=f"length of every glide in seconds (0 < S <= {MAX_GLIDE_SECONDS:g})",
    )
    coach.add_argument(
        "--repeats", type=int, metavar="N", help=f"glides per side in every zone (1-{MAX_REPEATS})"
    )
    coach.add_argument("--no-prep", action="store_true", help="leave out the prep step")
    coach.add_argument(
        "--no-log", action="store_true", help="do not record this session in the session log"
    )
    coach.set_defaults(handler=_coach)

    from facecoach.cli.adherence import add_adherence_commands

    add_adherence_commands(commands)

    from facecoach.cli.devices import add_device_commands

    add_device_commands(commands)

    from facecoach.cli.simulator import add_simulator_commands

    add_simulator_commands(commands)
    return parser


# --- routines ----------------------------------------------------------------------------


def load_library() -> "RoutineLibrary":
    from facecoach.config.paths import user_routines_dir
    from facecoach.routines.loader import RoutineLibrary

    library = RoutineLibrary.load(user_routines_dir())
    for problem in library.problems:
        print(f"facecoach: warning: {problem}", file=sys.stderr)
    return library


def _routines_list(args: argparse.Namespace) -> int:
    from facecoach.wording.session import format_duration

    library = load_library()
    rows = [
        (
            loaded.routine.id,
            loaded.routine.name,
            format_duration(loaded.routine.total_seconds()),
            str(len(loaded.routine.zones)),
            loaded.source,
        )
        for loaded in library.routines.values()
    ]
    print_table(("ID", "NAME", "TIME", "ZONES", "SOURCE"), rows, sys.stdout)
    return EXIT_OK


def _routines_show(args: argparse.Namespace) -> int:
    from facecoach.session.timeline import plan_timeline
    from facecoach.wording.session import format_duration, format_seconds

    loaded = load_library().resolve(args.routine)
    routine = loaded.routine
    timeline = plan_timeline(routine)
    out = sys.stdout
    out.write(f"{routine.id}: {routine.name} ({loaded.source})\n")
    if routine.description:
        out.write(f"{routine.description}\n")
    out.write("\n")
    if routine.prep is not None:
        out.write(f"    Prep, {format_seconds(routine.prep.seconds)}: {routine.prep.text}\n")
    for index, entry in enumerate(routine.zones):
        zone_time = sum(step.duration for step in timeline.zone_steps(index))
        phase = f" [{entry.phase}]" if entry.phase else ""
        program = f" (device program: {entry.program})" if entry.program else ""
        out.write(f"{index + 1:>3}. {entry.title}{phase}{program}\n")
        hold = routine.hold_seconds_for(entry)
        hold_text = f" + {format_seconds(hold)} hold" if hold else ""
        sides = " then ".join(side.label for side in entry.sides)
        out.write(
            f"     {sides}: {routine.repeats_for(entry)} glides of "
            f"{format_seconds(routine.glide_seconds_for(entry))}{hold_text}"
            f"{'' if len(entry.sides) == 1 else ' per side'}; {format_duration(zone_time)}\n"
        )
    out.write(f"\nTotal: {format_duration(timeline.total_seconds)}\n")
    return EXIT_OK


def _routines_validate(args: argparse.Namespace) -> int:
    from pathlib import Path

    from facecoach.routines.loader import load_routine_file
    from facecoach.wording.session import format_duration

    failures = 0
    for name in args.files:
        try:
            routine = load_routine_file(Path(name))
        except RoutineError as exc:
            failures += 1
            print(f"facecoach: error: {exc}", file=sys.stderr)
            continue
        print(
            f'{name}: OK, {routine.id} "{routine.name}", {format_duration(routine.total_seconds())}'
        )
    return EXIT_ERROR if failures else EXIT_OK


# --- coach -------------------------------------------------------------------------------


def _coach(args: argparse.Namespace) -> int:
    from facecoach.cli.coach_output import JsonRenderer, TextRenderer
    from facecoach.cli.realtime import CoachRunner, RealTimeWaiter
    from facecoach.session.clock import SystemClock
    from facecoach.session.driver import EventSink
    from facecoach.session.engine import Session, SessionStatus
    from facecoach.session.timeline import plan_timeline

    routine = _customised(load_library().resolve(args.routine), args)
    renderer: EventSink = (
        JsonRenderer(sys.stdout, bell_out=sys.stderr if args.bell else None)
        if args.json
        else TextRenderer(sys.stdout, bell=args.bell)
    )
    clock = SystemClock()
    session = Session(plan_timeline(routine), clock)
    sinks: list[EventSink] = [renderer]
    store = None
    recorder = None
    if not args.no_log:
        from facecoach.adherence.recorder import SessionRecorder
        from facecoach.adherence.session_log import RecordStatus, StoreError
        from facecoach.cli.adherence import open_store

        store = open_store()

        def warn(exc: StoreError) -> None:
            print(f"facecoach: warning: {exc} The session goes on.", file=sys.stderr)

        recorder = SessionRecorder(store, clock, source="coach", on_error=warn)
        sinks.insert(0, recorder)
    runner = CoachRunner(session, sinks, RealTimeWaiter())

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        if recorder is not None and signum != signal.SIGINT:
            # Not the user's choice (terminal closed, killed): log it as interrupted.
            recorder.abort_status = RecordStatus.PARTIAL
        runner.request_stop()

    # Ctrl-C, a closed terminal (SIGHUP) and `kill` (SIGTERM) all end the session cleanly.
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, on_interrupt) for signum in stop_signals}
    try:
        runner.run()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if store is not None:
            store.close()
    return EXIT_OK if session.status is SessionStatus.COMPLETED else EXIT_INTERRUPTED


def _customised(loaded: "LoadedRoutine", args: argparse.Namespace) -> "Routine":
    from pydantic import ValidationError

    from facecoach.datafiles import describe_validation_error

    routine = loaded.routine
    try:
        if args.glide_seconds is not None or args.repeats is not None:
            routine = routine.with_overrides(glide_seconds=args.glide_seconds, repeats=args.repeats)
        if args.no_prep:
            routine = routine.model_copy(update={"prep": None})
    except ValidationError as exc:
        problems = "; ".join(describe_validation_error(exc))
        raise RoutineError(f"cannot apply --glide-seconds/--repeats: {problems}") from None
    return routine


# --- output helpers ----------------------------------------------------------------------


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    for row in (header, *rows):
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        out.write("  ".join(cells).rstrip() + "\n")
