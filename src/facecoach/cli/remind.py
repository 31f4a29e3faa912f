"""`facecoach remind`: a reminder when a session is due, for a scheduler to run once a day,
and the scheduler's entry itself (`--install --at 08:30`, `--show`, `--uninstall`).

Silent unless a session is due, and then at most once per day: a desktop notification where
there is a desktop, and always a line on stdout, which cron mails and a systemd journal keeps.
"""

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING

from facecoach.cli.companions import open_status_companion
from facecoach.cli.output import EXIT_OK, print_problems, warn
from facecoach.companion.cue_channels.desktop import desktop_facility, notify_desktop
from facecoach.companion.reminders import (
    ReminderMemory,
    decide,
    parse_time_of_day,
    reminder_environment,
)
from facecoach.config.paths import data_dir
from facecoach.errors import FacecoachError
from facecoach.system.scheduler import ReminderScheduler

if TYPE_CHECKING:
    from facecoach.companion.cue_channels.machine import Machine

DEFAULT_TIME = "08:30"


def add_remind_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    remind = commands.add_parser(
        "remind",
        description="Says whether a session is due today, from your log and your program. When "
        "one is due it prints a line and sends a desktop notification, at most once a day; "
        "otherwise it says nothing. --install makes your system run it every day.",
    )
    what = remind.add_mutually_exclusive_group()
    what.add_argument(
        "--install",
        action="store_true",
        help="run the reminder every day (a systemd user timer, else a crontab line; launchd "
        "on macOS; Task Scheduler on Windows)",
    )
    what.add_argument("--uninstall", action="store_true", help="remove the daily reminder")
    what.add_argument("--show", action="store_true", help="say whether and when it runs")
    remind.add_argument(
        "--at",
        metavar="HH:MM",
        default=None,
        help=f"with --install: the time of day, 24-hour (default {DEFAULT_TIME})",
    )
    remind.add_argument("--json", action="store_true", help="the decision as JSON, always")
    remind.add_argument(
        "--again", action="store_true", help="remind even if already reminded today"
    )
    remind.add_argument(
        "--no-notify", action="store_true", help="print only; no desktop notification"
    )
    remind.set_defaults(handler=_remind)


def _remind(args: argparse.Namespace) -> int:
    if args.at is not None and not args.install:
        raise FacecoachError("--at goes with --install (the time the reminder runs each day)")
    if args.install or args.uninstall or args.show:
        return _schedule(args)
    return _check(args)


def _schedule(args: argparse.Namespace) -> int:
    scheduler = ReminderScheduler()
    if args.install:
        # An empty --at is a mistake to point out, not a request for the default time.
        at = parse_time_of_day(DEFAULT_TIME if args.at is None else args.at)
        command = [sys.executable, "-m", "facecoach", "remind"]
        result = scheduler.install(command, at, reminder_environment(os.environ))
        print(result.describe())
        day_start = open_status_companion().program_service.counting_settings().day_start_hour
        if at.hour < day_start:
            print(
                f"Note: your day starts at {day_start:02d}:00, so at {at:%H:%M} the reminder "
                "is about the day before (a session then still counts for it)."
            )
    elif args.uninstall:
        print(scheduler.uninstall().describe())
    else:
        installed = scheduler.show()
        print(installed.describe() if installed else "No daily reminder is installed.")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    companion = open_status_companion()
    if args.data_dir and companion.log_service.existing_store() is None:
        # A mistyped --data-dir: a reminder from an empty log would be wrong, and the folder
        # must not be made (as with the commands that only read the log).
        raise FacecoachError(
            f"there is no session log in {args.data_dir} (nothing was created there); "
            "is --data-dir right?"
        )
    today = companion.program_service.today()
    reminder = decide(companion.day_status(), today)
    print_problems(companion.problems)
    memory = ReminderMemory(data_dir())
    already = memory.reminded_on() == today
    notified = False
    if reminder.due and (args.again or not already):
        # Remembered only once it reached someone: a printed line or a delivered notification
        # (`--json --no-notify` only tells a script what would be said, and uses nothing up).
        if not args.json:
            print(f"{reminder.title}. {reminder.message}")
            notified = True
        if not args.no_notify:
            notified = (
                _notify(companion.cue_service.machine, reminder.title, reminder.message) or notified
            )
        if notified:
            memory.remember(today)
    if args.json:
        print(json.dumps({**reminder.as_json(), "reminded": notified, "already": already}))
    return EXIT_OK


def _notify(machine: "Machine", title: str, message: str) -> bool:
    """A desktop notification where there is a desktop; whether it was delivered."""
    if not desktop_facility(machine).available:
        return False  # no desktop here (cron, a server): the printed line is the reminder
    problem = asyncio.run(notify_desktop(title, message))
    if problem is not None:
        warn(f"{problem[:1].upper()}{problem[1:]}.")
    return problem is None
