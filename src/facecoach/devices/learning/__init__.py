"""`facecoach profiles learn`: a draft device profile from an HCI capture of the vendor's app.

Why: writing a profile by hand means reading a Bluetooth capture byte by byte, finding the
command and notify characteristics, guessing the frame layout and checking every checksum. All
of that is mechanical once the capture is parsed, and facecoach already knows the layouts a
profile can express, so it can try them all. The user is left with what needs judgement (what
an opcode means, what is safe to send), marked TODO in a draft that already validates.

The capture is parsed with Bumble (the bumble extra): this package is imported only by the
command that needs it, never at start-up.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.devices.errors import ProfileError
from facecoach.devices.protocol.golden import vector_failures
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.redaction import PLACEHOLDER, Redactor, redactor_for
from facecoach.devices.protocol.registry import parse_profile

if TYPE_CHECKING:
    from facecoach.devices.learning.capture import Capture

__all__ = ["Learned", "learn_profile"]


@dataclass(frozen=True)
class Learned:
    profile: DeviceProfile  # the draft, validated with the same loader as `profiles validate`
    text: str  # the draft as TOML, with comments
    report: list[str]
    vectors: int


def learn_profile(
    path: Path,
    *,
    profile_id: str | None = None,
    known: Sequence[DeviceProfile] = (),
    output_name: str = "the draft",
    device: str | None = None,
    redact: bool = False,
) -> Learned:
    """Reads the capture at `path` and drafts a profile; CaptureError when it cannot.

    `known` are the profiles facecoach has: a command whose opcode and payload size match one
    of theirs (for the same characteristic or frame layout) takes its name from it. With
    `redact`, the draft and the report hold none of the capture's addresses and serial numbers.
    """
    from facecoach.devices.learning.capture import CaptureError, read_capture
    from facecoach.devices.learning.draft import draft_text, report_lines, slug
    from facecoach.devices.learning.inference import infer

    capture = read_capture(path)
    if capture.att_pdus == 0:
        cut = (
            " (the file ends inside a record: it may have been cut short)"
            if capture.truncated
            else ""
        )
        raise CaptureError(
            f"{path} holds {capture.records} HCI records but no ATT traffic{cut}: capture while "
            "the phone app is connected to the device and sending it commands."
        )
    protocol = infer(capture, known, device)
    redactor = _redactor(capture) if redact else Redactor()
    peer = redactor.text(protocol.peer_name or "").replace(PLACEHOLDER, "")
    stem = redactor.text(path.stem).replace(PLACEHOLDER, "")
    chosen_id = profile_id or slug(peer) or slug(stem) or "learned-device"
    draft, head = draft_text(protocol, chosen_id, str(path), redactor)
    try:
        layout = parse_profile(head, f"the draft learned from {path.name}")
        text = "\n".join([head.rstrip("\n"), "", *draft.vectors(layout)]) + "\n"
        profile = parse_profile(text, f"the draft learned from {path.name}")
    except ProfileError as exc:  # a bug here, but the user should see what went wrong
        raise CaptureError(f"The profile drafted from {path} does not validate: {exc}") from None
    failures = vector_failures(profile)
    if failures:
        raise CaptureError(
            f"The profile drafted from {path} does not hold to its own vectors: {failures[0]}"
        )
    count = len(profile.vectors.commands) + len(profile.vectors.notifications)
    report = report_lines(protocol, count, output_name, redactor if redact else None)
    return Learned(profile, text, report, count)


def _redactor(capture: "Capture") -> Redactor:
    """Every address and serial number the capture shows: of the phone, the device, and any
    other device it saw."""
    addresses = [c.peer for c in capture.connections if c.peer]
    addresses += list(capture.names) + list(capture.advertised_services)
    names = [*capture.names.values(), *capture.gap_names.values()]
    return redactor_for(addresses, names, capture.serials)
