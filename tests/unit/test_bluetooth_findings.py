"""`facecoach doctor`'s Bluetooth findings, each read from what a machine really shows: rfkill's
files, bluetoothctl's answer, the controllers Bumble could use."""

from pathlib import Path

from facecoach.system.bluetooth import (
    bluez_version_finding,
    bumble_finding,
    rfkill_finding,
)


def radio(root: Path, name: str, kind: str, soft: str, hard: str) -> None:
    device = root / name
    device.mkdir(parents=True)
    for file, text in {"type": kind, "name": name, "soft": soft, "hard": hard}.items():
        (device / file).write_text(text + "\n")


def test_rfkill_blocked_in_software_has_a_command_to_free_it(tmp_path: Path) -> None:
    radio(tmp_path, "rfkill0", "wlan", "1", "0")  # not Bluetooth: not our business
    radio(tmp_path, "rfkill1", "bluetooth", "1", "0")
    finding = rfkill_finding(tmp_path)
    assert (finding.found, finding.fix) == ("rfkill1 blocked", "run `rfkill unblock bluetooth`")


def test_rfkill_blocked_in_hardware_needs_the_switch(tmp_path: Path) -> None:
    radio(tmp_path, "rfkill1", "bluetooth", "1", "1")
    finding = rfkill_finding(tmp_path)
    assert finding.found == "rfkill1 blocked in hardware"
    assert "switch or key" in finding.fix


def test_rfkill_with_nothing_blocked_or_no_radio(tmp_path: Path) -> None:
    assert rfkill_finding(tmp_path / "absent").found == "no Bluetooth radio listed"
    radio(tmp_path, "rfkill1", "bluetooth", "0", "0")
    assert rfkill_finding(tmp_path).found == "not blocked"
    assert rfkill_finding(tmp_path).fix == ""


def test_bluez_too_old_to_scan_passively_says_so() -> None:
    old = bluez_version_finding(lambda argv: "bluetoothctl: 5.55")
    assert old.found == "5.55: too old to scan passively (5.56 and later can)"
    assert bluez_version_finding(lambda argv: "5.66").found == "5.66"
    missing = bluez_version_finding(lambda argv: None)
    assert missing.found == "bluetoothctl was not found"
    assert "Debian: bluez" in missing.fix


def test_bumble_lists_the_controllers_it_could_drive(tmp_path: Path) -> None:
    none = bumble_finding(lambda: [], lambda: [], tmp_path / "vhci")
    assert none.found == "no USB dongle, serial port or VHCI here"
    assert "tcp-client:HOST:PORT" in none.fix
    (tmp_path / "vhci").write_text("")
    some = bumble_finding(
        lambda: ["serial:/dev/ttyUSB0"], lambda: ["usb:0 (0a12:0001)"], tmp_path / "vhci"
    )
    assert some.found == (
        "could use usb:0 (0a12:0001) · serial:/dev/ttyUSB0 · vhci (a virtual controller in "
        "the kernel)"
    )


def test_each_os_names_its_own_bluetooth_stack() -> None:
    from facecoach.system.bluetooth import check_bluetooth

    mac = check_bluetooth("darwin")
    assert mac.how.startswith("CoreBluetooth")
    assert "Privacy & Security > Bluetooth" in mac.how
    assert "WinRT" in check_bluetooth("win32").how
