"""Ctrl-Z in the plain coach with a device, in a real process: the session pauses, the device's
output stops, and a line says so before the process stops; `fg` resumes, and a line says the
output is back. Scripts and screen readers hear it, in text or in JSON.

Job control is POSIX: a real process is stopped by its own SIGTSTP and continued by SIGCONT.
"""

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from facecoach.cli.coach import _CoachFrontEnd
from facecoach.cli.coach_output import JsonRenderer, TextRenderer
from facecoach.cli.output import EXIT_INTERRUPTED
from facecoach.companion.device_messages import DeviceMessage, DeviceMessageKind
from facecoach.wording.devices import (
    START_AGAIN_STATE,
    paused_output_text,
    resumed_output_text,
    start_again_text,
)
from tests.support.cli import facecoach
from tests.support.coach_process import SLOW, WAIT_SECONDS, Lines, wait_until_stopped

pytestmark = pytest.mark.slow  # a real process on the real clock

BEAR = "5A:1D:00:00:00:05"  # the simulated FOREO BEAR: its level is its output


@pytest.mark.usefixtures("screened")
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_ctrl_z_says_the_device_output_stopped_and_fg_says_it_is_back(
    isolated_dirs: Path, as_json: bool
) -> None:
    if sys.platform == "win32":
        pytest.skip("Ctrl-Z is job control: Linux and macOS")
    routines = isolated_dirs / "routines"
    routines.mkdir(parents=True)
    (routines / "slow.toml").write_text(SLOW.replace('id = "quick"', 'id = "slow"'))
    (isolated_dirs / "settings.toml").write_text("device_intensity = 3\n")
    assert facecoach("devices", "pair", BEAR, "--simulate").returncode == 0
    paused, resumed = paused_output_text("BEAR", True), resumed_output_text("BEAR")
    command = [sys.executable, "-m", "facecoach", "coach", "slow", "--simulate", "--no-prep"]
    with subprocess.Popen(
        [*command, "--confirm-checks", *(["--json"] if as_json else [])],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Its own process group in this session, as a shell's job: a group without a parent
        # in its session (an orphaned one) would never be stopped by its SIGTSTP.
        process_group=0,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        lines = Lines(process.stdout)
        try:
            lines.until(lambda line: "glide 1 of 2" in line)
            process.send_signal(signal.SIGTSTP)  # Ctrl-Z
            said_paused = lines.until(lambda line: paused in line)
            wait_until_stopped(process)  # the line came before the process stopped
            process.send_signal(signal.SIGCONT)  # `fg`
            said_resumed = lines.until(lambda line: resumed in line)
            process.send_signal(signal.SIGINT)
            process.wait(WAIT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()  # a stopped process too
                process.wait()
        seen = lines.rest()
        err = process.stderr.read()
    assert process.returncode == EXIT_INTERRUPTED, err
    if as_json:
        records = [json.loads(line) for line in seen]  # every line stays valid JSON
        events = [record["event"] for record in records]
        assert events.index("paused") < events.index("device") < events.index("resumed")
        device = [(r["message"], r["text"], r["t"] >= 0) for r in records if r["event"] == "device"]
        assert device == [("output_paused", paused, True), ("output_resumed", resumed, True)]
        assert json.loads(said_paused)["message"] == "output_paused"
        assert json.loads(said_resumed)["message"] == "output_resumed"
    else:
        at = seen.index(paused)
        assert seen[at - 1 : at + 1] == ["Paused.", paused]
        assert seen[at + 1].startswith("Resumed: Cheeks, left side: glide 1 of 2, ")
        assert seen[at + 2] == resumed
    assert paused not in err  # said once, in the session's own lines
    assert resumed not in err


REFERENCE_A = "5A:1D:00:00:00:02"  # the simulated reference-a: it starts on its own button


@pytest.mark.usefixtures("screened")
def test_ctrl_z_with_a_device_that_never_ran_does_not_warn_to_start_it_again(
    isolated_dirs: Path,
) -> None:
    """walkcover C1/C14: reference-a, never started on its own button, is stopped for the
    pause (a line says so), and `fg` resumes without the old warning on stderr to start it
    again: its status said it was not running."""
    if sys.platform == "win32":
        pytest.skip("Ctrl-Z is job control: Linux and macOS")
    routines = isolated_dirs / "routines"
    routines.mkdir(parents=True)
    (routines / "slow.toml").write_text(SLOW.replace('id = "quick"', 'id = "slow"'))
    assert facecoach("devices", "pair", REFERENCE_A, "--simulate").returncode == 0
    command = [sys.executable, "-m", "facecoach", "coach", "slow", "--simulate", "--no-prep"]
    with subprocess.Popen(
        [*command, "--confirm-checks"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        process_group=0,  # a job of its own, as above
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        lines = Lines(process.stdout)
        try:
            lines.until(lambda line: "glide 1 of 2" in line)
            process.send_signal(signal.SIGTSTP)  # Ctrl-Z
            lines.until(lambda line: "is stopped while the session is paused." in line)
            wait_until_stopped(process)
            process.send_signal(signal.SIGCONT)  # `fg`
            lines.until(lambda line: line.startswith("Resumed"))
            process.send_signal(signal.SIGINT)  # the resume's commands run before the end's
            process.wait(WAIT_SECONDS)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        seen = lines.rest()
        err = process.stderr.read()
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "start it again" not in err
    assert not any("start it again" in line for line in seen), seen


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_start_it_again_is_a_line_on_stdout_not_a_warning(
    as_json: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """ "Start it again on the device" is an instruction, not a failure: the coach writes it as
    a session line (text, or a JSON device record), as the output stopped and back, and
    nothing on stderr."""
    front_end = _CoachFrontEnd(
        JsonRenderer(sys.stdout) if as_json else TextRenderer(sys.stdout), None
    )
    text = start_again_text("FC-RefA 0002")
    front_end.device_message(DeviceMessage(DeviceMessageKind.START_AGAIN, text, START_AGAIN_STATE))
    out, err = capsys.readouterr()
    assert err == ""
    if as_json:
        assert json.loads(out) == {"event": "device", "message": "start_again", "text": text}
    else:
        assert out == f"{text}\n"
