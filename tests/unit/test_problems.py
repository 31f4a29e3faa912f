"""One shape for problems: where and what, said as a line after its place or as a sentence."""

import pytest

from facecoach.devices.protocol.profile import Command
from facecoach.devices.protocol.shared_opcodes import shared_opcode_problems
from facecoach.problems import (
    Problem,
    file_report,
    problem_clause,
    problem_line,
    problem_sentence,
    problem_sentences,
)
from facecoach.routines.loader import RoutineFileError


def test_a_problem_is_a_value() -> None:
    problem = Problem("zone 1, glide_seconds", "must be at most 60 seconds")
    assert problem == Problem("zone 1, glide_seconds", "must be at most 60 seconds")
    assert len({problem, Problem("zone 1, glide_seconds", "must be at most 60 seconds")}) == 1
    with pytest.raises(AttributeError):
        problem.what = "changed"  # type: ignore[misc]


def test_a_line_names_the_place_then_what_is_wrong() -> None:
    assert problem_line(Problem("zone 1 (neck), glide_seconds", "must be at most 60 (got 61)")) == (
        "zone 1 (neck), glide_seconds: must be at most 60 (got 61)"
    )
    assert problem_line(Problem("line 3", "not JSON (Expecting value)")) == (
        "line 3: not JSON (Expecting value)"
    )
    assert problem_line(Problem("", "file not found")) == "file not found"


def test_a_sentence_goes_on_from_the_label_and_ends_with_a_full_stop() -> None:
    assert problem_sentence(Problem("Glide length", "must be at most 60 seconds")) == (
        "Glide length must be at most 60 seconds."
    )
    assert problem_sentence(Problem("", "the routine must have at least 1 zone")) == (
        "The routine must have at least 1 zone."
    )


def test_a_rule_that_stands_alone_follows_its_label_after_a_colon() -> None:
    rule = Problem("The goal", "a goal of 7 per 5 days is not possible.", stands_alone=True)
    assert problem_sentence(rule) == "The goal: a goal of 7 per 5 days is not possible."
    assert problem_sentences([rule, Problem("Repeats per zone", "must be a whole number")]) == (
        "The goal: a goal of 7 per 5 days is not possible. Repeats per zone must be a whole number."
    )


def test_a_file_with_one_problem_says_it_on_one_line_and_with_more_lists_them() -> None:
    one = [Problem("glide_seconds", "must be at most 60 (got 61)")]
    assert problem_line(file_report("mine.toml", "routine", one)) == (
        "mine.toml: glide_seconds: must be at most 60 (got 61)"
    )
    two = [*one, Problem("", "id is required")]
    assert problem_line(file_report("mine.toml", "routine", two)) == (
        "mine.toml: not a valid routine:\n"
        "  - glide_seconds: must be at most 60 (got 61)\n"
        "  - id is required"
    )


def test_a_data_file_error_holds_its_problems_and_says_them() -> None:
    problems = [Problem("repeats", "must be a whole number"), Problem("", "id is required")]
    error = RoutineFileError("mine.toml", problems)
    assert error.problems == problems
    assert error.problem.where == "mine.toml"
    assert str(error) == (
        "mine.toml: not a valid routine:\n  - repeats: must be a whole number\n  - id is required"
    )


def test_every_pair_of_commands_on_one_opcode_that_cannot_be_told_apart_is_a_problem() -> None:
    def command(opcode: int, level: dict[str, object]) -> Command:
        return Command.model_validate(
            {"opcode": opcode, "purpose": "test", "args": [{"name": "level", **level}]}
        )

    commands = {
        "set_intensity": command(1, {"min": 1, "max": 10}),
        "stop": command(1, {"value": 3}),  # inside set_intensity's range
        "start": command(2, {"type": "u16", "value": 1}),
        "select_program": command(2, {"min": 1, "max": 5}),  # another payload layout
    }
    problems = shared_opcode_problems(commands)
    assert [problem.where for problem in problems] == [
        "set_intensity and stop",
        "start and select_program",
    ]
    assert problem_clause(problems[0]).startswith(
        "set_intensity and stop share opcode 0x01, but no argument tells them apart"
    )
    assert shared_opcode_problems({"set_intensity": commands["set_intensity"]}) == []
