"""How a session felt, on the command line: `log ... --felt`, the question after `coach`, and
`facecoach comfort` (what is suggested; accept or decline it)."""

import argparse
import sys

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_OK, UNCLEAR_ANSWERS_ALLOWED, ask_yes_no, read_answer, say
from facecoach.companion.comfort import ComfortAdvice, advice, decide, felt_summary, record_feeling
from facecoach.companion.core import Companion
from facecoach.errors import FacecoachError
from facecoach.safety.comfort import Comfort, Feeling, SideEffect
from facecoach.wording.comfort import COMFORT_LABELS, EFFECTS_QUESTION, FELT_QUESTION, effect_label


def add_felt_arguments(parser: argparse.ArgumentParser) -> None:
    """`--felt`, `--side-effects` and `--felt-note`, for `log`."""
    parser.add_argument(
        "--felt",
        choices=[c.value for c in Comfort],
        help="how it felt (with --side-effects and --felt-note)",
    )
    parser.add_argument(
        "--side-effects",
        metavar="LIST",
        help="side effects noticed, e.g. tingling,headache: "
        + ", ".join(e.value for e in SideEffect),
    )
    parser.add_argument("--felt-note", metavar="TEXT", help="a note on how it felt")


def parse_side_effects(text: str) -> tuple[SideEffect, ...]:
    found: list[SideEffect] = []
    for word in text.replace(" ", ",").split(","):
        if not word:
            continue
        try:
            effect = SideEffect(word.strip().lower().replace("-", "_"))
        except ValueError:
            known = ", ".join(e.value for e in SideEffect)
            raise FacecoachError(
                f"{word!r} is not a side effect facecoach knows: {known}"
            ) from None
        if effect not in found:
            found.append(effect)
    return tuple(found)


def felt_from_arguments(args: argparse.Namespace) -> Feeling | None:
    """The feeling given with `log`, or None; side effects or a note need --felt."""
    if args.felt is None:
        if args.side_effects or args.felt_note:
            raise FacecoachError("--side-effects and --felt-note go with --felt (how it felt)")
        return None
    effects = parse_side_effects(args.side_effects or "")
    return Feeling(Comfort(args.felt), effects, args.felt_note or "")


def record_felt(companion: Companion, session_id: int, feeling: Feeling) -> None:
    """Keeps the feeling and says what follows from it (stop, or a suggestion to answer)."""
    tell(companion, record_feeling(companion, session_id, feeling))


def tell(companion: Companion, advice: ComfortAdvice) -> None:
    for line in advice.lines():
        say(line)
    if advice.suggestion is None:
        return
    if sys.stdin.isatty():
        say(decide(companion, advice.suggestion, ask_yes_no("Do that?")))
    else:
        say("`facecoach comfort accept` does it; `facecoach comfort decline` keeps things.")


def ask_felt(companion: Companion, session_id: int) -> None:
    """The question after a session in the plain coach: Enter, Ctrl-D or Ctrl-C skips it; an
    unclear answer is asked again, a few times at most."""
    comforts = list(Comfort)
    choices = ", ".join(f"{i} {COMFORT_LABELS[c]}" for i, c in enumerate(comforts, 1))
    number = _ask_number(f"{FELT_QUESTION} {choices} (Enter skips): ", len(comforts))
    if number is None:
        return
    effects = list(SideEffect)
    for index, effect in enumerate(effects, 1):
        sys.stderr.write(f"  {index:>2} {effect_label(effect)}\n")
    chosen = _ask_effects(effects)
    note = _ask("A note (Enter for none): ") or ""
    record_felt(companion, session_id, Feeling(comforts[number - 1], chosen, note[:500]))


def _ask_effects(effects: list[SideEffect]) -> tuple[SideEffect, ...]:
    """The side effects picked by their numbers. An answer with anything else in it (a word,
    a number off the list) is asked again: dropped in silence, 'burning' would be noted as
    nothing, and the next answer taken as the note."""
    for _ in range(UNCLEAR_ANSWERS_ALLOWED):
        words = (_ask(f"{EFFECTS_QUESTION}: ") or "").replace(" ", ",").split(",")
        numbers = [word for word in words if word]
        if all(word.isdigit() and 1 <= int(word) <= len(effects) for word in numbers):
            return tuple(dict.fromkeys(effects[int(word) - 1] for word in numbers))
        sys.stderr.write(
            f"Please answer with numbers from 1 to {len(effects)}, e.g. 1,4 (Enter for none).\n"
        )
    sys.stderr.write(
        f"No clear answer after {UNCLEAR_ANSWERS_ALLOWED} tries: no side effects are noted.\n"
    )
    return ()


def _ask_number(prompt: str, count: int) -> int | None:
    """A number from 1 to COUNT, or None: skipped (Enter, the end of input, Ctrl-C), or no clear
    answer after UNCLEAR_ANSWERS_ALLOWED tries (the safety questions' limit)."""
    numbers = ", ".join(str(n) for n in range(1, count)) + f" or {count}"
    for _ in range(UNCLEAR_ANSWERS_ALLOWED):
        answer = _ask(prompt)
        if not answer:
            return None
        if answer.isdigit() and 1 <= int(answer) <= count:
            return int(answer)
        sys.stderr.write(f"Please answer {numbers} (Enter skips).\n")
    sys.stderr.write(
        f"No clear answer after {UNCLEAR_ANSWERS_ALLOWED} tries: how it felt is not noted.\n"
    )
    return None


def _ask(prompt: str) -> str | None:
    """One answer, or None at the end of input or Ctrl-C: they skip (the session is logged
    already)."""
    try:
        answer = read_answer(prompt)
    except KeyboardInterrupt:
        return None
    return None if answer is None else answer.strip()


def add_comfort_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    comfort = commands.add_parser(
        "comfort",
        description="Shows how your last sessions felt, the level you are at, and what "
        "facecoach suggests; `comfort accept` or `comfort decline` answers the suggestion.",
    )
    comfort.set_defaults(handler=_comfort_show)
    actions = comfort.add_subparsers(title="comfort commands", metavar="ACTION")
    actions.add_parser("accept", help="do what is suggested").set_defaults(
        handler=lambda args: _comfort_decide(args, accepted=True)
    )
    actions.add_parser("decline", help="keep things as they are").set_defaults(
        handler=lambda args: _comfort_decide(args, accepted=False)
    )


def _comfort_show(args: argparse.Namespace) -> int:
    companion = open_companion(args)
    summary = felt_summary(companion)
    if not summary.noted:
        print("No session has a note on how it felt yet: `facecoach log ROUTINE --felt ...`.")
        return EXIT_OK
    print("\n".join(summary.lines()))
    now = advice(companion)
    for line in now.lines():
        say(line)
    if now.suggestion is not None:
        print("`facecoach comfort accept` does it; `facecoach comfort decline` keeps things.")
    return EXIT_OK


def _comfort_decide(args: argparse.Namespace, *, accepted: bool) -> int:
    companion = open_companion(args)
    now = advice(companion)
    if now.suggestion is None:
        raise FacecoachError("nothing is suggested now: `facecoach comfort` says how it stands")
    say(decide(companion, now.suggestion, accepted))
    return EXIT_OK
