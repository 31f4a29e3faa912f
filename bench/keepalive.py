"""The keep-alive's beat as the device sees it: the gaps between keep-alive frames arriving at
a simulated reference-c (500 ms beat, 1500 ms timeout), sent by facecoach's `DeviceLink` over
bleak on a real event loop, against the naive way (write, then `asyncio.sleep(interval)`) in
the same run.

What matters to the user: the device stops stimulating when a gap exceeds the timeout, so the
margin is `timeout - largest gap`; and a beat that drifts sends fewer frames than planned. The
conditions: an idle loop; issue 2's load (8 ms of computing every 100 ms); and that plus a
300 ms stall every 5 s (History opened with ten years of sessions stalled the loop for 168 ms
at most, in issue 15's measurement).

    python bench/keepalive.py                 # 30 s per condition
    python bench/keepalive.py --seconds 60
"""

import argparse
import asyncio
import itertools
import statistics
import time
from collections.abc import Awaitable, Callable

from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.simulator.inprocess import SimulatedAir, reference_devices

PROFILE = load_registry().get("reference-c")
KEEPALIVE = PROFILE.keepalive
assert KEEPALIVE is not None
KEEPALIVE_COMMAND = KEEPALIVE.command
INTERVAL = KEEPALIVE.interval_ms / 1000
TIMEOUT = KEEPALIVE.timeout_ms / 1000

Load = Callable[[], Awaitable[None]]


async def idle() -> None:
    await asyncio.Event().wait()


async def issue_2_load() -> None:
    while True:
        end = time.perf_counter() + 0.008
        while time.perf_counter() < end:
            pass
        await asyncio.sleep(0.1)


async def with_stalls() -> None:
    async def stalls() -> None:
        while True:
            await asyncio.sleep(5)
            time.sleep(0.3)  # the loop is blocked: what a long synchronous redraw does

    await asyncio.gather(issue_2_load(), stalls())


def arrivals(device: SimulatedDevice) -> list[float]:
    """When each keep-alive frame reached the device, on the device's clock."""
    times: list[float] = []
    firmware = device.firmware
    receive = firmware.receive

    def timed(data: bytes) -> list[bytes]:
        before = len(firmware.received)
        replies = receive(data)
        times.extend(
            time.monotonic()
            for command in firmware.received[before:]
            if command.name == KEEPALIVE_COMMAND
        )
        return replies

    firmware.receive = timed  # type: ignore[method-assign]
    return times


async def facecoach_link(device: SimulatedDevice, air: SimulatedAir, seconds: float) -> None:
    link = DeviceLink(
        PROFILE, device.address, options=LinkOptions(air.scanner_backend, air.client_backend)
    )
    await link.connect()
    await asyncio.sleep(seconds)
    await link.disconnect()


async def naive(device: SimulatedDevice, air: SimulatedAir, seconds: float) -> None:
    """The baseline: the same frames written one after another with a sleep between."""
    from bleak import BleakClient

    codec = FrameCodec(PROFILE)
    assert PROFILE.gatt.command is not None
    async with BleakClient(device.address, backend=air.client_backend) as client:
        end = time.monotonic() + seconds
        count = 0
        while time.monotonic() < end:
            frame = codec.encode_command(KEEPALIVE_COMMAND, {"count": count & 0xFFFF}, count)
            await client.write_gatt_char(PROFILE.gatt.command.uuid, frame, response=True)
            count += 1
            await asyncio.sleep(INTERVAL)


async def one_run(
    sender: Callable[[SimulatedDevice, SimulatedAir, float], Awaitable[None]],
    load: Load,
    seconds: float,
) -> list[float]:
    (device,) = reference_devices([PROFILE])
    air = SimulatedAir([device])
    times = arrivals(device)
    background = asyncio.ensure_future(load())
    try:
        await sender(device, air, seconds)
    finally:
        background.cancel()
    return times


def summary(times: list[float], seconds: float) -> str:
    gaps = sorted(b - a for a, b in itertools.pairwise(times))
    if not gaps:
        return "no frames"
    p95 = gaps[int(0.95 * (len(gaps) - 1))]
    planned = int(seconds / INTERVAL)
    drift = (times[-1] - times[0]) - (len(times) - 1) * INTERVAL
    return (
        f"{len(times)} frames (plan {planned}); gap median {statistics.median(gaps) * 1000:.1f}"
        f" / p95 {p95 * 1000:.1f} / max {gaps[-1] * 1000:.1f} ms; margin to the timeout "
        f"{(TIMEOUT - gaps[-1]) * 1000:.0f} ms; beat drift {drift * 1000:+.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    conditions: list[tuple[str, Load]] = [
        ("idle", idle),
        ("issue 2's load", issue_2_load),
        ("load + 300 ms stall every 5 s", with_stalls),
    ]
    print(f"reference-c: beat {INTERVAL * 1000:.0f} ms, timeout {TIMEOUT * 1000:.0f} ms")
    for label, load in conditions:
        for name, sender in (("facecoach", facecoach_link), ("naive", naive)):
            times = asyncio.run(one_run(sender, load, args.seconds))
            print(f"{label:<32} {name:<10} {summary(times, args.seconds)}")


if __name__ == "__main__":
    main()
