"""One shape for what is wrong with something the user wrote, and the two ways it is said.

A `Problem` is where (a field's path in a file, a line, a file, a field's label on a form) and
what is wrong there. Every check that finds problems in user input returns a list of them (a
file's fields, a form's, a routine draft, the keymap, the routine and profile folders, a
profile's shared opcodes); the front ends and error messages say them in one of two ways,
`problem_line` or `problem_sentence` (`problem_clause` inside a longer message), so their
punctuation is decided here and nowhere else.

It lives at the top of the package, beside `validation_problems`, rather than in `wording/`:
the readers of user files (config, routines, devices) sit below `wording` in the layers, and a
file's error message is composed when it is raised.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: 'zone 1 (neck), glide_seconds' / 'must be at most 60'."""

    where: str
    """What it is about: a field's path in a file, 'line 3', a file, or a field's label on a
    form ('Glide length'); empty when it is about the whole."""
    what: str
    """What is wrong there, in the user's words: 'must be at most 60 seconds' (a sentence's
    full stop is `problem_sentence`'s to add), or, at a zone of the editor, a whole sentence."""
    stands_alone: bool = False
    """`what` is a clause of its own (a rule's: 'a goal of 7 per 5 days is not possible'), so a
    sentence says it after the label and a colon, not as words that go on from the label."""


def problem_line(problem: Problem) -> str:
    """The problem after its place and a colon, as a file's field, a trace's line or the
    editor's zone is said: 'zone 1 (neck), glide_seconds: must be at most 60'."""
    return f"{problem.where}: {problem.what}" if problem.where else problem.what


def problem_clause(problem: Problem) -> str:
    """The problem's sentence without its capital and full stop, for a message it is part of:
    'stop and set_intensity share opcode 0x01, ...'."""
    if not problem.where:
        return problem.what
    if problem.stands_alone:
        return f"{problem.where}: {problem.what.rstrip('.')}"
    return f"{problem.where} {problem.what}"


def problem_sentence(problem: Problem) -> str:
    """The problem as a sentence, as a form or an option says it, from the field's label:
    'Glide length must be at most 60 seconds.'."""
    clause = problem_clause(problem)
    return clause[:1].upper() + clause[1:] + "."


def problem_sentences(problems: list[Problem]) -> str:
    """Every problem of a form, as one message."""
    return " ".join(problem_sentence(problem) for problem in problems)


def file_report(source: str, kind: str, problems: list[Problem]) -> Problem:
    """What is wrong with one file, as one problem about it: its only problem, or the list
    ('not a valid routine:' then a line per problem)."""
    if len(problems) == 1:
        only = problems[0]
        # A line of the file's text ('line 2', as TOML errors and traces place a problem) is
        # the file's: 'mine.toml, line 2: ...'.
        if only.where.startswith("line ") and only.where[5:].isdigit():
            return Problem(f"{source}, {only.where}", only.what)
        return Problem(source, problem_line(only))
    lines = "\n".join(f"  - {problem_line(problem)}" for problem in problems)
    return Problem(source, f"not a valid {kind}:\n{lines}")
