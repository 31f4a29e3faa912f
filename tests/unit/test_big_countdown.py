"""The session screen's countdown and zone list: sizes that a person reads from arm's length."""

from hypothesis import given
from hypothesis import strategies as st

from facecoach.tui.widgets.big_countdown import (
    GLYPH_ROWS,
    PAUSE_SIGN,
    block_lines,
    largest_scale,
    text_width,
)
from facecoach.tui.widgets.routine_overview import OverviewWindow, visible_window


def test_the_digits_grow_with_the_space() -> None:
    # The step panel's free space at 60x20, 80x24, 100x30 and 120x40.
    assert largest_scale("5", 40, 5) == 1
    assert largest_scale("5", 50, 10) == 2
    assert largest_scale("10", 70, 16) == 3
    assert largest_scale("10", 90, 30) == 6


def test_too_little_room_gives_scale_zero_not_a_clipped_digit() -> None:
    assert largest_scale("5", 40, 4) == 0
    assert largest_scale("10", 10, 20) == 0


@given(
    st.text(alphabet="0123456789", min_size=1, max_size=3),
    st.integers(0, 200),
    st.integers(0, 60),
)
def test_the_chosen_scale_always_fits(text: str, width: int, height: int) -> None:
    scale = largest_scale(text, width, height)
    if scale:
        lines = block_lines(text, scale)
        assert len(lines) == GLYPH_ROWS * scale <= height
        assert all(len(line) == text_width(text, scale) <= width for line in lines)


def test_paused_is_a_shape_not_a_colour() -> None:
    running = block_lines("4", 1)
    paused = block_lines(PAUSE_SIGN + "4", 1)
    assert paused != running
    # The pause sign: two upright bars, on every row, shaded where digits are solid.
    assert all(line.startswith("▒▒  ▒▒") for line in paused)
    assert not any("▒" in line for line in running)


def test_digits_are_told_apart() -> None:
    drawn = {digit: tuple(block_lines(digit, 1)) for digit in "0123456789"}
    assert len(set(drawn.values())) == 10


def test_the_zone_list_keeps_the_current_zone_in_view_and_says_how_many_are_out_of_sight() -> None:
    assert visible_window(4, 2, 10) == OverviewWindow(range(4))
    # W10: a list cut short says so on its last row ("↓ 12 more"), and on its first once
    # zones before the window are out of sight.
    assert visible_window(15, 0, 4) == OverviewWindow(range(3), below=12)
    assert visible_window(15, None, 7) == OverviewWindow(range(6), below=9)
    assert visible_window(15, 7, 5) == OverviewWindow(range(6, 9), above=6, below=6)
    assert visible_window(15, 7, 4) == OverviewWindow(range(6, 8), above=6, below=7)
    assert visible_window(15, 14, 4) == OverviewWindow(range(12, 15), above=12)
    # Too few rows for the current zone and a line before it: the current zone alone.
    assert visible_window(15, 7, 3) == OverviewWindow(range(7, 8), above=7, below=7)
    # Too few rows to say anything: the zones alone, the current one in view.
    assert visible_window(15, 7, 2) == OverviewWindow(range(6, 8))
    assert visible_window(15, None, 0) == OverviewWindow(range(0))
    # Review 31, finding 6: a row that would say "1 more" shows that zone instead.
    assert visible_window(15, 2, 7) == OverviewWindow(range(6), below=9)
    assert visible_window(15, 13, 3) == OverviewWindow(range(13, 15), above=13)


def test_every_zone_list_window_shows_the_current_zone_and_no_marker_for_one_zone() -> None:
    """Every length up to 29 zones, every height up to 19 rows, every current zone: the
    current zone is in view, the rows fit, the counts add up (in 3 rows or more; fewer show
    zones alone), and no row says "1 more"."""
    for count in range(30):
        for height in range(20):
            for current in [None, *range(count)]:
                window = visible_window(count, current, height)
                place = (count, current, height, window)
                markers = (window.above > 0) + (window.below > 0)
                assert len(window.shown) + markers <= max(height, 0), place
                if height >= 3:  # room to say what is out of sight: the counts add up
                    assert window.above + len(window.shown) + window.below == count, place
                    assert window.shown.start == window.above, place
                else:  # zones alone
                    assert markers == 0, place
                assert 1 not in (window.above, window.below), place
                if current is not None and height > 0:
                    assert current in window.shown, place
