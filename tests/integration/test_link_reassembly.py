"""Messages that come in several notifications are joined by the live link (through
BleakClient and the simulator backend); one that begins and never ends is dropped with a
message, and a command waiting on it times out on the loop's (virtual) clock, never hangs."""

import asyncio

import pytest

from facecoach.devices.errors import CommandTimeout
from facecoach.devices.link import DeviceLink, LinkEventKind
from facecoach.devices.protocol.profile import CommandName, Endpoint, normalize_uuid
from facecoach.devices.protocol.registry import load_profile_file, load_registry
from facecoach.devices.simulator.inprocess import Air, SimulatedDevice
from tests.support.device_air import air_and_link as shared_air_and_link
from tests.support.real_captures import FIXTURES
from tests.support.virtual_time import run_virtual


def air_and_link(carrier: str, profile_id: str) -> tuple[Air, SimulatedDevice, DeviceLink]:
    shipped = {p.id: p for p in load_registry().profiles}
    return shared_air_and_link(carrier, shipped[profile_id])


def bad_frame_texts(link: DeviceLink) -> list[str]:
    texts: list[str] = []
    link.subscribe(lambda e: texts.append(e.text) if e.kind is LinkEventKind.BAD_FRAME else None)
    return texts


def test_an_answer_in_three_byte_pieces_is_joined_and_confirms_at_once(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")
    device.faults.split_replies = 3
    bad = bad_frame_texts(link)

    async def run() -> float:
        await link.connect()
        started = asyncio.get_running_loop().time()
        await link.select_program(device.profile.programs[-1].id)
        await link.set_intensity(2)
        return asyncio.get_running_loop().time() - started

    assert run_virtual(run()) == 0.0  # no timeout, no retry
    sent = [c.name for c in device.firmware.received]
    assert sent.count(CommandName.SELECT_PROGRAM) == 1
    assert link.bad_frames == 0
    assert bad == []


def test_an_answer_that_never_ends_is_dropped_in_words_and_the_command_retried(
    carrier: str,
) -> None:
    _, device, link = air_and_link(carrier, "reference-a")
    device.faults.split_replies = 3
    bad = bad_frame_texts(link)

    async def run() -> float:
        await link.connect()
        device.faults.cut_replies = 1
        started = asyncio.get_running_loop().time()
        await link.select_program(device.profile.programs[1].id)
        return asyncio.get_running_loop().time() - started

    timeout = device.profile.commands[CommandName.SELECT_PROGRAM].ack.timeout
    assert run_virtual(run()) == pytest.approx(timeout)
    assert [c.name for c in device.firmware.received].count(CommandName.SELECT_PROGRAM) == 2
    assert device.firmware.program_code == device.profile.programs[1].code
    assert link.bad_frames == 1
    assert bad == [f"Ignored an incomplete message from {link.name}: it began but never ended."]


def test_a_start_whose_answer_never_ends_times_out_and_says_why(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")
    device.faults.split_replies = 4

    async def run() -> None:
        await link.connect()
        device.faults.cut_replies = 1
        await link.send(CommandName.START)

    with pytest.raises(CommandTimeout, match="Its answer began but never ended"):
        run_virtual(run())
    assert [c.name for c in device.firmware.received].count(CommandName.START) == 1


def test_the_inverters_statistics_in_twenty_byte_notifications_decode_as_one(
    carrier: str,
) -> None:
    # The Modbus inverter (written from its publisher's specification) answers in pieces of
    # 20 bytes, as in its real capture: the link joins the 197-byte answer.
    real = load_profile_file(FIXTURES / "lumentree.toml")
    # The real device writes and notifies on one characteristic (FFE1); the simulator gives
    # each endpoint a characteristic of its own, so the answers come on FFE2 here.
    gatt = real.gatt.model_copy(update={"notify": Endpoint(uuid=normalize_uuid("ffe2"))})
    profile = real.model_copy(update={"gatt": gatt})
    _, device, link = shared_air_and_link(carrier, profile)
    device.faults.split_replies = 20
    statuses: list[LinkEventKind] = []
    link.subscribe(lambda e: statuses.append(e.kind) if e.kind is LinkEventKind.STATUS else None)

    async def run() -> None:
        await link.connect()
        await link.send("read_statistics", {"register": 584, "count": 96})
        device.push_status()
        await asyncio.sleep(0.5)  # virtual time: the pieces cross the carrier

    run_virtual(run())
    assert statuses == [LinkEventKind.STATUS]
    assert link.bad_frames == 0
    assert device.firmware.received[-1].args == {"register": 584, "count": 96}
