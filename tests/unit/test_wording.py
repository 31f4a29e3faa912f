"""Sentences built from parts keep the parts' own capitals; counts read naturally."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ValidationError

from facecoach.adherence.goals import DEFAULT_PROGRAM
from facecoach.adherence.stats import compute_stats
from facecoach.config.settings import Settings
from facecoach.problems import problem_line, problem_sentence
from facecoach.routines.model import Routine
from facecoach.validation_problems import field_problems, file_problems
from facecoach.wording.adherence import day_ranges_text, program_text, sentence, week_text
from tests.support.routines import make_routine


def test_a_sentence_capitalises_only_its_first_letter() -> None:
    assert sentence("next session due within 5 days (Fri 04 Dec)") == (
        "Next session due within 5 days (Fri 04 Dec)"
    )
    assert sentence("") == ""


def test_a_week_past_its_goal_reads_as_a_count_and_the_goal() -> None:
    stats = compute_stats(
        [],
        {},
        today=date(2026, 11, 29),
        program=DEFAULT_PROGRAM,
        program_start=None,
        day_start_hour=3,
        count_share=0.5,
    )
    assert week_text(replace(stats, week_sessions=2)) == "2 of 5 sessions"
    assert week_text(replace(stats, week_sessions=7)) == "7 sessions (goal 5)"


def test_days_are_said_as_runs() -> None:
    vacation = [date(2026, 12, 20) + timedelta(days=n) for n in range(14)]
    assert day_ranges_text([*vacation, date(2027, 2, 14)]) == (
        "2026-12-20 to 2027-01-02, 2027-02-14"
    )
    assert day_ranges_text([]) == ""


def _errors(model: type[BaseModel], data: dict[str, object]) -> list[Any]:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        return list(exc.errors(include_url=False))
    raise AssertionError("expected a validation error")


def _sentences(errors: list[Any], model: type[BaseModel] = Settings) -> list[str]:
    return [problem_sentence(problem) for problem in field_problems(errors, model)]


def test_a_settings_problem_is_said_with_the_fields_label_and_unit() -> None:
    errors = _errors(Settings, {"glide_seconds": "100"})
    assert _sentences(errors) == ["Glide length must be at most 60 seconds."]
    errors = _errors(Settings, {"day_start_hour": 24, "injection_wait_days": "x"})
    assert _sentences(errors) == [
        "The hour a new day starts must be at most 23:00.",
        "The wait after Botox/fillers must be a whole number.",
    ]


def test_a_limit_broken_in_every_zone_is_one_reason() -> None:
    routine = make_routine()
    data = routine.model_dump()
    data["glide_seconds"] = 0
    for zone in data["zones"]:
        zone["glide_seconds"] = 0
    assert _sentences(_errors(Routine, data), Routine) == [
        "Glide length must be more than 0 seconds."
    ]


def test_a_bad_zone_in_a_file_is_its_only_problem() -> None:
    data = make_routine().model_dump()
    data["zones"] = [{"zone": "ears"}]
    lines = [problem_line(problem) for problem in file_problems(_errors(Routine, data), data)]
    assert len(lines) == 1
    assert lines[0].startswith("zone 1 (ears), zone: must be one of")
    assert "got 'ears'" in lines[0]


def test_a_program_set_to_start_later_says_when() -> None:
    stats = compute_stats(
        [],
        {},
        today=date(2026, 11, 29),
        program=DEFAULT_PROGRAM,
        program_start=date(2027, 1, 1),
        day_start_hour=3,
        count_share=0.5,
    )
    assert program_text(stats) == "starts on Fri 01 Jan 2027"
    assert program_text(replace(stats, program_start=None)) == "starts with your first session"
