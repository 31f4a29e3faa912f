"""Round-trip measurements shared by the device benchmarks (devices.py, carriers.py)."""

import asyncio
import statistics
import time

from bleak import BleakClient

from facecoach.devices.link import DeviceLink
from facecoach.devices.protocol.profile import DeviceProfile, WriteMode


def ms(values: list[float]) -> str:
    """Median and 95th percentile, in milliseconds."""
    p95 = sorted(values)[max(0, int(len(values) * 0.95) - 1)]
    return f"{statistics.median(values) * 1000:8.3f} ms (p95 {p95 * 1000:.3f})"


async def bare_write_notify(
    client: BleakClient, profile: DeviceProfile, rounds: int
) -> list[float]:
    """A bare bleak write and the notification it causes: no codec, waiter, lock or retries."""
    gatt = profile.gatt
    assert gatt.notify is not None
    assert gatt.command is not None
    frame = profile.vectors.commands[0].bytes
    got = asyncio.Event()
    await client.start_notify(gatt.notify.uuid, lambda _c, _d: got.set())
    response = gatt.command.write is WriteMode.WITH_RESPONSE
    samples: list[float] = []
    for _ in range(rounds):
        got.clear()
        start = time.perf_counter()
        await client.write_gatt_char(gatt.command.uuid, frame, response=response)
        await got.wait()
        samples.append(time.perf_counter() - start)
    return samples


async def select_program_round_trips(link: DeviceLink, rounds: int) -> list[float]:
    """DeviceLink.select_program, framed and acknowledged, cycling through the programs."""
    programs = link.profile.programs
    samples: list[float] = []
    for i in range(rounds):
        start = time.perf_counter()
        await link.select_program(programs[i % len(programs)].id)
        samples.append(time.perf_counter() - start)
    return samples
