"""`facecoach safety`: the screening answers and what they mean, answered on the terminal."""

import argparse
import sys

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK, ask_clearly
from facecoach.errors import FacecoachError


def add_safety_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    safety = commands.add_parser(
        "safety",
        help="the safety questions, your answers and the waiting period",
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


def _safety_show(args: argparse.Namespace) -> int:
    from facecoach.safety.screening import CONTRAINDICATIONS

    companion = open_companion(args)
    reading = companion.existing_store() is not None  # showing never creates a log
    screening = companion.screening() if reading else None
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
    waiting = companion.waiting() if reading else None
    if waiting is not None:
        print(waiting.describe())
    return EXIT_OK


def _safety_screen(args: argparse.Namespace) -> int:
    from facecoach.safety.screening import CONTRAINDICATIONS, contraindication

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
    result = companion.record_screening(answers)
    print(f"Saved. {result.summary()}")
    for item in result.flagged:
        print(f"  • {item.advice}")
    return EXIT_OK
