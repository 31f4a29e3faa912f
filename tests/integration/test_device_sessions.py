"""A session drives the device: programs per zone, charger blocks the start, drops are logged."""

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from facecoach.companion.core import Companion
from facecoach.companion.devices import PairedDevice
from facecoach.devices.paired import KnownDevice
from facecoach.devices.protocol.registry import load_registry
from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from tests.support.device_air import air_for
from tests.support.virtual_time import run_virtual

REGISTRY = {p.id: p for p in load_registry().profiles}


def companion_with_device(
    tmp_path: Path, profile_id: str, clock: FakeClock, carrier: str = "in-process"
) -> Companion:
    air = air_for(carrier, [REGISTRY[profile_id]])
    device = next(iter(air.devices.values()))
    paired = PairedDevice(tmp_path, air=air)
    paired.hub.known.remember(
        KnownDevice(
            address=device.address,
            profile=profile_id,
            name=device.name,
            paired_at=clock.now(),
            simulated=True,
        )
    )
    companion = Companion(
        clock, tmp_path, tmp_path / "log.db", RoutineLibrary.load(None), device=paired
    )
    companion.record_screening({})
    return companion


@pytest.mark.parametrize(
    ("profile_id", "expected"),
    [("reference-a", ["treat", "calm"]), ("reference-b", ["treat", "calm"])],
)
def test_each_phase_selects_its_program_on_the_device(
    tmp_path: Path, profile_id: str, expected: list[str], carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, profile_id, clock, carrier)
    routine = companion.library.get("spot-forehead").routine
    messages: list[str] = []

    async def run() -> list[int]:
        link = await companion.device.connect()
        assert link is not None
        firmware = companion.device.hub.air.device(link.address).firmware  # type: ignore[union-attr]
        codes: list[int] = []
        tasks: list[asyncio.Task[None]] = []

        def spawn(coro: Coroutine[Any, Any, None]) -> None:
            tasks.append(asyncio.get_running_loop().create_task(coro))

        driver, _ = companion.begin_session(
            routine, [], spawn=spawn, on_device_message=messages.append
        )
        driver.start()
        while not driver.session.status.is_over:
            clock.advance(1.0)
            driver.poll()
            await asyncio.gather(*tasks)
            if not codes or codes[-1] != firmware.program_code:
                codes.append(firmware.program_code)
        await asyncio.gather(*tasks)
        return codes

    codes = run_virtual(run())
    profile = REGISTRY[profile_id]
    assert codes == [profile.program(p).code for p in expected]
    assert any("Calm selected" in m for m in messages)
    record = companion.recent_sessions(1)[0]
    assert record.device is not None
    assert record.device.startswith("FC-Ref")


def test_a_device_on_its_charger_blocks_the_start(tmp_path: Path) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock)

    async def run() -> str | None:
        link = await companion.device.connect()
        assert companion.device.blocks_start() is None
        companion.device.hub.air.device(link.address).plug_in()  # type: ignore[union-attr]
        await asyncio.sleep(0)
        return companion.device.blocks_start()

    reason = run_virtual(run())
    assert reason is not None
    assert "never be used while charging" in reason


def test_a_device_lost_mid_session_is_written_into_the_session_record(
    tmp_path: Path, carrier: str
) -> None:
    clock = FakeClock()
    companion = companion_with_device(tmp_path, "reference-a", clock, carrier)
    routine = companion.library.get("spot-forehead").routine

    async def run() -> int:
        link = await companion.device.connect()
        device = companion.device.hub.air.device(link.address)  # type: ignore[union-attr]
        driver, recorder = companion.begin_session(
            routine, [], spawn=lambda c: asyncio.get_running_loop().create_task(c)
        )
        driver.start()
        await asyncio.sleep(0.1)
        device.drop_link()
        await asyncio.sleep(5)  # virtual: the link reconnects meanwhile
        clock.advance(30)
        driver.poll()
        driver.abort()
        await asyncio.sleep(0.1)
        assert recorder is not None
        assert recorder.session_id is not None
        return recorder.session_id

    session_id = run_virtual(run())
    assert companion.store is not None
    kinds = [kind for _, kind, _ in companion.store.session_events(session_id)]
    assert kinds == ["device_dropped", "device_reconnected"]
    assert companion.recent_sessions(1)[0].status == "aborted"
