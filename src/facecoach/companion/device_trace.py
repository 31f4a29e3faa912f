"""Recording the paired device's link into a trace file for a bug report; `facecoach ...
--replay FILE` plays it back as a device. Built by `DeviceService.recorder` on first use."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.redaction import REDACTED_ADDRESS, redactor_for
from facecoach.devices.protocol.trace import TraceHeader, TraceWriter

if TYPE_CHECKING:
    from facecoach.companion.devices import DeviceService


class LinkRecorder:
    """Writes the events of the links one `DeviceService` opens into one trace at a time."""

    def __init__(self, device: DeviceService) -> None:
        self.device = device
        self.writer: TraceWriter | None = None
        self._file: IO[str] | None = None

    @property
    def recording(self) -> bool:
        return self.writer is not None

    def record_to(self, path: Path, *, replace: bool = False, redact: bool = False) -> TraceWriter:
        """Records the paired device's link, from its next connection. An existing file is
        kept unless `replace` (it may be the trace of the bug). With `redact` the trace holds
        neither the device's address nor its serial numbers (zeros in frames that held one)."""
        device = self.device.paired
        if device is None:
            raise DeviceError("No device is paired: there is no link to record.")
        if not replace and (path.exists() or path.is_symlink()):
            raise DeviceError(
                f"{path} already exists; choose another file name (or pass --force to replace it)"
            )
        replay = self.device.replay
        if replay is not None and path.resolve() == replay.resolve():
            raise DeviceError(f"{path} is the trace being played back; record into another file")
        try:
            out = path.open("w", encoding="utf-8")
        except OSError as exc:
            raise DeviceError(f"cannot write the trace to {path}: {exc.strerror or exc}") from None
        redactor = redactor_for([device.address], [device.name]) if redact else None
        header = TraceHeader(
            format="facecoach-trace",
            version=1,
            profile=device.profile,
            name=redactor.text(device.name) if redactor else device.name,
            address=REDACTED_ADDRESS if redactor else device.address,
            recorded=datetime.now(UTC),
        )
        # The trace begins with its first event, on the link's own clock.
        writer = TraceWriter(out, header, None, redactor)
        if writer.stopped is not None:
            out.close()
            raise DeviceError(f"cannot record into {path}: {writer.stopped}")
        self.writer = writer
        self._file = out
        if self.device.link is not None:
            self.device.link.trace = writer
        return writer

    def stop_recording(self) -> tuple[int, str | None]:
        """Closes the trace: how many events it holds, and why it stopped early (if it did)."""
        trace, self.writer = self.writer, None
        if self.device.link is not None:
            self.device.link.trace = None
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        if trace is None:
            return 0, None
        return trace.entries, trace.stopped
