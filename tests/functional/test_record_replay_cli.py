"""Recording a session's device link and playing it back, as a user filing a bug report does:
`coach --record`, then the same session with `--replay` and no device at all."""

from pathlib import Path

import pytest

from facecoach.devices.protocol.trace import TraceEventKind, read_trace
from tests.support.cli import QUICK, facecoach

REFERENCE_A = "5A:1D:00:00:00:02"  # the simulated reference-a device's address
SESSION = ["--no-prep", "--accept-risk", "--confirm-checks", "--no-log"]


@pytest.mark.slow
def test_a_recorded_session_plays_back_without_the_device(
    user_routines_dir: Path, tmp_path: Path
) -> None:
    (user_routines_dir / "quick.toml").write_text(QUICK)
    paired = facecoach("devices", "pair", REFERENCE_A, "--simulate")
    assert paired.returncode == 0, paired.stderr
    trace = tmp_path / "bug-report.trace.jsonl"

    recorded = facecoach("coach", "quick", "--simulate", "--record", str(trace), *SESSION)
    assert recorded.returncode == 0, recorded.stderr
    assert "device events recorded into" in recorded.stderr
    assert "Could not" not in recorded.stderr
    kinds = [entry.event for entry in read_trace(trace).entries]
    assert kinds.count(TraceEventKind.WRITE) >= 2  # the program, then the stop

    replayed = facecoach("coach", "quick", "--replay", str(trace), *SESSION)
    assert replayed.returncode == 0, replayed.stderr
    assert "Could not" not in replayed.stderr  # every command answered as it was recorded
    assert "Traceback" not in replayed.stderr
    assert replayed.stdout.splitlines()[-1] == recorded.stdout.splitlines()[-1]

    # A trace is evidence: recording again into it is refused, and so is recording a replay
    # into the very trace being played.
    again = facecoach("coach", "quick", "--simulate", "--record", str(trace), *SESSION)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert read_trace(trace).entries  # untouched


def test_simulate_replay_and_transport_are_one_at_a_time(tmp_path: Path) -> None:
    result = facecoach("devices", "scan", "--simulate", "--transport", "usb:0")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "facecoach: error: --simulate and --transport cannot go together: each says where "
        "the device is"
    )


def test_devices_record_needs_a_paired_device(tmp_path: Path) -> None:
    result = facecoach("devices", "record", str(tmp_path / "t.jsonl"), "--simulate")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "facecoach: error: No device is paired: there is no link to record."
    )


def test_a_damaged_trace_is_a_clear_error(tmp_path: Path) -> None:
    trace = tmp_path / "t.jsonl"
    trace.write_bytes(b"\x00\xff binary junk")
    result = facecoach("devices", "info", "--replay", str(trace))
    assert result.returncode == 1
    assert result.stderr.startswith(f"facecoach: error: {trace}")
    assert "Traceback" not in result.stderr
