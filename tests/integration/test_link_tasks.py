"""Every task a DeviceLink starts (its keep-alive, its reconnection) has ended when the link is
done with it: through bleak's BleakClient on the simulated carriers, on a virtual-time loop."""

import asyncio
import logging

import pytest
from bleak.exc import BleakError

from facecoach.devices.errors import ConnectionFailed, ConnectProblem
from facecoach.devices.link import LinkEventKind, LinkState
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import SimulatedDevice
from tests.support.device_air import air_and_link
from tests.support.virtual_time import run_virtual

REFERENCE_A = load_registry().get("reference-a")
REFERENCE_C = load_registry().get("reference-c")  # a keep-alive every 0.5 s
assert REFERENCE_C.keepalive is not None
INTERVAL = REFERENCE_C.keepalive.interval_ms / 1000


def keepalives_heard(device: SimulatedDevice) -> int:
    return sum(1 for command in device.firmware.received if command.name == "keepalive")


def task_name(task: "asyncio.Task[object]") -> str:
    return str(getattr(task.get_coro(), "__qualname__", task.get_name()))


# Loop turns after a keep-alive's beat: over Bumble's real stack a write takes several turns
# to be answered, so some of these fall while the keep-alive's write is on the air.
@pytest.mark.parametrize("turns", range(9))
def test_a_disconnect_during_a_keepalive_write_leaves_nothing_on_the_air(
    turns: int, caplog: pytest.LogCaptureFixture
) -> None:
    _, device, link = air_and_link("bumble", REFERENCE_C)
    caplog.set_level(logging.WARNING)

    async def run() -> tuple[int, int, list[str]]:
        await link.connect()
        before = asyncio.all_tasks()
        await asyncio.sleep(2 * INTERVAL)  # the instant of a beat
        for _ in range(turns):
            await asyncio.sleep(0)
        await link.disconnect()
        # Whatever the link started for this connection has ended: no write still on its way.
        # (The simulated device itself advertises again once it is free.)
        left = [
            name
            for task in asyncio.all_tasks() - before
            if not task.done()
            and task is not asyncio.current_task()
            and not (name := task_name(task)).startswith("BumblePeripheral.")
        ]
        heard = keepalives_heard(device)
        await asyncio.sleep(5 * INTERVAL)
        return heard, keepalives_heard(device), left

    heard, later, left = run_virtual(run())
    assert left == []
    assert later == heard  # nothing reached the device after disconnect() returned
    assert heard == link.keepalives_sent  # each frame it heard went out whole, and was counted
    # Bumble warns when a write comes for a connection that is gone.
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_drop_during_the_reselection_is_one_more_try_not_a_second_reconnection(
    carrier: str,
) -> None:
    """The user is told "reconnected" once, when the device is back with its program, never
    while the link is still reconnecting (the session log records each as an event)."""
    _, device, link = air_and_link(carrier, REFERENCE_A)
    heard: list[tuple[LinkEventKind, LinkState]] = []
    link.subscribe(lambda event: heard.append((event.kind, link.state)))

    async def run() -> None:
        await link.connect()
        await link.select_program("calm")
        device.faults.disconnect_after_writes = 2  # the reselection after reconnecting drops
        device.drop_link()
        await asyncio.sleep(10)
        await link.disconnect()

    run_virtual(run())
    back = [state for kind, state in heard if kind is LinkEventKind.RECONNECTED]
    assert back == [LinkState.CONNECTED]
    assert [kind for kind, _ in heard].count(LinkEventKind.DROPPED) == 2
    assert device.firmware.program_code == REFERENCE_A.program("calm").code


def test_a_refused_subscription_is_a_failed_connection_said_in_words() -> None:
    """The device takes the connection but refuses its notifications: the user gets a
    connection failure with advice, not bleak's own error (a traceback in the CLI)."""
    _, device, link = air_and_link("in-process", REFERENCE_A)
    device.faults.refuse_subscriptions = 1

    async def run() -> None:
        with pytest.raises(ConnectionFailed, match=r"^Could not connect to FC-RefA") as failed:
            await link.connect()
        # It did connect: the advice is not "move closer".
        assert failed.value.kind is ConnectProblem.SETUP_REFUSED
        assert "refused to send its notifications" in str(failed.value)
        assert "Move closer" not in str(failed.value)
        assert link.state is LinkState.DISCONNECTED
        assert device.client is None  # the half-made connection was closed
        assert isinstance(failed.value.__cause__, BleakError)
        # bleak's words for it, not the repr of its arguments
        assert str(failed.value).endswith("again. (GATT Protocol Error: Unlikely Error)")
        await link.connect()  # the next try is a fresh one, and works
        assert link.is_connected
        await link.disconnect()

    run_virtual(run())


def test_a_refused_subscription_while_reconnecting_is_one_more_try() -> None:
    """Before, the reconnection died of bleak's error on its first try: the link said
    "reconnecting" for good, and the next disconnect() raised it."""
    _, device, link = air_and_link("in-process", REFERENCE_A)
    heard: list[LinkEventKind] = []
    link.subscribe(lambda event: heard.append(event.kind))

    async def run() -> LinkState:
        await link.connect()
        device.faults.refuse_subscriptions = 1
        device.drop_link()
        await asyncio.sleep(60)
        state = link.state
        await link.disconnect()  # raises nothing
        return state

    assert run_virtual(run()) is LinkState.CONNECTED
    assert heard.count(LinkEventKind.RECONNECTED) == 1
    assert LinkEventKind.GAVE_UP not in heard
