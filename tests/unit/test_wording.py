"""Sentences built from parts keep the parts' own capitals; counts read naturally."""

from dataclasses import replace
from datetime import date, timedelta

from facecoach.adherence.goals import DEFAULT_PROGRAM
from facecoach.adherence.stats import compute_stats
from facecoach.wording.adherence import day_ranges_text, sentence, week_text


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
