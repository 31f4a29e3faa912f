"""The strength chart keeps one scale: 0% empty, 100% full, missing weeks blank, no stretching."""

from datetime import date

from facecoach.tui.widgets.heatmap import CalendarHeatmap
from facecoach.tui.widgets.strength import strength_bars


def test_zero_is_empty_and_full_is_a_full_block() -> None:
    assert strength_bars([0.0, 0.0], 2) == "  "
    assert strength_bars([1.0], 1) == "█"
    assert strength_bars([0.01, 0.5], 2) == "▁▄"


def test_nine_weeks_stay_nine_columns_on_the_right() -> None:
    bars = strength_bars([0.5] * 9, 52)
    assert len(bars) == 52
    assert bars[:43] == " " * 43
    assert bars[43:] == "▄" * 9


def test_every_month_of_the_year_is_named_at_one_column_a_week() -> None:
    heatmap = CalendarHeatmap()
    first_monday = date(2025, 11, 24)  # the first week ends in November: December follows at once
    row = heatmap._month_row(first_monday, 53, 1)
    for month in ("Dec", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct"):
        assert month in row, row


def test_a_long_enough_first_month_keeps_its_name() -> None:
    row = CalendarHeatmap()._month_row(date(2026, 1, 5), 53, 1)
    assert row.split()[:3] == ["Jan", "Feb", "Mar"]
