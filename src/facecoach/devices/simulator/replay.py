"""A device played back from a trace: it answers each write the way the recorded device
answered the same write, so a bug report's trace reproduces the device on any machine.

A write is matched to the recording in order: the next recorded write with the same bytes, then
the same command (name and arguments, ignoring a sequence number that differs from the
recording), then any earlier one (a retry). A write the recording never saw gets no answer and
is kept in `unmatched`, as a real device would ignore a command it does not know. The device's
state (battery, charger) is whatever the recorded notifications say.

Time is kept as recorded, counted from the matching write: each notification goes out as long
after it as it did (a late ack, a charger plugged in later), and a recorded drop of the link
happens as long after it. Values the app read (battery, device information) read back as
recorded. The app's own writes with values filled in when sent (the keep-alive on its own
beat, the clock on connecting) are answered by nothing and never move the place in the
recording.
"""

from facecoach.devices.errors import FrameError
from facecoach.devices.protocol.codec import DecodedCommand, FrameCodec
from facecoach.devices.protocol.profile import ArgumentSource, DeviceProfile
from facecoach.devices.protocol.trace import (
    DeviceTrace,
    TraceEventKind,
    recorded_reads,
    replay_steps,
)
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.simulator.firmware import Answer, CommandLog


class ReplayFirmware:
    """The device end of a recorded link.

    It stands in for `SimulatedFirmware` inside a `SimulatedDevice`, so it offers what the
    device calls on its firmware: `answer`/`receive`, `received`, `status_frame`, `battery`,
    `plug_in`, `set_battery`, `on_disconnect`, `keepalive_remaining` and `settle`. A method
    added there must be added here too (the replay tests would fail without it)."""

    def __init__(self, profile: DeviceProfile, trace: DeviceTrace) -> None:
        self.profile = profile
        self._codec = FrameCodec(profile) if profile.framing is not None else None
        # The app's own writes whose values it fills in when it sends them (the keep-alive's
        # counter, the clock): never the recorded bytes, answered by nothing (their ack is
        # "none"), and they must not move the place in the recording, nor take over what the
        # device said after the command before them.
        scheduled = [*profile.on_connect, *([profile.keepalive] if profile.keepalive else [])]
        self._filled_in_when_sent = {
            write.command
            for write in scheduled
            if any(isinstance(value, ArgumentSource) for value in write.args.values())
        }
        self._script = list(replay_steps(trace, self._is_filled_in))
        self._next = 0
        self.received = CommandLog()
        self.unmatched: list[bytes] = []
        # What the device said before the app wrote anything (a status on connection).
        before = []
        for entry in trace.entries:
            if entry.event is TraceEventKind.WRITE:
                break
            if entry.event is TraceEventKind.NOTIFY:
                before.append(entry.frame)
        self._greeting = before[-1] if before else None
        self.battery = 100

    def receive(self, data: bytes) -> list[bytes]:
        """The frames the recorded device answered to this write (without their timing)."""
        return [frame for _after, frame in self.answer(data).frames]

    def answer(self, data: bytes) -> Answer:
        command = self._decode(data)
        if command is not None:
            self.received.append(command)
            if command.name in self._filled_in_when_sent:
                return Answer([])
        index = self._match(data, command)
        if index is None:
            self.unmatched.append(data)
            return Answer([])
        self._next = max(self._next, index + 1)
        step = self._script[index]
        replies = step.replies
        if step.written != data and command is not None:
            # The same command under another sequence number: the recorded answers echo the
            # recorded number, which the app would refuse; they are framed again with its own.
            recorded = self._decode(step.written)
            if recorded is not None and recorded.sequence != command.sequence:
                replies = [
                    (after, self._renumbered(f, recorded.sequence, command.sequence))
                    for after, f in replies
                ]
        return Answer(list(replies), step.drop_after)

    def _renumbered(self, frame: bytes, recorded: int | None, wanted: int | None) -> bytes:
        assert self._codec is not None
        try:
            notification = self._codec.decode_notification(frame)
        except FrameError:
            return frame
        if notification.sequence is None or notification.sequence != recorded:
            return frame
        return self._codec.encode_notification(notification.name, notification.values, wanted or 0)

    def _match(self, data: bytes, command: DecodedCommand | None) -> int | None:
        ahead = range(self._next, len(self._script))
        behind = range(0, self._next)
        for candidates in (ahead, behind):
            for index in candidates:
                if self._script[index].written == data:
                    return index
            if command is None:
                continue
            for index in candidates:
                recorded = self._decode(self._script[index].written)
                if recorded is not None and (recorded.name, recorded.args) == (
                    command.name,
                    command.args,
                ):
                    return index
        return None

    def _is_filled_in(self, frame: bytes) -> bool:
        command = self._decode(frame)
        return command is not None and command.name in self._filled_in_when_sent

    def _decode(self, data: bytes) -> DecodedCommand | None:
        if self._codec is None:
            return None
        try:
            return self._codec.decode_command(data)
        except FrameError:
            return None

    def status_frame(self) -> bytes | None:
        return self._greeting

    # A recording keeps no timers of its own: its answers are the recorded ones.
    def keepalive_remaining(self) -> float | None:
        return None

    def settle(self) -> bool:
        return False

    # What tests do to a simulated device does nothing to a recording.
    def plug_in(self, charging: bool = True) -> None:
        pass

    def set_battery(self, percent: float) -> None:
        pass

    def on_disconnect(self) -> None:
        pass


def replay_device(trace: DeviceTrace, profile: DeviceProfile) -> SimulatedDevice:
    """The recorded device, at its recorded address and name."""
    header = trace.header
    device = SimulatedDevice.from_profile(profile, header.address, header.name)
    device.firmware = ReplayFirmware(profile, trace)  # type: ignore[assignment]
    device.recorded_reads = recorded_reads(trace)
    return device
