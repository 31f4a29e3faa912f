"""`facecoach routines`: list, show and validate routines, as they will really run."""

import argparse
import sys
from pathlib import Path

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_ERROR, EXIT_OK, error, print_table, warn
from facecoach.errors import RoutineError
from facecoach.routines.loader import load_routine_file
from facecoach.session.timeline import plan_timeline
from facecoach.wording.session import format_duration, format_seconds, glide_count
from facecoach.wording.text import plain


def add_routine_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    routines = commands.add_parser(
        "routines",
        description="Routines as they will run, with your glide length and repeats from the "
        "settings applied.",
    )
    routines.set_defaults(handler=_routines_list)
    routine_commands = routines.add_subparsers(title="routine commands", metavar="ACTION")
    listing = routine_commands.add_parser("list", help="list the available routines (default)")
    listing.set_defaults(handler=_routines_list)
    show = routine_commands.add_parser("show", help="print one routine zone by zone")
    show.add_argument("routine", metavar="ID", help="routine id, or a path to a .toml file")
    show.set_defaults(handler=_routines_show)
    validate = routine_commands.add_parser("validate", help="check routine files")
    validate.add_argument("files", metavar="FILE", nargs="+", help="routine files to check")
    validate.set_defaults(handler=_routines_validate)


def _routines_list(args: argparse.Namespace) -> int:
    choices = open_companion(args).program_service.routines()
    rows = [
        (
            choice.routine.id,
            choice.routine.name,
            format_duration(choice.total_seconds),
            str(len(choice.routine.zones)),
            choice.source,
        )
        for choice in choices
    ]
    print_table(("ID", "NAME", "TIME", "ZONES", "SOURCE"), rows, sys.stdout)
    for choice in choices:
        if choice.problem:
            warn(f"{choice.problem}; it runs as written")
    return EXIT_OK


def _routines_show(args: argparse.Namespace) -> int:
    choice = open_companion(args).program_service.routine_choice(args.routine)
    if choice.problem:
        warn(f"{choice.problem}; it runs as written")
    routine = choice.routine
    timeline = plan_timeline(routine)
    out = sys.stdout
    out.write(plain(f"{routine.id}: {routine.name} ({choice.source})\n"))
    if routine.description:
        out.write(plain(f"{routine.description}\n"))
    out.write("\n")
    if routine.prep is not None:
        out.write(plain(f"    Prep, {format_seconds(routine.prep.seconds)}: {routine.prep.text}\n"))
    for index, entry in enumerate(routine.zones):
        zone_time = sum(step.duration for step in timeline.zone_steps(index))
        phase = f" [{entry.phase}]" if entry.phase else ""
        program = f" (device program: {entry.program})" if entry.program else ""
        out.write(plain(f"{index + 1:>3}. {entry.title}{phase}{program}\n"))
        hold = routine.hold_seconds_for(entry)
        hold_text = f" + {format_seconds(hold)} hold" if hold else ""
        sides = " then ".join(side.label for side in entry.sides)
        out.write(
            f"     {sides}: {glide_count(routine.repeats_for(entry))} of "
            f"{format_seconds(routine.glide_seconds_for(entry))}{hold_text}"
            f"{'' if len(entry.sides) == 1 else ' per side'}; {format_duration(zone_time)}\n"
        )
    out.write(f"\nTotal: {format_duration(timeline.total_seconds)}\n")
    return EXIT_OK


def _routines_validate(args: argparse.Namespace) -> int:
    failures = 0
    for name in args.files:
        try:
            routine = load_routine_file(Path(name))
        except RoutineError as exc:
            failures += 1
            error(str(exc))
            continue
        print(
            plain(
                f'{name}: OK, {routine.id} "{routine.name}", '
                f"{format_duration(routine.total_seconds())}"
            )
        )
    return EXIT_ERROR if failures else EXIT_OK
