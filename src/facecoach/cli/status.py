"""`facecoach status`: where today stands, in one line for tmux, waybar or polybar."""

import argparse
import json
import re
import string
from datetime import date

from facecoach.cli.companions import open_status_companion
from facecoach.cli.output import EXIT_OK, print_problems
from facecoach.errors import FacecoachError
from facecoach.wording.adherence import deadline_word

DEFAULT_FORMAT = "{state} · streak {streak} · week {week}"
FIELDS = {
    "state": "done, due, rest or wait (the waiting period after an injection)",
    "streak": "current streak in days",
    "best": "best streak in days",
    "strength": "habit strength, 0-100",
    "week": "sessions this week against the goal, e.g. 2/5",
    "next": "the last day to keep the streak: today, tomorrow or a date (empty without one)",
    "goal": "the goal in force, e.g. 5/7",
}


# What may follow a field's colon: a fill and an alignment, a width, a precision (the
# string format's own, as in {streak:>3}); the width bounded, as a status bar runs this every
# few seconds and {streak:>999999999} would print a gigabyte.
MAX_FIELD_WIDTH = 200
_FIELD_SPEC = re.compile(r"(?:.?[<>^])?(?P<width>[1-9]\d*)?(?:\.\d{1,3})?s?", re.DOTALL)


def add_status_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    status = commands.add_parser(
        "status",
        description="Prints where today stands in one line, for a status bar (tmux, waybar, "
        "polybar) that runs it every few seconds. Fields for --format: "
        + "; ".join(f"{{{name}}} {meaning}" for name, meaning in FIELDS.items())
        + ".",
    )
    status.add_argument(
        "--format",
        default=DEFAULT_FORMAT,
        metavar="TEXT",
        help="the line, with fields in braces, each with an alignment and a width of at most "
        f"{MAX_FIELD_WIDTH} if you like, e.g. {{streak:>3}} (default: {DEFAULT_FORMAT!r})",
    )
    status.add_argument("--json", action="store_true", help="every field as JSON instead")
    status.set_defaults(handler=_status)


def check_format(text: str) -> None:
    """Only the named fields, as they are (no attributes, indexes or positional fields), each
    with at most an alignment and a bounded width."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise FacecoachError(f"cannot read --format {text!r}: {exc}") from None
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in FIELDS or conversion is not None:
            raise FacecoachError(
                f"--format has {{{name}}}, which is not a field; the fields are "
                + ", ".join(f"{{{field}}}" for field in FIELDS)
            )
        shape = _FIELD_SPEC.fullmatch(spec or "")
        width = shape["width"] if shape is not None else None
        if shape is None or (width is not None and int(width) > MAX_FIELD_WIDTH):
            raise FacecoachError(
                f"--format has {{{name}:{spec}}}: after a field's colon only an alignment "
                f"and a width of at most {MAX_FIELD_WIDTH} may come, e.g. {{{name}:>3}}"
            )


def _status(args: argparse.Namespace) -> int:
    check_format(args.format)
    companion = open_status_companion()
    status = companion.day_status()
    print_problems(companion.problems)
    values = {
        "state": status.state.value,
        "streak": str(status.streak_days),
        "best": str(status.best_days),
        "strength": str(round(status.strength * 100)),
        "week": f"{status.week_sessions}/{status.week_target}",
        "next": deadline_word(status.deadline, companion.program_service.today()),
        "goal": status.goal,
    }
    if args.json:
        print(
            json.dumps(
                {
                    "state": status.state.value,
                    "streak_days": status.streak_days,
                    "best_days": status.best_days,
                    "strength": round(status.strength, 4),
                    "week_sessions": status.week_sessions,
                    "week_target": status.week_target,
                    "deadline": _iso(status.deadline),
                    "goal": status.goal,
                    "waiting_until": _iso(status.waiting_until),
                }
            )
        )
    else:
        print(args.format.format(**values))
    return EXIT_OK


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
