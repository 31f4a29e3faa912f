"""`facecoach safety`: the screening answers and what they mean, answered on the terminal."""

import argparse
import sys
from datetime import date

from facecoach.adherence.records import MAX_NOTE_CHARS
from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK, ask_clearly
from facecoach.errors import FacecoachError
from facecoach.safety.screening import CONTRAINDICATIONS, contraindication
from facecoach.safety.waiting import InjectionKind
from facecoach.wording import injections as said
from facecoach.wording.text import plain

# The kinds of `safety.waiting.InjectionKind` (its values), and what else `injection` does.
KINDS = ("botox", "filler")
LIST = "list"
REMOVE = "remove"


def add_safety_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    safety = commands.add_parser(
        "safety",
        description="Shows your latest answers to the safety questions and any waiting period "
        "after Botox or fillers. `facecoach safety screen` asks the questions.",
    )
    safety.set_defaults(handler=_safety_show)
    actions = safety.add_subparsers(title="safety commands", metavar="ACTION")
    screen = actions.add_parser(
        "screen",
        help="answer the safety questions (on a terminal, or with --none / --yes)",
        description="Asks each safety question on the terminal. Without a terminal, give the "
        "answers: --none (no to every question) or --yes ID,ID (yes to those, no to the rest).",
    )
    answers = screen.add_mutually_exclusive_group()
    answers.add_argument("--none", action="store_true", help="answer no to every question")
    answers.add_argument(
        "--yes", metavar="ID,ID", help="answer yes to these questions (ids: see `facecoach safety`)"
    )
    screen.set_defaults(handler=_safety_screen)
    injection = actions.add_parser(
        "injection",
        help="log a Botox or filler treatment (or list or remove one)",
        description="Logs a Botox or filler treatment, after which sessions are advised "
        "against for a while (`injection_wait_days` in settings.toml). `injection list` lists "
        "them with their ids; `injection remove ID` removes one, and its waiting period.",
    )
    injection.add_argument(
        "what", choices=[*KINDS, LIST, REMOVE], metavar="KIND", help="botox, filler, list or remove"
    )
    injection.add_argument("id", metavar="ID", nargs="?", type=int, help="for remove: its id")
    injection.add_argument(
        "--date", metavar="YYYY-MM-DD", default="today", help="the day of it (default: today)"
    )
    injection.add_argument("--note", default="", help="a note to keep with it")
    injection.set_defaults(handler=_safety_injection)


def _safety_show(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    reading = companion.log_service.existing_store() is not None  # showing never creates a log
    screening = companion.safety_service.screening() if reading else None
    if screening is None:
        print("The safety questions are not answered yet: `facecoach safety screen`.")
        for item in CONTRAINDICATIONS:
            print(f"  {item.id}: {item.question}")
    else:
        answered = screening.answered.astimezone().strftime("%Y-%m-%d")
        print(f"Answered on {answered}: {screening.result.summary()}")
        for item in CONTRAINDICATIONS:
            answer = "yes" if screening.result.answers.get(item.id) else "no"
            print(f"  {answer:<3}  {item.id}: {item.question}")
        for item in screening.result.flagged:
            print(f"  • {item.advice}")
    waiting = companion.safety_service.waiting() if reading else None
    if waiting is not None:
        print(waiting.describe())
    return EXIT_OK


def _safety_screen(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    if args.none or args.yes:
        yes = {name.strip() for name in (args.yes or "").split(",") if name.strip()}
        for name in yes:
            contraindication(name)  # an unknown id is an error that lists the known ones
        answers = {item.id: item.id in yes for item in CONTRAINDICATIONS}
    elif sys.stdin.isatty():
        # Every question answered before anything is saved: Ctrl-C or the end of input part
        # way through leaves the earlier answers as they were.
        try:
            answers = {item.id: ask_clearly(item.question) for item in CONTRAINDICATIONS}
        except KeyboardInterrupt:
            raise FacecoachError("interrupted; none of these answers was saved") from None
    else:
        raise FacecoachError(
            "no terminal to ask the questions on: give the answers with --none or --yes ID,ID"
        )
    result = companion.safety_service.record_screening(answers)
    print(f"Saved. {result.summary()}")
    for item in result.flagged:
        print(f"  • {item.advice}")
    return EXIT_OK


def _safety_injection(args: argparse.Namespace) -> int:
    """The command line's way to what the app's Safety `i` does: same rules, same words."""
    companion = open_companion(args)
    if args.what == LIST:
        found = (
            companion.safety_service.injections()
            if companion.log_service.existing_store() is not None
            else []
        )
        if not found:
            print("No Botox or filler treatment is logged.")
        for injection in found:
            note = f"  {plain(injection.note)}" if injection.note else ""
            print(f"{injection.id:>4}  {injection.day:%a %d %b %Y}  {injection.kind.label}{note}")
        return EXIT_OK
    if args.what == REMOVE:
        if args.id is None:
            raise FacecoachError("say which: `facecoach safety injection remove ID` (ids: list)")
        logged = companion.log_service.existing_store() is not None  # removing never creates a log
        known = {i.id: i for i in companion.safety_service.injections()} if logged else {}
        if args.id not in known or not companion.safety_service.remove_injection(args.id):
            raise FacecoachError(
                f"no treatment with id {args.id} (`facecoach safety injection list`)"
            )
        gone = known[args.id]
        print(said.removed(gone.kind.label, f"{gone.day:%a %d %b %Y}"))
        return EXIT_OK
    if args.id is not None:
        raise FacecoachError(f"an id is for remove, not for logging {args.what}")
    text = args.date.strip()
    if text == "today":
        day = companion.program_service.today()
    else:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise FacecoachError(said.not_a_date(text)) from None
    if len(args.note) > MAX_NOTE_CHARS:
        raise FacecoachError(f"--note can be at most {MAX_NOTE_CHARS} characters")
    if (
        day > companion.program_service.today()
    ):  # as the app's dialog: a treatment is logged once done
        raise FacecoachError(said.IN_THE_FUTURE)
    injection = companion.safety_service.add_injection(InjectionKind(args.what), day, args.note)
    print(said.logged(injection.kind.label, f"{injection.day:%a %d %b %Y}"))
    waiting = companion.safety_service.waiting()
    if waiting is not None:
        print(waiting.describe())
    return EXIT_OK
