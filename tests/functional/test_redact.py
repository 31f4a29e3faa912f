"""`--redact`: a user shares a learned draft or a device trace without their device's Bluetooth
addresses and serial numbers, in any form those take."""

import re
from pathlib import Path

import pytest

from facecoach.cli.main import main
from facecoach.devices.protocol.registry import load_profile_file
from facecoach.devices.protocol.trace import read_trace
from tests.support.cli import facecoach
from tests.support.real_captures import real_capture

PANEL = "3C:AB:72:5E:F5:22"  # the red-light panel of the published capture
ROBOT = "14:32:38:31:47:34"  # the table-tennis robot, named NOVA_O38240700268
REFERENCE_A = "5A:1D:00:00:00:02"  # the simulated reference-a device


def anywhere(address: str) -> re.Pattern[str]:
    """The address in any case, with or without separators."""
    pairs = address.split(":")
    return re.compile(r"[:\-_ ]?".join(pairs), re.IGNORECASE)


def test_a_redacted_draft_and_report_hold_no_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capture = real_capture("aitjcize_ha-blockbluelight_btsnoop_hci.log")
    plain, redacted = tmp_path / "plain.toml", tmp_path / "redacted.toml"
    assert main(["profiles", "learn", str(capture), "--output", str(plain)]) == 0
    said = capsys.readouterr().out
    # Without --redact the panel's address is everywhere: in its name and the report.
    assert anywhere(PANEL).search(plain.read_text())
    assert anywhere(PANEL).search(said)

    assert main(["profiles", "learn", str(capture), "--output", str(redacted), "--redact"]) == 0
    said = capsys.readouterr().out
    for text in (redacted.read_text(), said):
        assert not anywhere(PANEL).search(text)
        assert "[redacted]" in text
    draft = load_profile_file(redacted)
    assert draft.id == "block"
    assert draft.match[0].local_name == "BLOCK*"
    assert main(["profiles", "validate", str(redacted)]) == 0


def test_frames_that_carry_a_serial_number_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The robot sends its serial number in its challenge notification.
    capture = real_capture("whoisbe_pongbot-mcp_btsnoop_hci.log.last")
    out = tmp_path / "robot.toml"
    args = ["profiles", "learn", str(capture), "--device", "NOVA", "--output", str(out)]
    assert main([*args, "--redact"]) == 0
    said = capsys.readouterr().out
    text = out.read_text()
    serial = "38240700268"
    hex_serial = " ".join(f"{b:02X}" for b in serial.encode())
    for shown in (text, said):
        assert serial not in shown
        assert hex_serial not in shown
        assert not anywhere(ROBOT).search(shown)
    assert "--redact left out" in text
    assert main(["profiles", "validate", str(out)]) == 0


def test_a_redacted_trace_holds_no_address_or_serial(isolated_dirs: Path, tmp_path: Path) -> None:
    paired = facecoach("devices", "pair", REFERENCE_A, "--simulate")
    assert paired.returncode == 0, paired.stderr
    trace = tmp_path / "share.trace.jsonl"
    recorded = facecoach(
        "devices", "record", str(trace), "--seconds", "0.2", "--simulate", "--redact"
    )
    assert recorded.returncode == 0, recorded.stderr
    text = trace.read_text()
    assert not anywhere(REFERENCE_A).search(text)
    assert "0002" not in read_trace(trace).header.name  # the unit's number in its name
    assert read_trace(trace).entries  # still a trace that reads (and replays)
