"""Device traces: written as they happen, read back like any file from someone else (bounded,
validated, each problem named with its line), and played back as a device."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from facecoach.devices.protocol.assigned_numbers import BATTERY_LEVEL
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.protocol.trace import (
    TraceEventKind,
    TraceFileError,
    TraceHeader,
    TraceWriter,
    read_trace,
    recorded_reads,
    replay_steps,
)
from facecoach.devices.simulator.replay import ReplayFirmware

PROFILE = next(p for p in load_registry().profiles if p.id == "reference-a")
HEADER = TraceHeader(
    format="facecoach-trace",
    version=1,
    profile="reference-a",
    name="Reference A 0001",
    address="5A:1D:00:00:00:01",
    recorded=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
)
BATTERY = BATTERY_LEVEL


Event = tuple[float, TraceEventKind, bytes | None] | tuple[float, TraceEventKind, bytes, str]


def written(tmp_path: Path, events: list[Event]) -> Path:
    out = io.StringIO()
    writer = TraceWriter(out, HEADER, clock_start=100.0)
    for t, kind, data, *uuid in events:
        writer.record(100.0 + t, kind, data, *uuid)
    path = tmp_path / "trace.jsonl"
    path.write_text(out.getvalue())
    return path


def test_a_trace_reads_back_as_written(tmp_path: Path) -> None:
    path = written(
        tmp_path,
        [
            (0.0, TraceEventKind.CONNECTED, None),
            (0.5, TraceEventKind.WRITE, b"\x01\x02"),
            (0.52, TraceEventKind.NOTIFY, b"\x81\x00"),
            (3.0, TraceEventKind.DISCONNECTED, None),
            (3.5, TraceEventKind.READ, b"\x50", BATTERY),
            (4.0, TraceEventKind.CLOSED, None),
        ],
    )
    trace = read_trace(path)
    assert trace.header == HEADER
    assert [e.event for e in trace.entries] == list(TraceEventKind)
    assert trace.frames(TraceEventKind.WRITE) == [b"\x01\x02"]
    [step] = list(replay_steps(trace))
    assert step.written == b"\x01\x02"
    assert [(round(d, 3), frame) for d, frame in step.replies] == [(0.02, b"\x81\x00")]
    assert step.drop_after == 2.5
    assert recorded_reads(trace) == {BATTERY: b"\x50"}


def lines(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records))
    return path


def test_a_broken_or_hostile_trace_names_each_problem_with_its_line(tmp_path: Path) -> None:
    header = HEADER.model_dump(mode="json")
    path = lines(
        tmp_path,
        header,
        {"t": 1.0, "event": "write", "data": "zz"},
        "{not json",
        {"t": 0.5, "event": "notify", "data": "00"},
        {"t": 2.0, "event": "write"},
        {"t": 3.0, "event": "reboot"},
    )
    with pytest.raises(TraceFileError) as caught:
        read_trace(path)
    text = str(caught.value)
    assert "line 2: data:" in text
    assert "line 3: not JSON" in text
    assert "line 4: t goes back in time (0.5 after 1)" not in text  # line 2 was refused
    assert "line 5: a write without data" in text
    assert "line 6: event:" in text


def test_a_line_of_nested_brackets_is_refused_not_a_crash(tmp_path: Path) -> None:
    header = json.dumps(HEADER.model_dump(mode="json"))
    path = tmp_path / "deep.jsonl"
    path.write_text(header + "\n" + "[" * 200_000 + "]" * 200_000 + "\n")
    with pytest.raises(TraceFileError, match="line 2: not a JSON object"):
        read_trace(path)
    path.write_text(header + "\n" + "{" + '"a":' * 100_000 + "1" + "}" * 100_000 + "\n")
    with pytest.raises(TraceFileError, match="line 2: "):
        read_trace(path)


def test_a_trace_that_cannot_be_written_stops_without_raising() -> None:
    """A full disk must never keep a command (the stop) from reaching the device."""

    class FullDisk(io.StringIO):
        def write(self, text: str) -> int:
            if self.getvalue():
                raise OSError(28, "No space left on device")
            return super().write(text)

    writer = TraceWriter(FullDisk(), HEADER, clock_start=0.0)
    writer.record(1.0, TraceEventKind.WRITE, b"\x01")  # must not raise
    writer.record(2.0, TraceEventKind.NOTIFY, b"\x02")
    assert writer.entries == 0
    assert writer.stopped == "the trace could not be written (No space left on device)"


def test_a_trace_stops_where_a_replay_would_refuse_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from facecoach.devices.protocol import trace as trace_module

    monkeypatch.setattr(trace_module, "MAX_TRACE_BYTES", 600)
    writer = TraceWriter(io.StringIO(), HEADER, clock_start=0.0)
    for second in range(50):
        writer.record(float(second), TraceEventKind.NOTIFY, b"\x00" * 8)
    assert 0 < writer.entries < 50
    assert writer.stopped is not None
    assert "the most a replay reads" in writer.stopped


def test_a_trace_must_start_with_its_header(tmp_path: Path) -> None:
    with pytest.raises(TraceFileError, match="line 1"):
        read_trace(lines(tmp_path, {"t": 0, "event": "connected"}))
    (tmp_path / "empty.jsonl").write_text("\n")
    with pytest.raises(TraceFileError, match="is empty"):
        read_trace(tmp_path / "empty.jsonl")


def test_an_oversized_trace_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as out:
        out.truncate(9 * 1024 * 1024)
    with pytest.raises(TraceFileError, match="at most 8192 KiB"):
        read_trace(path)


def ack(codec: FrameCodec, opcode: int, sequence: int) -> bytes:
    return codec.encode_notification("ack", {"of": opcode, "result": 0}, sequence)


def test_replay_answers_each_write_as_recorded(tmp_path: Path) -> None:
    codec = FrameCodec(PROFILE)
    select = codec.encode_command(CommandName.SELECT_PROGRAM, {"program": 2}, sequence=5)
    stop = codec.encode_command(CommandName.STOP, {}, sequence=6)
    path = written(
        tmp_path,
        [
            (0.0, TraceEventKind.CONNECTED, None),
            (0.1, TraceEventKind.NOTIFY, b"\x90\x01"),  # said on connection
            (1.0, TraceEventKind.WRITE, select),
            (1.01, TraceEventKind.NOTIFY, ack(codec, 0x10, 5)),
            (2.0, TraceEventKind.WRITE, stop),
            (2.01, TraceEventKind.NOTIFY, ack(codec, 0x13, 6)),
        ],
    )
    firmware = ReplayFirmware(PROFILE, read_trace(path))
    assert firmware.status_frame() == b"\x90\x01"
    assert firmware.receive(select) == [ack(codec, 0x10, 5)]
    # The same command under another sequence number is answered under that number, or the
    # app would refuse the recorded ack.
    again = codec.encode_command(CommandName.STOP, {}, sequence=9)
    assert firmware.receive(again) == [ack(codec, 0x13, 9)]
    assert [c.name for c in firmware.received] == [CommandName.SELECT_PROGRAM, CommandName.STOP]
    # A command the recording never saw: no answer, kept for the bug report.
    unknown = codec.encode_command(CommandName.SELECT_PROGRAM, {"program": 4})
    assert firmware.receive(unknown) == []
    assert firmware.unmatched == [unknown]
