"""What the plain coach says when it is paused and resumed (Ctrl-Z, then `fg`), in a real process:
on a terminal the pause line stands on its own line (not after the terminal's `^Z`) and says how
to go on; the resume says where the session is and how long the step has left, in text and JSON.

Job control is POSIX: a real process is stopped by its own SIGTSTP and continued by SIGCONT.
"""

import json
import os
import pty
import re
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from facecoach.cli.output import EXIT_INTERRUPTED
from tests.support.coach_process import (
    SLOW,
    WAIT_SECONDS,
    Lines,
    TerminalLines,
    wait_until_stopped,
)

pytestmark = pytest.mark.slow  # a real process on the real clock

# Where a glide of 60 s stands a moment after it began: its place and its time left, in the
# cue's words. How much of it is left depends on the machine's load (a real process on the real
# clock): only that it is said, in seconds or as the whole minute.
RESUMED_IN_THE_FIRST_GLIDE = re.compile(
    r"Resumed: Cheeks, left side: glide 1 of 2, ([1-5]?[0-9] s|1 min) left\."
)


def slow_routine(isolated_dirs: Path) -> list[str]:
    routines = isolated_dirs / "routines"
    routines.mkdir(parents=True)
    (routines / "slow.toml").write_text(SLOW.replace('id = "quick"', 'id = "slow"'))
    return [sys.executable, "-m", "facecoach", "coach", "slow", "--no-prep", "--confirm-checks"]


def stop_and_continue(
    process: "subprocess.Popen[str]",
    until: Callable[[Callable[[str], bool]], str],
) -> tuple[str, str]:
    """Ctrl-Z at the first glide, then `fg`: the pause line and the resume line."""
    if sys.platform == "win32":
        raise AssertionError("no job control on Windows")
    until(lambda line: "glide 1 of 2" in line)
    process.send_signal(signal.SIGTSTP)  # Ctrl-Z
    paused = until(lambda line: "Paused" in line)
    wait_until_stopped(process)
    process.send_signal(signal.SIGCONT)  # `fg`
    resumed = until(lambda line: "Resumed" in line)
    process.send_signal(signal.SIGINT)
    process.wait(WAIT_SECONDS)
    return paused, resumed


@pytest.mark.usefixtures("screened")
def test_on_a_terminal_ctrl_z_says_fg_goes_on_on_a_line_of_its_own_and_fg_says_where(
    isolated_dirs: Path,
) -> None:
    if sys.platform == "win32":
        pytest.skip("Ctrl-Z is job control, and os.openpty POSIX: Linux and macOS")
    command = slow_routine(isolated_dirs)
    controller, terminal = pty.openpty()
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=terminal,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        process_group=0,  # a job of its own, which its SIGTSTP stops (see test_coach_ctrl_z)
    ) as process:
        os.close(terminal)
        lines = TerminalLines(controller)
        try:
            paused, resumed = stop_and_continue(process, lines.until)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            os.close(controller)
    assert process.returncode == EXIT_INTERRUPTED, lines.seen
    # The terminal's own `^Z` echo ends the glide's line: the pause starts a line of its own.
    at = lines.seen.index(paused)
    assert lines.seen[at - 1] == ""
    assert paused == "Paused. Type fg to go on."
    assert RESUMED_IN_THE_FIRST_GLIDE.fullmatch(resumed), resumed


@pytest.mark.usefixtures("screened")
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_piped_the_pause_line_stays_and_the_resume_says_where(
    isolated_dirs: Path, as_json: bool
) -> None:
    if sys.platform == "win32":
        pytest.skip("Ctrl-Z is job control: Linux and macOS")
    command = slow_routine(isolated_dirs)
    with subprocess.Popen(
        [*command, *(["--json"] if as_json else [])],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        lines = Lines(process.stdout)
        try:
            paused, resumed = stop_and_continue(process, lines.until)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        seen = lines.rest()
        err = process.stderr.read()
    assert process.returncode == EXIT_INTERRUPTED, err
    if as_json:
        records = [json.loads(line) for line in seen]  # every line stays valid JSON
        assert json.loads(paused)["text"] == "Paused."
        record = json.loads(resumed)
        assert record["event"] == "resumed"
        assert RESUMED_IN_THE_FIRST_GLIDE.fullmatch(record["text"]), record
        assert 0 < record["step_left"] <= 60
        assert record["step"]["glide"] == 1
        assert [r["event"] for r in records].count("resumed") == 1
    else:
        assert paused == "Paused."  # scripts read the bare line as before
        assert "" not in seen  # no line of its own without a terminal's echo
        assert RESUMED_IN_THE_FIRST_GLIDE.fullmatch(resumed), resumed
