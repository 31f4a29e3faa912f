"""`facecoach evidence`: what the studies behind microcurrent claims measured, with citations."""

import argparse
import shutil
import sys
import textwrap

from facecoach.cli.output import EXIT_OK
from facecoach.wording.evidence import EVIDENCE_TITLE, evidence_text


def add_evidence_command(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    evidence = commands.add_parser(
        "evidence",
        description="Says plainly what the studies most cited for microcurrent claims measured "
        "(on whom, for how long), what they do not show, and what is not known, with their "
        "citations. No claim of effect.",
    )
    evidence.set_defaults(handler=_evidence)


def _evidence(args: argparse.Namespace) -> int:
    # Wrapped to the terminal (at most 100 columns, easier to read); piped output to 80.
    width = min(shutil.get_terminal_size((80, 24)).columns, 100) if sys.stdout.isatty() else 80
    print(f"{EVIDENCE_TITLE}\n")
    for line in evidence_text().splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        hanging = indent + ("   " if line[len(indent) : len(indent) + 1].isdigit() else "  ")
        print(
            textwrap.fill(
                line,
                width,
                subsequent_indent=hanging if indent or line[:1].isdigit() else "",
                break_on_hyphens=False,
                break_long_words=False,
            )
            if line
            else ""
        )
    return EXIT_OK
