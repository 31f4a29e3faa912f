"""What is known: `facecoach evidence`, the app's page from Safety, and the README say what the
studies behind microcurrent claims measured, with the same citations, and claim no effect."""

import asyncio
import re
from pathlib import Path

import pytest

from facecoach.cli.main import EXIT_OK, main
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.screens.evidence import EvidenceScreen
from facecoach.tui.screens.safety import SafetyScreen
from facecoach.wording.evidence import STUDIES, UNKNOWN
from tests.support.tui_support import make_app, until

README = Path(__file__).parents[2] / "README.md"


def one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_evidence_prints_each_study_with_what_it_measured_and_its_citation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["evidence"]) == EXIT_OK
    out = one_line(capsys.readouterr().out)
    assert "skin taken from young rats" in out  # Cheng 1982: not a face, not a person
    assert "in vitro" in out
    assert "not a result for microcurrent devices" in out  # Kavanagh 2012 tested EMS
    assert "no control group" in out  # Saniee 2012
    for study in STUDIES:
        assert one_line(study.citation) in out
        assert study.link in out
    assert "Not known:" in out
    for unknown in UNKNOWN:
        assert one_line(unknown) in out


def test_the_readme_carries_the_same_citations() -> None:
    readme = one_line(README.read_text())
    start = readme.index("## What is known")
    section = readme[start : readme.index("## ", start + 3)]
    for study in STUDIES:
        assert one_line(study.citation) in section
        assert study.link in section


@pytest.mark.parametrize(
    "text",
    [one_line(study.measured) for study in STUDIES] + [one_line(line) for line in UNKNOWN],
)
def test_no_sentence_claims_an_effect(text: str) -> None:
    # The words an advert would use, absent from what facecoach itself says.
    for claim in ("proven", "clinically shown", "lifts", "tightens", "rejuvenates", "guarantee"):
        assert claim not in text.lower()


def test_the_safety_screen_opens_what_is_known(clock: FakeClock) -> None:
    asyncio.run(safety_opens_what_is_known(make_app(clock)))


async def safety_opens_what_is_known(app: FacecoachApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("y")
        await until(pilot, lambda: isinstance(app.screen, SafetyScreen))
        # `y` may come before the first frame is written (test_typed_ahead.py).
        await until(pilot, lambda: bool(app.screen.query("#evidence")))
        app.screen.query_one("#evidence").scroll_visible(animate=False, immediate=True)
        await pilot.pause()
        await pilot.click("#evidence")
        await until(pilot, lambda: isinstance(app.screen, EvidenceScreen))
        shown = one_line(" ".join(str(s.render()) for s in app.screen.query("Static")))
        for study in STUDIES:
            assert one_line(study.citation) in shown
        await pilot.press("escape")
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("w")  # the key opens it too
        assert isinstance(app.screen, EvidenceScreen)
