"""The safety questions' and pre-session checks' boxes: a long question wraps beside its box."""

import asyncio

import pytest
from textual.app import App, ComposeResult

from facecoach.tui.widgets.toggles import TickBox

QUESTION = "Do you have a pacemaker or any other implanted electronic device?"


def drawn_lines(app: App[None], height: int) -> list[str]:
    strips = app.screen._compositor.render_strips()[:height]
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


@pytest.mark.parametrize("width", [30, 44, 60, 80])
@pytest.mark.parametrize("ticked", [False, True])
def test_a_long_question_wraps_beside_its_box(width: int, ticked: bool) -> None:
    """A wrapped line that began under the box would read as a question of its own."""

    class BoxApp(App[None]):
        CSS = "TickBox { border: none; width: 100%; height: auto; text-wrap: wrap; }"

        def compose(self) -> ComposeResult:
            yield TickBox(QUESTION, value=ticked)

    async def main() -> None:
        app = BoxApp()
        async with app.run_test(size=(width, 8)) as pilot:
            await pilot.pause()
            box = app.query_one(TickBox)
            lines = drawn_lines(app, box.size.height)
            assert ("✓" in lines[0]) is ticked
            column = lines[0].index("Do")
            assert (len(lines) == 1) is (width == 80)  # wrapped only where it must be
            for line in lines[1:]:
                assert line[:column].strip() == "", lines  # nothing under the box
                assert line[column] != " ", lines  # each line starts under the first word
            assert " ".join(line[column:].strip() for line in lines) == QUESTION

    asyncio.run(main())


def test_a_box_too_narrow_to_indent_still_shows_the_whole_question() -> None:
    class BoxApp(App[None]):
        CSS = "TickBox { border: none; width: 100%; height: auto; text-wrap: wrap; }"

        def compose(self) -> ComposeResult:
            yield TickBox(QUESTION)

    async def main() -> None:
        app = BoxApp()
        async with app.run_test(size=(14, 12)) as pilot:
            await pilot.pause()
            box = app.query_one(TickBox)
            text = " ".join(drawn_lines(app, box.size.height))
            assert text.split()[-1] == "device?"

    asyncio.run(main())
