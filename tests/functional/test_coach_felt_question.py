"""The plain coach's question after a session, "How did it feel? 1 ..., 2 ..., 3 ... (Enter
skips)", on a real terminal: an unclear answer is asked again (as the safety questions are), a
few times at most; Enter and the end of input (Ctrl-D) skip it.

A real process on a pseudo-terminal: the question is asked only when a person is there.
"""

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facecoach.adherence.session_log import SessionLog
from facecoach.cli.output import EXIT_OK, UNCLEAR_ANSWERS_ALLOWED
from facecoach.safety.comfort import Comfort, Feeling, SideEffect
from facecoach.safety.comfort_records import ComfortRecords
from tests.support.cli import BRIEF

pytestmark = pytest.mark.slow  # a real process on the real clock

FELT_PROMPT = b"(Enter skips): "
ASKED_AGAIN = "Please answer 1, 2 or 3 (Enter skips)."
CTRL_D = b"\x04"
# Every question after the session: how it felt, side effects, a note, a suggestion.
PROMPTS_AFTER = (FELT_PROMPT, b"Enter for none): ", b"[y/N] ")


def after_a_session_on_a_terminal(routine: Path, answers: list[bytes]) -> tuple[int, str]:
    """`facecoach coach ROUTINE` on a pseudo-terminal: every check before it (`[y/N]`) is
    answered yes; then each prompt after the session gets the next of ANSWERS. Returns the exit
    code and all the terminal showed."""
    if sys.platform == "win32":
        pytest.skip("a pseudo-terminal (os.openpty) is POSIX only")
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "facecoach", "coach", str(routine), "--no-prep"],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    os.close(terminal)
    output = b""
    pending = iter(answers)
    deadline = time.monotonic() + 60  # a bound, so a stuck process fails the test, not CI
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([controller], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # the terminal closed: the process has ended
                break
            if not chunk:
                break
            output += chunk
            if output.endswith(b"[y/N] ") and FELT_PROMPT not in output:
                os.write(controller, b"y\n")  # the checks before the session
            elif output.endswith(PROMPTS_AFTER):
                answer = next(pending, None)
                if answer is None:
                    raise AssertionError(f"asked once more than expected: {output.decode()}")
                os.write(controller, answer)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(60)
        os.close(controller)
    return process.returncode, output.decode()


def felt(isolated_dirs: Path) -> list[Feeling]:
    with SessionLog.open(isolated_dirs.parent / "data" / "facecoach.db") as log:
        return [f.feeling for f in ComfortRecords(log.database).felt_sessions()]


@pytest.fixture
def brief(tmp_path: Path) -> Path:
    file = tmp_path / "brief.toml"
    file.write_text(BRIEF)
    return file


@pytest.mark.usefixtures("screened")
def test_an_unclear_answer_to_how_it_felt_is_asked_again_then_noted(
    brief: Path, isolated_dirs: Path
) -> None:
    # A whole shell line typed by mistake, then 2 (a little uncomfortable), side effect 1,
    # and a note.
    code, shown = after_a_session_on_a_terminal(
        brief, [b"facecoach stats\n", b"2\n", b"1\n", b"gel ran out\n"]
    )
    assert code == EXIT_OK, shown
    assert shown.count(ASKED_AGAIN) == 1
    assert shown.count("How did it feel?") == 2
    assert felt(isolated_dirs) == [Feeling(Comfort.MILD, (SideEffect.TINGLING,), "gel ran out")]


@pytest.mark.usefixtures("screened")
@pytest.mark.parametrize(
    "answers",
    [[b"4\n", CTRL_D], [b"maybe\n"] * UNCLEAR_ANSWERS_ALLOWED],
    ids=["then Ctrl-D", "too many"],
)
def test_how_it_felt_asked_again_is_skipped_at_the_end_of_input_or_after_a_few_tries(
    brief: Path, isolated_dirs: Path, answers: list[bytes]
) -> None:
    code, shown = after_a_session_on_a_terminal(brief, answers)
    assert code == EXIT_OK, shown
    unclear = len([a for a in answers if a != CTRL_D])
    assert shown.count(ASKED_AGAIN) == unclear
    gave_up = f"No clear answer after {UNCLEAR_ANSWERS_ALLOWED} tries: how it felt is not noted."
    assert (gave_up in shown) == (unclear == UNCLEAR_ANSWERS_ALLOWED)
    assert "Traceback" not in shown
    assert felt(isolated_dirs) == []


@pytest.mark.usefixtures("screened")
def test_side_effects_given_in_words_are_asked_again_not_dropped(
    brief: Path, isolated_dirs: Path
) -> None:
    """finalwalk F20: 'burning' (a word, where the list asks for its number) was taken as no
    side effect, in silence, and the next answer became the note. Burning means stop: it is
    asked again, and its number is noted."""
    code, shown = after_a_session_on_a_terminal(brief, [b"2\n", b"burning\n", b"8\n", b"\n"])
    assert code == EXIT_OK, shown
    assert shown.count("Please answer with numbers from 1 to 10, e.g. 1,4 (Enter for none).") == 1
    assert felt(isolated_dirs) == [Feeling(Comfort.MILD, (SideEffect.BURNING,), "")]
