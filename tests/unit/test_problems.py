"""One shape for problems: where and what, said as a line after its place or as a sentence."""

import pytest

from facecoach.problems import (
    Problem,
    file_report,
    problem_line,
    problem_sentence,
    problem_sentences,
)
from facecoach.routines.loader import RoutineFileError


def test_a_problem_is_a_value() -> None:
    problem = Problem("zones[0].glide_seconds", "must be at most 60 seconds")
    assert problem == Problem("zones[0].glide_seconds", "must be at most 60 seconds")
    assert len({problem, Problem("zones[0].glide_seconds", "must be at most 60 seconds")}) == 1
    with pytest.raises(AttributeError):
        problem.what = "changed"  # type: ignore[misc]


def test_a_line_names_the_place_then_what_is_wrong() -> None:
    assert problem_line(Problem("zones[0].glide_seconds", "must be at most 60 (got 61)")) == (
        "zones[0].glide_seconds: must be at most 60 (got 61)"
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
