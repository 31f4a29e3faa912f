"""Safety rules without the UI: what screening answers mean, and when the waiting period ends."""

from datetime import date, timedelta

from facecoach.routines.rotation import next_in_rotation
from facecoach.safety.screening import CONTRAINDICATIONS, ScreeningResult, Verdict
from facecoach.safety.waiting import Injection, InjectionKind, waiting_period

TODAY = date(2026, 3, 10)


def injection(days_ago: int, kind: InjectionKind = InjectionKind.BOTOX) -> Injection:
    return Injection(days_ago, kind, TODAY - timedelta(days=days_ago))


def test_any_do_not_use_answer_outweighs_ask_your_doctor() -> None:
    assert ScreeningResult({}).verdict is Verdict.CLEAR
    assert ScreeningResult({"heart": True}).verdict is Verdict.ASK_DOCTOR
    assert ScreeningResult({"heart": True, "pregnancy": True}).verdict is Verdict.DO_NOT_USE
    assert ScreeningResult({"unknown_old_question": True}).verdict is Verdict.CLEAR


def test_every_question_has_advice_and_a_unique_id() -> None:
    ids = [c.id for c in CONTRAINDICATIONS]
    assert len(ids) == len(set(ids)) == 8
    assert all(c.advice and c.question.endswith("?") for c in CONTRAINDICATIONS)


def test_waiting_period_counts_the_injection_day_as_day_one() -> None:
    assert waiting_period([injection(0)], TODAY, 10).days_left == 10  # type: ignore[union-attr]
    assert waiting_period([injection(9)], TODAY, 10).days_left == 1  # type: ignore[union-attr]
    assert waiting_period([injection(10)], TODAY, 10) is None


def test_the_latest_ending_waiting_period_wins_and_zero_days_disables_it() -> None:
    period = waiting_period([injection(8), injection(2, InjectionKind.FILLER)], TODAY, 10)
    assert period is not None
    assert period.injection.kind is InjectionKind.FILLER
    assert period.last_day == TODAY + timedelta(days=7)
    assert waiting_period([injection(0)], TODAY, 0) is None


def test_a_future_injection_does_not_block_sessions_before_it() -> None:
    assert waiting_period([injection(-3)], TODAY, 10) is None


def test_rotation_moves_to_the_routine_after_the_last_one_used() -> None:
    ids = ["lift-5", "full-face-15", "express"]
    assert next_in_rotation(ids, []) == "lift-5"
    assert next_in_rotation(ids, ["lift-5"]) == "full-face-15"
    assert next_in_rotation(ids, ["express", "lift-5"]) == "lift-5"
    assert next_in_rotation(ids, ["deleted", "full-face-15"]) == "express"
    assert next_in_rotation([], ["lift-5"]) is None
