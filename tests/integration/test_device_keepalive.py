"""Reference C's writes on connection and its keep-alive, through bleak's BleakClient on both
carriers, on a virtual-time loop (the device's own timers keep the loop's clock)."""

import asyncio
import time

from facecoach.devices.link import DeviceLink, LinkEvent, LinkEventKind
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.protocol.status import LinkState
from facecoach.devices.simulator.inprocess import SimulatedDevice
from tests.support.device_air import air_and_link
from tests.support.virtual_time import run_virtual

REFERENCE_C = load_registry().get("reference-c")
KEEPALIVE = REFERENCE_C.keepalive
assert KEEPALIVE is not None
TIMEOUT = KEEPALIVE.timeout_ms / 1000
INTERVAL = KEEPALIVE.interval_ms / 1000


def device_and_link(carrier: str) -> tuple[SimulatedDevice, DeviceLink, list[LinkEvent]]:
    _, device, link = air_and_link(carrier, REFERENCE_C)
    events: list[LinkEvent] = []
    link.subscribe(events.append)
    return device, link, events


async def until_state(link: DeviceLink, state: LinkState) -> None:
    while link.state is not state:
        await asyncio.sleep(0.01)


def names(device: SimulatedDevice) -> list[str]:
    return [command.name for command in device.firmware.received]


def test_every_connection_first_sets_the_clock_and_the_soft_limit(carrier: str) -> None:
    device, link, _ = device_and_link(carrier)

    async def run() -> None:
        await link.connect()
        assert names(device)[:2] == ["sync_clock", "set_limit"]
        device.faults.disconnect_after_writes = 1
        await asyncio.sleep(INTERVAL * 2)  # the next keep-alive's write drops the link
        while link.state is not LinkState.CONNECTED:
            await asyncio.sleep(0.05)
        await link.disconnect()

    run_virtual(run())
    assert device.connections == 2
    assert names(device).count("sync_clock") == 2  # again on the reconnection
    assert device.firmware.settings["set_limit"] == {"level": REFERENCE_C.limits.max_intensity}
    assert abs(device.firmware.settings["sync_clock"]["time"] - time.time()) < 60


def test_the_keepalive_keeps_a_running_device_going_on_a_steady_beat(carrier: str) -> None:
    device, link, _ = device_and_link(carrier)

    async def run() -> None:
        await link.connect()
        await link.send(CommandName.START)
        await asyncio.sleep(30)
        assert device.firmware.running
        await link.disconnect()

    run_virtual(run())
    counts = [c.args["count"] for c in device.firmware.received if c.name == "keepalive"]
    # Every 0.5 s for 30 s and a little more, numbered without a gap, and never drifting.
    assert abs(len(counts) - 30 / INTERVAL) <= 3
    assert counts == list(range(len(counts)))
    assert device.firmware.keepalive_stops == 0


def test_a_stalled_keepalive_stops_the_device_at_its_deadline_and_the_user_hears_why(
    carrier: str,
) -> None:
    device, link, events = device_and_link(carrier)
    heard: list[float] = []
    link.subscribe(
        lambda event: (
            heard.append(asyncio.get_running_loop().time())
            if event.kind is LinkEventKind.KEEPALIVE_LOST
            else None
        )
    )

    async def run() -> float:
        await link.connect()
        await link.send(CommandName.START)
        await asyncio.sleep(5)
        assert device.firmware.running
        # The app hangs, as far as the device can tell: nothing it sends arrives any more.
        device.faults.ignored_writes = 10**6
        stalled = asyncio.get_running_loop().time()
        await asyncio.sleep(TIMEOUT * 2)
        return stalled

    stalled = run_virtual(run())
    assert not device.firmware.running
    assert device.firmware.keepalive_lost
    assert device.firmware.keepalive_stops == 1
    assert link.status.running is False  # the device said so by itself
    assert len(heard) == 1
    # The last keep-alive arrived at most one interval before the stall: the device stopped a
    # timeout after it, not whenever somebody next asked.
    assert stalled + TIMEOUT - INTERVAL <= heard[0] <= stalled + TIMEOUT + 0.05
    text = next(e.text for e in events if e.kind is LinkEventKind.KEEPALIVE_LOST)
    assert "stopped stimulating by itself" in text


def test_no_keepalive_goes_out_once_the_app_disconnects(carrier: str) -> None:
    device, link, _ = device_and_link(carrier)

    async def run() -> int:
        await link.connect()
        await asyncio.sleep(3)
        await link.disconnect()
        sent = link.keepalives_sent
        await asyncio.sleep(10)
        assert link.keepalives_sent == sent
        return sent

    sent = run_virtual(run())
    assert sent >= 3 / INTERVAL - 1
    assert names(device).count("keepalive") == sent


def test_a_reconnection_whose_set_up_fails_is_not_kept_and_the_next_one_is(carrier: str) -> None:
    """A link that came back without its set-up would have no keep-alive: the device would
    stop seconds into the next session. Such a connection is let go and tried again."""
    device, link, events = device_and_link(carrier)

    async def run() -> None:
        await link.connect()
        device.faults.disconnect_after_writes = 1  # the next keep-alive's write drops it
        await until_state(link, LinkState.RECONNECTING)
        device.faults.crash_on_writes = 1  # and the first write after reconnecting fails
        await until_state(link, LinkState.CONNECTED)
        sent = link.keepalives_sent
        await asyncio.sleep(3)
        assert link.keepalives_sent >= sent + 3 / INTERVAL - 1  # alive again
        await link.disconnect()

    run_virtual(run())
    assert device.connections == 3  # the failed set-up's connection, then a good one
    kinds = [e.kind for e in events]
    assert kinds.count(LinkEventKind.RECONNECTED) == 1
    assert names(device).count("set_limit") == 2  # the soft limit, on each kept connection
