"""Checks a profile against its own golden vectors, so a framing typo cannot ship silently."""

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import DeviceProfile


def vector_failures(profile: DeviceProfile) -> list[str]:
    """One line per vector that does not hold; empty when the profile agrees with itself."""
    vectors = profile.vectors
    if not vectors.commands and not vectors.notifications:
        return []
    try:
        codec = FrameCodec(profile)
    except DeviceError as exc:
        return [f"vectors given, but {exc}"]
    failures: list[str] = []
    for index, cv in enumerate(vectors.commands):
        where = f"vectors.commands[{index}] ({cv.command})"
        try:
            got = codec.encode_command(cv.command, dict(cv.args), cv.sequence)
        except DeviceError as exc:
            failures.append(f"{where}: cannot encode: {exc}")
            continue
        if got != cv.bytes:
            failures.append(
                f"{where}: encodes as {got.hex(' ').upper()}, the vector says "
                f"{cv.bytes.hex(' ').upper()}"
            )
            continue
        # The device end (the simulator) must read the same bytes as the same command.
        try:
            back = codec.decode_command(cv.bytes)
        except DeviceError as exc:
            failures.append(f"{where}: the device end cannot read it back: {exc}")
            continue
        if (back.name, back.args) != (cv.command, dict(cv.args)):
            failures.append(
                f"{where}: the device end reads it as {back.name} {back.args}, not "
                f"{cv.command} {dict(cv.args)}"
            )
    for index, nv in enumerate(vectors.notifications):
        where = f"vectors.notifications[{index}]"
        try:
            decoded = codec.decode_notification(nv.bytes).as_vector()
        except DeviceError as exc:
            if nv.error is None:
                failures.append(f"{where}: does not decode: {exc}")
            elif not str(exc).startswith(nv.error):
                failures.append(f"{where}: refused with {str(exc)!r}, expected {nv.error!r}")
            continue
        if nv.error is not None:
            failures.append(f"{where}: decodes as {decoded}, but should be refused ({nv.error})")
        elif decoded != nv.decoded:
            failures.append(f"{where}: decodes as {decoded}, the vector says {nv.decoded}")
    return failures
