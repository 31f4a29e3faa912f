"""A device trace: what went over one device's link, with timestamps, as a file a bug report can
carry (`facecoach devices record`) and the simulator can play back as a device (`--replay`).

JSON lines: a header naming the profile, then one entry per event: the app's writes and the
device's notifications as hex, the values it read (battery, device information) with their
characteristic, connections, drops, and the app's own disconnection. A trace comes from someone
else's machine, so it is read like every user file: bounded, validated, every problem named with
its line.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from facecoach.datafiles import DataFileError, read_text_file
from facecoach.devices.protocol.assigned_numbers import SERIAL_NUMBER
from facecoach.devices.protocol.redaction import PLACEHOLDER, Redactor
from facecoach.problems import Problem

TRACE_FORMAT = "facecoach-trace"
TRACE_VERSION = 1
MAX_TRACE_BYTES = 8 * 1024 * 1024  # about 60,000 frames: hours of a session's traffic
MAX_FRAME_BYTES = 512  # the longest ATT write or notification
REDACTED_SERIAL = PLACEHOLDER.encode()


class TraceFileError(DataFileError):
    what = "device trace"


class TraceEventKind(StrEnum):
    CONNECTED = "connected"
    WRITE = "write"  # the app wrote this to the device
    NOTIFY = "notify"  # the device sent this to the app
    DISCONNECTED = "disconnected"  # the link dropped (the app did not ask for it)
    READ = "read"  # the app read this value of characteristic `uuid`
    CLOSED = "closed"  # the app disconnected


_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class TraceHeader(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["facecoach-trace"]
    version: Literal[1]
    profile: str = Field(min_length=1, max_length=60)
    name: str = Field(min_length=1, max_length=80)
    address: str = Field(min_length=1, max_length=64)  # as a paired device's
    recorded: datetime


class TraceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    t: float = Field(ge=0, le=7 * 24 * 3600, description="seconds since the trace began")
    event: TraceEventKind
    data: str | None = Field(default=None, max_length=2 * MAX_FRAME_BYTES)
    uuid: str | None = Field(default=None, pattern=_UUID)

    @field_validator("data")
    @classmethod
    def _hex(cls, value: str | None) -> str | None:
        if value is not None:
            bytes.fromhex(value)  # ValueError names the bad character
        return value

    @property
    def frame(self) -> bytes:
        return bytes.fromhex(self.data) if self.data else b""


@dataclass(frozen=True)
class DeviceTrace:
    header: TraceHeader
    entries: tuple[TraceEntry, ...]

    def frames(self, kind: TraceEventKind) -> list[bytes]:
        return [e.frame for e in self.entries if e.event is kind]


def read_trace(path: Path) -> DeviceTrace:
    """The trace in `path`; TraceFileError names each problem with its line."""
    text = read_text_file(path, TraceFileError, max_bytes=MAX_TRACE_BYTES)
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise TraceFileError(
            str(path), [Problem("", "is empty: a trace starts with its header line")]
        )
    problems: list[Problem] = []
    header = _parse(lines[0], TraceHeader, problems)
    entries: list[TraceEntry] = []
    previous = 0.0
    for number, line in lines[1:]:
        entry = _parse((number, line), TraceEntry, problems)
        if entry is None:
            continue
        if entry.t < previous:
            problems.append(
                Problem(f"line {number}", f"t goes back in time ({entry.t:g} after {previous:g})")
            )
        if entry.event in (TraceEventKind.WRITE, TraceEventKind.NOTIFY) and not entry.data:
            problems.append(Problem(f"line {number}", f"a {entry.event} without data"))
        if (entry.event is TraceEventKind.READ) != (entry.uuid is not None):
            problems.append(
                Problem(f"line {number}", "a uuid belongs to a read, and a read needs one")
            )
        previous = max(previous, entry.t)
        entries.append(entry)
        if len(problems) >= 10:
            problems.append(Problem("", "(and maybe more)"))
            break
    if problems or header is None:
        raise TraceFileError(str(path), problems or [Problem("", "has no valid header")])
    return DeviceTrace(header, tuple(entries))


M = TypeVar("M", bound=BaseModel)


def _parse(numbered: tuple[int, str], model: type[M], problems: list[Problem]) -> M | None:
    number, line = numbered
    if not line.lstrip().startswith("{"):
        problems.append(Problem(f"line {number}", "not a JSON object"))
        return None
    try:
        return model.model_validate(json.loads(line))
    except json.JSONDecodeError as exc:
        problems.append(Problem(f"line {number}", f"not JSON ({exc.msg})"))
    except RecursionError:  # a hostile line of nested brackets
        problems.append(Problem(f"line {number}", "nested too deeply to be a trace entry"))
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            where = ".".join(str(part) for part in error["loc"]) or "the line"
            problems.append(Problem(f"line {number}", f"{where}: {error['msg']}"))
    return None


class TraceWriter:
    """Writes a trace as it happens, one line per event, flushed at once: a crash or a pulled
    plug loses at most the event being written.

    It never raises into the link it records: a full disk or a pulled USB stick must not keep a
    command (the stop) from the device. It stops recording instead, and says why in `stopped`.
    It also stops where a trace would grow past what `read_trace` takes back."""

    def __init__(
        self,
        out: IO[str],
        header: TraceHeader,
        clock_start: float | None,
        redactor: Redactor | None = None,
    ) -> None:
        """`clock_start`: when the trace begins, on the clock events are given in; None takes
        the first event's time (so the recording side need not know the link's clock).
        `redactor`: the device's address and serial numbers to leave out (`--redact`)."""
        self._out = out
        self._redactor = redactor
        self._start = clock_start
        self._bytes = 0
        self.entries = 0
        self.stopped: str | None = None  # why recording stopped early
        self._write(header.model_dump(mode="json"))

    def record(
        self,
        now: float,
        kind: TraceEventKind,
        data: bytes | None = None,
        uuid: str | None = None,
    ) -> None:
        if self.stopped is not None:
            return
        if self._start is None:
            self._start = now
        entry: dict[str, object] = {"t": round(max(0.0, now - self._start), 6), "event": kind}
        if data is not None and self._redactor is not None:
            # A serial number read from Device Information is one whatever its form.
            data = REDACTED_SERIAL if uuid == SERIAL_NUMBER else self._redactor.mask(data)
        if data is not None:
            entry["data"] = data[:MAX_FRAME_BYTES].hex()
        if uuid is not None:
            entry["uuid"] = uuid
        if self._write(entry):
            self.entries += 1

    def _write(self, record: dict[str, object]) -> bool:
        line = json.dumps(record) + "\n"
        if self._bytes + len(line) > MAX_TRACE_BYTES:
            self.stopped = (
                f"the trace reached {MAX_TRACE_BYTES // 2**20} MiB, the most a replay reads"
            )
            return False
        try:
            self._out.write(line)
            self._out.flush()
        except (OSError, ValueError) as exc:  # ValueError: the file was closed meanwhile
            self.stopped = (
                f"the trace could not be written ({getattr(exc, 'strerror', None) or exc})"
            )
            return False
        self._bytes += len(line)
        return True


@dataclass(frozen=True)
class ReplayStep:
    """One write of a trace and what followed it until the next write: the notifications, each
    with how long after the write it came (a late ack, a charger plugged in later), and a drop
    of the link, if there was one. What a replayed device does when it gets that write."""

    written: bytes
    replies: list[tuple[float, bytes]]
    drop_after: float | None = None


def replay_steps(
    trace: DeviceTrace, passing: Callable[[bytes], bool] = lambda frame: False
) -> Iterator[ReplayStep]:
    """`passing` picks the writes that are no step of their own (the app's keep-alive, sent on
    its own beat): what follows them stays with the command before, timed from it."""
    current: bytes | None = None
    written_at = 0.0
    replies: list[tuple[float, bytes]] = []
    drop_after: float | None = None
    for entry in trace.entries:
        if entry.event is TraceEventKind.WRITE and passing(entry.frame):
            continue
        if entry.event is TraceEventKind.WRITE:
            if current is not None:
                yield ReplayStep(current, replies, drop_after)
            current, written_at, replies, drop_after = entry.frame, entry.t, [], None
        elif current is None or drop_after is not None:
            # Before the first write, or after a drop: what the device says on connecting.
            continue
        elif entry.event is TraceEventKind.NOTIFY:
            replies.append((entry.t - written_at, entry.frame))
        elif entry.event is TraceEventKind.DISCONNECTED:
            drop_after = entry.t - written_at
    if current is not None:
        yield ReplayStep(current, replies, drop_after)


def recorded_reads(trace: DeviceTrace) -> dict[str, bytes]:
    """The last value the app read of each characteristic: the device's information and
    battery as the recorded device gave them."""
    return {
        entry.uuid: entry.frame
        for entry in trace.entries
        if entry.event is TraceEventKind.READ and entry.uuid is not None
    }
