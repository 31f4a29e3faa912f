"""`facecoach calendar export FILE.ics`: the program's planned sessions for your calendar."""

import argparse
from pathlib import Path

from facecoach.adherence.plan import parse_weekdays
from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK, warn
from facecoach.companion.calendar_export import export_calendar


def add_calendar_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    calendar = commands.add_parser(
        "calendar",
        description="Writes the sessions the program plans for the coming weeks as an "
        "iCalendar file to import into Google, Apple or Outlook calendars.",
    )
    actions = calendar.add_subparsers(title="calendar commands", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        help="write the planned sessions to FILE.ics",
        description="Writes the planned sessions of the coming weeks (by the program's goals "
        "and phases, on the weekdays you pick, at the time you pick) with the routine and a "
        "reminder each, and each waiting period after Botox or fillers as a busy block. "
        "Exporting again updates the same events. Choices not given are the last export's.",
    )
    export.add_argument("file", metavar="FILE.ics", type=Path, help="the calendar file to write")
    export.add_argument(
        "--days", metavar="DAYS", help="weekdays to plan on, e.g. mon,wed,fri (default: spread)"
    )
    export.add_argument("--at", metavar="HH:MM", help="the time of each session (default 08:30)")
    export.add_argument(
        "--weeks", type=int, metavar="N", help="how many weeks ahead, 1-26 (default 4)"
    )
    export.add_argument(
        "--alarm",
        type=int,
        metavar="MINUTES",
        help="the reminder, minutes before each session; 0 for none (default 15)",
    )
    export.add_argument("--force", action="store_true", help="replace FILE if it exists")
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    if args.days is not None:
        changes["days"] = parse_weekdays(args.days)
    if args.at is not None:
        changes["at"] = args.at
    if args.weeks is not None:
        changes["weeks"] = args.weeks
    if args.alarm is not None:
        changes["alarm_minutes"] = args.alarm
    companion = open_companion(args)
    done = export_calendar(companion, args.file, changes, force=args.force)
    for warning in done.warnings():
        warn(warning)
    print(done.summary())
    return EXIT_OK
