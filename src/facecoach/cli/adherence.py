"""Commands over the session log: stats, history, log, skip, export, import, program."""

import argparse
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from facecoach.adherence.days import counting_day, local_offset_minutes
from facecoach.adherence.goals import Goal
from facecoach.adherence.records import MAX_NOTE_CHARS, MAX_TEXT_CHARS, PLAN_AHEAD, check_day
from facecoach.adherence.session_log import SessionLog, SessionRecord, ZonePlan
from facecoach.adherence.stats import AdherenceStats
from facecoach.adherence.transfer import (
    MAX_EXPORT_BYTES,
    empty_export,
    export_data,
    import_data,
    parse_export,
    read_export,
    to_csv,
    to_json,
)
from facecoach.cli.comfort import add_felt_arguments, felt_from_arguments, record_felt
from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK, ask_yes_no, print_table, say
from facecoach.cli.output_file import check_output_file
from facecoach.companion.comfort import felt_summary
from facecoach.companion.core import Companion
from facecoach.companion.day_status import DayStatus
from facecoach.companion.photos import (
    bring_back,
    is_archive,
    photo_library,
    photos_folder,
    read_export_archive,
    write_archive,
)
from facecoach.config.paths import settings_path
from facecoach.config.settings import Settings, program_phases
from facecoach.errors import FacecoachError
from facecoach.photos.library import PhotoLibrary
from facecoach.routines.zones import Zone
from facecoach.session.timeline import plan_timeline
from facecoach.wording.adherence import (
    clipped,
    day_ranges_text,
    plural,
    program_text,
    sessions_total_text,
    status_word,
    streak_text,
    today_text,
    week_text,
    zones_done_text,
)
from facecoach.wording.log_changes import NOTHING_TO_RESTORE, changed, deleted, restored
from facecoach.wording.session import format_duration, session_time_text
from facecoach.wording.text import plain


def add_adherence_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    stats = commands.add_parser("stats")
    stats.add_argument("--json", action="store_true", help="machine-readable output")
    stats.set_defaults(handler=_stats)

    history = commands.add_parser("history")
    history.add_argument(
        "--limit", type=_positive, default=20, metavar="N", help="how many (default 20)"
    )
    history.set_defaults(handler=_history)

    log = commands.add_parser(
        "log",
        description="Record a session done without the app. Correct the log with "
        "`log edit ID`, `log delete ID`, `log undo` (restores the last deleted session) and "
        "`log purge` (removes deleted sessions for good); IDs are in `facecoach history`.",
    )
    log.add_argument("routine", metavar="ROUTINE", help="routine id (or .toml file) you followed")
    log.add_argument(
        "--date", type=_parse_date, help="day of the session, YYYY-MM-DD (default today)"
    )
    log.add_argument(
        "--time", type=_parse_time, help="local start time, HH:MM (default now, or 12:00)"
    )
    log.add_argument(
        "--minutes", type=float, help="how long it took (default: the routine's length)"
    )
    log.add_argument("--note", type=_kept_text, help="a note to keep with the session")
    log.add_argument(
        "--force", action="store_true", help="log it even if this routine is logged that day"
    )
    add_felt_arguments(log)
    log.set_defaults(handler=_log)

    # `facecoach log edit ID` and friends: main() passes "log edit" on as "log-edit". Added
    # without `help`, argparse leaves them out of the command list (with help=SUPPRESS,
    # Python 3.11 lists them as "==SUPPRESS==").
    edit = commands.add_parser("log-edit", prog="facecoach log edit")
    edit.add_argument("id", metavar="ID", help="the session's id, from `facecoach history`")
    edit.add_argument("--date", type=_parse_date, help="the day it was done, YYYY-MM-DD")
    edit.add_argument("--time", type=_parse_time, help="the local start time, HH:MM")
    edit.add_argument("--minutes", type=float, help="how long it took")
    edit.add_argument("--note", type=_kept_text, help="the note ('' removes it)")
    edit.set_defaults(handler=_log_edit)
    delete = commands.add_parser("log-delete", prog="facecoach log delete")
    delete.add_argument("id", metavar="ID", help="the session's id, from `facecoach history`")
    delete.set_defaults(handler=_log_delete)
    undo = commands.add_parser("log-undo", prog="facecoach log undo")
    undo.set_defaults(handler=_log_undo)
    purge = commands.add_parser("log-purge", prog="facecoach log purge")
    purge.add_argument("--yes", action="store_true", help="do not ask first")
    purge.set_defaults(handler=_log_purge)

    skip = commands.add_parser("skip")
    skip.add_argument("first", metavar="FROM", type=_parse_date, help="first day, YYYY-MM-DD")
    skip.add_argument(
        "last", metavar="TO", type=_parse_date, nargs="?", help="last day (default FROM)"
    )
    skip.add_argument(
        "--reason",
        default="",
        type=_kept_text,
        help="why (shown in history); needed unless --remove is given",
    )
    skip.add_argument("--remove", action="store_true", help="remove these skip days instead")
    skip.set_defaults(handler=_skip)

    export = commands.add_parser("export")
    export.add_argument(
        "--format",
        choices=["csv", "json", "zip"],
        default="json",
        help="json keeps everything and can be imported back; csv is for spreadsheets; zip is "
        "the json and the progress photos in one archive, for --output (default: json)",
    )
    export.add_argument(
        "--output", "-o", type=Path, help="file to write (default: standard output)"
    )
    export.add_argument("--force", action="store_true", help="replace the output file if it exists")
    export.set_defaults(handler=_export)

    importer = commands.add_parser("import")
    importer.add_argument(
        "file", metavar="FILE", type=Path, help="a file made by `facecoach export` (JSON or CSV)"
    )
    importer.set_defaults(handler=_import)

    program = commands.add_parser("program")
    program.add_argument("--goal", metavar="N/D", help="one goal for good, e.g. 3/7")
    program.add_argument("--intro", metavar="N/D", help="intro phase goal (default 5/7)")
    program.add_argument("--intro-days", type=int, metavar="DAYS", help="intro length (default 60)")
    program.add_argument("--maintenance", metavar="N/D", help="maintenance goal (default 3/7)")
    program.add_argument(
        "--start",
        type=_parse_start,
        metavar="DATE",
        help="program start day (YYYY-MM-DD or today), or 'none': from your first session",
    )
    program.add_argument(
        "--day-start-hour", type=int, metavar="H", help="hour a new day starts (0-23)"
    )
    program.set_defaults(handler=_program)


TODAY = "today"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value <= 1_000_000:
        raise argparse.ArgumentTypeError(f"must be from 1 to 1000000 (got {value})")
    return value


def _kept_text(text: str) -> str:
    """Text kept in the log (a note, a reason): the log holds UTF-8, and bytes that are not
    (a Latin-1 terminal, `$(printf 'a\\xff')`) reach Python as lone surrogates."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise argparse.ArgumentTypeError(
            "is not UTF-8 text (is the terminal set to another encoding?); nothing was written"
        ) from None
    return text


def _parse_date(text: str) -> "date | str":
    """A date, or "today", which only the core can resolve: the day starts at its own hour."""
    if text == TODAY:
        return TODAY
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


NO_START = "none"


def _parse_start(text: str) -> "date | str":
    """A program's start: a date, "today", or "none" (it starts with the first session)."""
    return NO_START if text.strip().lower() == NO_START else _parse_date(text)


def _parse_time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a time: {text!r} (use HH:MM)") from None


def _stats(args: argparse.Namespace) -> int:
    companion = _reading(args)
    stats = companion.log_service.stats_so_far()
    day = companion.day_status()  # today's one state: the waiting period overrules the goal
    felt = felt_summary(companion)
    if args.json:
        print(
            json.dumps(
                {**stats.to_json(), "today_state": day.state, "felt": felt.to_json()}, indent=2
            )
        )
        return EXIT_OK
    print("\n".join([*stats_lines(stats, day), *felt.lines()]))
    return EXIT_OK


def stats_lines(stats: "AdherenceStats", day: "DayStatus") -> list[str]:
    when = stats.today.strftime("%a %d %b")
    lines = [f"Today ({when}): {today_text(day.state, day.waiting_until)}"]
    lines.append(f"Program: {program_text(stats)}; goal {stats.goal.describe()}")
    lines.append(f"Streak: {streak_text(stats)}")
    lines.append(f"Habit strength: {stats.strength:.0%}")
    lines.append(f"This week: {week_text(stats)}, {session_time_text(stats.week_minutes * 60)}")
    lines.append(
        f"All time: {sessions_total_text(stats)}, {session_time_text(stats.total_minutes * 60)}"
    )
    done_zones = {zone: count for zone, count in stats.zone_glides.items() if count}
    if done_zones:
        known = {zone.value: zone.label.lower() for zone in Zone}

        def label(zone: str) -> str:  # a zone from an old import may not be one we know
            return known.get(zone, zone)

        zones = ", ".join(f"{label(zone)} {count}" for zone, count in sorted(done_zones.items()))
        lines.append(f"Glides by zone: {zones}")
    return lines


def _history(args: argparse.Namespace) -> int:
    store = _reading(args).log_service.existing_store()
    sessions = store.sessions(limit=args.limit) if store is not None else []
    skip_days = store.skip_days() if store is not None else {}
    if not sessions:
        print("No sessions yet. Start one with `facecoach coach lift-5`.")
        return EXIT_OK
    rows = []
    for s in sessions:
        note = (s.note or "").replace("\n", " ")
        rows.append(
            (
                s.short_id,
                s.started_local.strftime("%Y-%m-%d %H:%M"),
                s.routine_name,
                status_word(s.status),
                format_duration(s.active_seconds),
                zones_done_text(s),
                clipped(note, 30),
            )
        )
    print_table(("ID", "STARTED", "ROUTINE", "STATUS", "TIME", "ZONES", "NOTE"), rows, sys.stdout)
    recent_skips = [d for d in skip_days if d >= sessions[-1].started_utc.date()]
    if recent_skips:
        print(f"Skip days: {day_ranges_text(recent_skips)}")
    return EXIT_OK


def _log(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    # The routine as it would have run, with the user's preferences: its zones and length.
    routine = companion.program_service.routine_choice(args.routine).routine
    timeline = plan_timeline(routine)
    calendar_today = date.today()
    day = calendar_today if args.date in (None, TODAY) else args.date
    check_day(day, calendar_today, "--date")
    if args.time is not None:
        at = args.time
    elif day == calendar_today:
        at = datetime.now().time()
    else:
        at = time(12, 0)
    local = datetime.combine(day, at).astimezone()  # the machine's zone, DST-aware for that date
    if local > datetime.now().astimezone() + timedelta(minutes=1):
        raise FacecoachError("cannot log a session in the future")
    if args.note is not None and len(args.note) > MAX_NOTE_CHARS:
        raise FacecoachError(f"--note can be at most {MAX_NOTE_CHARS} characters")
    minutes = args.minutes if args.minutes is not None else timeline.total_seconds / 60
    if not 0 < minutes <= 180:
        raise FacecoachError("--minutes must be more than 0 and at most 180")
    zones = [
        ZonePlan(index, entry.zone.value, len(timeline.zone_glides(index)))
        for index, entry in enumerate(routine.zones)
    ]
    offset = local.utcoffset()
    store = companion.log_service.require_store()
    same = _logged_that_day(companion, routine.id, local)
    if same is not None and not args.force:
        question = (
            f"{routine.name} is already logged for that day ({same.short_id}, "
            f"{same.started_local:%H:%M})."
        )
        if not (sys.stdin.isatty() and ask_yes_no(f"{plain(question)} Log another?")):
            raise FacecoachError(f"{question} Nothing logged; --force logs another.")
    felt = felt_from_arguments(args)  # checked before anything is logged
    session_id = store.log_manual_session(
        routine_id=routine.id,
        routine_name=routine.name,
        started=local,
        utc_offset_minutes=int(offset.total_seconds() // 60) if offset else 0,
        seconds=minutes * 60,
        zones=zones,
        note=args.note,
    )
    say(f"Logged {routine.name} on {local:%a %d %b %Y at %H:%M}, {format_duration(minutes * 60)}.")
    if felt is not None:
        record_felt(companion, session_id, felt)
    return EXIT_OK


def _logged_that_day(
    companion: "Companion", routine_id: str, moment: datetime
) -> "SessionRecord | None":
    """A session of this routine on the counting day of `moment`, if the log has one."""
    hour = companion.program_service.settings.day_start_hour
    day = counting_day(moment, local_offset_minutes(moment), hour)
    store = companion.log_service.require_store()
    return next(
        (
            s
            for s in store.sessions(with_zones=False)
            if s.routine_id == routine_id
            and counting_day(s.started_utc, s.utc_offset_minutes, hour) == day
        ),
        None,
    )


def _log_edit(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    record = companion.log_service.find(args.id)
    if all(value is None for value in (args.date, args.time, args.minutes, args.note)):
        raise FacecoachError(
            f"nothing to change in {record.short_id}: give --date, --time, --minutes or --note "
            "(`facecoach log edit --help` shows them)"
        )
    started = None
    if args.date is not None or args.time is not None:
        local = record.started_local
        calendar_today = date.today()
        day = (
            local.date()
            if args.date is None
            else (calendar_today if args.date == TODAY else args.date)
        )
        check_day(day, calendar_today, "--date")
        moment = datetime.combine(day, args.time or local.time().replace(tzinfo=None))
        started = moment.astimezone()  # the machine's zone, DST-aware for that date
    if args.minutes is not None and not 0 < args.minutes <= 180:
        raise FacecoachError("--minutes must be more than 0 and at most 180")
    if args.note is not None and len(args.note) > MAX_NOTE_CHARS:
        raise FacecoachError(f"--note can be at most {MAX_NOTE_CHARS} characters")
    edited = companion.log_service.edit(
        record.id,
        started=started,
        active_seconds=args.minutes * 60 if args.minutes is not None else None,
        note=args.note,
    )
    say(changed(edited))
    return EXIT_OK


def _log_delete(args: argparse.Namespace) -> int:
    log = open_companion(args).log_service
    record = log.find(args.id)
    log.delete(record.id)
    say(deleted(record, "`facecoach log undo` brings it back."))
    return EXIT_OK


def _log_undo(args: argparse.Namespace) -> int:
    session = open_companion(args).log_service.undo_delete()
    say(NOTHING_TO_RESTORE if session is None else restored(session))
    return EXIT_OK


def _log_purge(args: argparse.Namespace) -> int:
    log = open_companion(args).log_service
    if not args.yes and not (
        sys.stdin.isatty()
        and ask_yes_no("Remove deleted sessions for good? This cannot be undone.")
    ):
        raise FacecoachError("nothing purged; --yes purges without asking")
    say(f"Purged {plural(log.purge_deleted(), 'deleted session')}.")
    return EXIT_OK


def _skip(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    first = _planned_day(args.first, companion, "FROM")
    last = _planned_day(args.last, companion, "TO") if args.last else first
    store = companion.log_service.require_store()
    if args.remove:
        count = store.remove_skip_days(first, last)
        print(f"Removed {plural(count, 'skip day')}.")
        return EXIT_OK
    if not args.reason.strip():
        raise FacecoachError("say why with --reason (for example --reason vacation)")
    if len(args.reason.strip()) > MAX_TEXT_CHARS:
        raise FacecoachError(f"--reason can be at most {MAX_TEXT_CHARS} characters")
    count = store.add_skip_days(first, last, args.reason.strip())
    span = f"{first}" if last == first else f"{first} to {last}"
    say(f"Marked {plural(count, 'skip day')} ({span}): {args.reason.strip()}.")
    return EXIT_OK


def _reading(args: argparse.Namespace) -> "Companion":
    """The core for a command that only reads the log: a folder named with --data-dir that
    holds no log is a mistake to report, not an empty history to show (nor a log to create)."""
    companion = open_companion(args)
    if args.data_dir and companion.log_service.existing_store() is None:
        raise FacecoachError(
            f"there is no session log in {args.data_dir} (nothing was created there); "
            "is --data-dir right?"
        )
    return companion


def _planned_day(value: "date | str", companion: "Companion", what: str) -> date:
    """A day that may lie ahead (skip days, a program's start); "today" is the counting day,
    which starts at the user's day-start hour (at 01:00 it is still yesterday)."""
    today = companion.program_service.today()
    day = today if value == TODAY else value
    assert isinstance(day, date)
    return check_day(day, today, what, ahead=PLAN_AHEAD)


def _export(args: argparse.Namespace) -> int:
    store = _reading(args).log_service.existing_store()
    export = (
        export_data(store, with_glides=args.format != "csv")
        if store is not None
        else empty_export()
    )
    if args.output is not None:
        check_output_file(args.output, force=args.force)
    if args.format == "zip":
        return _export_archive(args, store, to_json(export), len(export.sessions))
    text = to_json(export) if args.format == "json" else to_csv(export)
    if args.output is None:
        # Into a pipe or a file every byte goes as it is; onto a terminal, control characters
        # from a hostile note or name must not be run by the terminal.
        # (A CSV row ends in CRLF: on a terminal that is a line break, not a control.)
        shown = plain(text.replace("\r\n", "\n")) if sys.stdout.isatty() else text
        sys.stdout.write(shown)
        return EXIT_OK
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise FacecoachError(f"cannot write {args.output}: {exc.strerror}") from None
    skips = f" and {plural(len(export.skip_days), 'skip day')}" if export.skip_days else ""
    what = f"{plural(len(export.sessions), 'session')}{skips}"
    print(f"Exported {what} to {args.output}.", file=sys.stderr)
    return EXIT_OK


def _export_archive(
    args: argparse.Namespace, store: "SessionLog | None", exported: str, sessions: int
) -> int:
    if args.output is None:
        raise FacecoachError("a zip export goes to a file: give --output FILE.zip")
    library = PhotoLibrary(store.database, photos_folder(store.path)) if store else None
    photos = write_archive(args.output, library, exported)
    what = f"{plural(sessions, 'session')} and {plural(photos, 'photo')}"
    print(f"Exported {what} to {args.output}.", file=sys.stderr)
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    checked = None
    if is_archive(args.file):  # the log and its photos, all checked before anything is added
        text, checked = read_export_archive(args.file, MAX_EXPORT_BYTES)
        export = parse_export(text, str(args.file))
    else:
        export = read_export(args.file)
    companion = open_companion(args)
    added, present = import_data(companion.log_service.require_store(), export)
    already = f"{present} {'was' if present == 1 else 'were'} already in the log"
    print(f"Imported {plural(added, 'new session')}; {already}.")
    if checked is not None and checked.photos:
        new, kept = bring_back(photo_library(companion), checked)
        there = f"{kept} {'was' if kept == 1 else 'were'} already there"
        print(f"Imported {plural(new, 'new photo')}; {there}.")
    return EXIT_OK


def _program(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    settings = companion.program_service.settings
    for flag in (args.goal, args.intro, args.maintenance):
        if flag:
            Goal.parse(flag)  # says what is wrong with the flag itself, not with phases[0]
    changes: dict[str, Any] = {}
    if args.goal:
        changes["phases"] = program_phases(args.goal)
    elif args.intro or args.intro_days or args.maintenance:
        # Keep what the user has for the parts not given; a one-phase program starts from the
        # default intro and maintenance.
        intro, maintenance = (
            (settings.phases[0], settings.phases[-1])
            if len(settings.phases) > 1
            else (Settings().phases[0], Settings().phases[-1])
        )
        changes["phases"] = program_phases(
            args.maintenance or maintenance.goal,
            args.intro or intro.goal,
            args.intro_days or intro.days,
        )
    if args.start == NO_START:
        changes["program_start"] = None
    elif args.start:
        changes["program_start"] = _planned_day(args.start, companion, "--start")
    if args.day_start_hour is not None:
        changes["day_start_hour"] = args.day_start_hour
    if changes:
        settings = companion.program_service.update_settings(**changes)
        print(f"Saved to {settings_path(companion.config_dir)}.")
        if args.data_dir:
            # One settings file for every log: a scratch --data-dir changes the real one's too.
            print(
                f"The program is a setting, not part of the log: it applies to every session "
                f"log, not only the one in {args.data_dir}."
            )
    for phase in settings.phases:
        # The last phase has no end: "from then on" after another, "with no end" when alone.
        ongoing = "from then on" if len(settings.phases) > 1 else "with no end"
        length = f"{phase.days} days" if phase.days else ongoing
        say(f"{phase.name}: {Goal.parse(phase.goal).describe()}, {length}")
    start = settings.program_start.isoformat() if settings.program_start else "your first session"
    print(f"Program starts: {start}; a new day starts at {settings.day_start_hour:02d}:00")
    return EXIT_OK
