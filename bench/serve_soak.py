"""`simulator serve` under a central that reconnects at once, and a dongle pulled out again
and again: no stuck advertising, no leak, no traceback.

The served device's controller sits behind HCI over TCP (through a relay that can be cut, as a
pulled dongle), facecoach's `serve` is the host; a Bumble central on the same virtual link
connects, disconnects and reconnects at once, `--cycles` times. Then the dongle is pulled
`--losses` times: each time serve must notice and stop, and is started again on a new
dongle. Reports reconnect times (median, p95), the slowest notice of a lost dongle, memory and
open file descriptors before and after, and whether anything was logged. (Bumble's tcp-server
transport, the dongle's stand-in here, keeps the socket it accepted: one descriptor per pulled
dongle is the harness's, not serve's.)

    python bench/serve_soak.py [--cycles 1000] [--losses 100]
"""

import argparse
import asyncio
import contextlib
import gc
import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))

from bumble.hci import HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR, Address
from bumble.link import LocalLink

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.device import SimulatedDevice
from tests.support.hci_tcp import Dongle, start_serving

ADDRESS = "DA:1D:00:00:00:07"
PEER = Address(ADDRESS, Address.RANDOM_DEVICE_ADDRESS)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def open_fds() -> int:
    gc.collect()  # sockets nobody holds any more are closed when collected
    return len(os.listdir("/proc/self/fd"))


async def soak(cycles: int, losses: int) -> None:
    device = SimulatedDevice.from_profile(load_registry().get("reference-a"), ADDRESS)
    link = LocalLink()  # type: ignore[no-untyped-call]
    air = BumbleAir(link=link)
    central = await air.central()
    events: list[str] = []

    async def plug_in_and_serve() -> tuple[Dongle, asyncio.Task[None]]:
        dongle = Dongle(link)
        events.clear()
        _stop, task = await start_serving(device, await dongle.plug_in(), events)
        return dongle, task

    dongle, serving = await plug_in_and_serve()
    rss_before, fds_before = rss_mib(), open_fds()
    reconnects: list[float] = []
    stuck = 0
    for _ in range(cycles):
        start = time.perf_counter()
        try:
            connection = await asyncio.wait_for(central.connect(PEER), 3)
        except TimeoutError:
            stuck += 1
            continue
        reconnects.append(time.perf_counter() - start)
        await connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
    rss_cycles, fds_cycles = rss_mib(), open_fds()

    notices: list[float] = []
    unnoticed = 0
    for _ in range(losses):
        start = time.perf_counter()
        await dongle.pull_out()
        try:
            await asyncio.wait_for(serving, 5)
            unnoticed += 1  # ended without saying the dongle went away
        except DeviceError:
            notices.append(time.perf_counter() - start)
        except TimeoutError:
            unnoticed += 1
        dongle, serving = await plug_in_and_serve()
    connection = await asyncio.wait_for(central.connect(PEER), 3)  # still works after all that
    await connection.disconnect(HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR)
    await dongle.pull_out()
    with contextlib.suppress(DeviceError):
        await asyncio.wait_for(serving, 5)
    await air.close()
    rss_after, fds_after = rss_mib(), open_fds()

    ordered = sorted(reconnects)
    print(f"{cycles} connect/disconnect cycles, reconnecting at once:")
    print(f"  stuck (no connection within 3 s): {stuck}")
    if ordered:
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        print(
            f"  connect time: median {statistics.median(ordered) * 1000:.1f} ms,"
            f" p95 {p95 * 1000:.1f} ms"
        )
    print(f"  RSS {rss_before:.1f} -> {rss_cycles:.1f} MiB, open fds {fds_before} -> {fds_cycles}")
    print(f"{losses} dongles pulled out:")
    print(f"  unnoticed: {unnoticed}")
    if notices:
        print(
            f"  noticed in: median {statistics.median(notices) * 1000:.1f} ms,"
            f" max {max(notices) * 1000:.1f} ms"
        )
    print(f"  RSS {rss_cycles:.1f} -> {rss_after:.1f} MiB, open fds {fds_cycles} -> {fds_after}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=1000)
    parser.add_argument("--losses", type=int, default=100)
    arguments = parser.parse_args()
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    logging.getLogger().addHandler(Keep(level=logging.WARNING))
    asyncio.run(soak(arguments.cycles, arguments.losses))
    print(f"warnings and errors logged: {len(records)}")
    for record in records[:5]:
        print(f"  {record.name}: {record.getMessage()[:150]}")


if __name__ == "__main__":
    main()
