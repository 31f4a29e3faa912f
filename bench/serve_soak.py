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

from bumble.controller import Controller
from bumble.hci import HCI_REMOTE_USER_TERMINATED_CONNECTION_ERROR, Address
from bumble.link import LocalLink
from bumble.transport import open_transport

from facecoach.devices.errors import DeviceError
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.bumble.serve import serve
from facecoach.devices.simulator.device import SimulatedDevice
from tests.support.hci_tcp import free_port

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


class Dongle:
    """A controller behind TCP, reached through a relay that can be cut."""

    def __init__(self, link: LocalLink) -> None:
        self.link = link
        self.cut = asyncio.Event()

    async def start(self) -> str:
        port = free_port()
        self.transport = await open_transport(f"tcp-server:127.0.0.1:{port}")
        self.controller = Controller(
            "dongle",
            host_source=self.transport.source,
            host_sink=self.transport.sink,
            link=self.link,
        )

        async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)

            async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
                while data := await source.read(4096):
                    sink.write(data)

            pumps = [
                asyncio.ensure_future(pump(reader, up_writer)),
                asyncio.ensure_future(pump(up_reader, writer)),
            ]
            await self.cut.wait()
            for task in pumps:
                task.cancel()
            writer.close()
            up_writer.close()

        self.relay = await asyncio.start_server(relay, "127.0.0.1", 0)
        return f"tcp-client:127.0.0.1:{self.relay.sockets[0].getsockname()[1]}"

    async def pull_out(self) -> None:
        self.cut.set()
        self.relay.close()
        self.link.remove_controller(self.controller)  # type: ignore[no-untyped-call]
        await self.transport.close()


async def soak(cycles: int, losses: int) -> None:
    device = SimulatedDevice.from_profile(load_registry().get("reference-a"), ADDRESS)
    link = LocalLink()  # type: ignore[no-untyped-call]
    air = BumbleAir(link=link)
    central = await air.central()
    events: list[str] = []

    async def start_serving() -> tuple[Dongle, asyncio.Task[None]]:
        dongle = Dongle(link)
        spec = await dongle.start()
        events.clear()
        task = asyncio.create_task(serve(spec, device, asyncio.Event(), on_event=events.append))
        while not any(e.startswith("advertising") for e in events):
            await asyncio.sleep(0.001)
        return dongle, task

    dongle, serving = await start_serving()
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
        dongle, serving = await start_serving()
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
