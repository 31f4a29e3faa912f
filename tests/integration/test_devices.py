"""Device profiles, codec and the Bluetooth layer, end to end against the simulated device.

Everything goes through bleak's own BleakScanner/BleakClient with the simulator as the backend,
on an event loop whose clock jumps to the next timer, so timeouts and backoff take no real time.
The link scenarios run on both carriers (the `carrier` fixture): the in-process backend, which
answers GATT calls, and Bumble, whose peripheral and central speak real ATT over a virtual link.
"""

import asyncio
from pathlib import Path

import pytest
from bleak import BleakClient
from bleak.exc import BleakGATTProtocolError, BleakGATTProtocolErrorCode

from facecoach.companion.devices import DeviceService
from facecoach.devices.errors import CommandError, CommandTimeout, ConnectionFailed, DeviceError
from facecoach.devices.link import DeviceLink, LinkEventKind, LinkOptions
from facecoach.devices.protocol.assigned_numbers import CCCD
from facecoach.devices.protocol.checksums import ChecksumKind, checksum
from facecoach.devices.protocol.codec import FrameCodec
from facecoach.devices.protocol.golden import vector_failures
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry, parse_profile, shipped_profiles_dir
from facecoach.devices.protocol.status import LinkState
from facecoach.devices.simulator.inprocess import Air, SimulatedDevice
from facecoach.problems import problem_line
from tests.support.device_air import air_and_link as shared_air_and_link
from tests.support.device_air import air_for
from tests.support.virtual_time import run_virtual

REGISTRY = load_registry()
SHIPPED = {p.id: p for p in REGISTRY.profiles}
WITH_PROGRAMS = ["reference-a", "reference-b", "reference-c"]
# The real devices' profiles, from buttplug.io's public FOREO protocol.
FOREO = [
    "foreo-bear",
    "foreo-kiwi",
    "foreo-luna-3",
    "foreo-luna-4",
    "foreo-luna-fofo",
    "foreo-luna-play-smart-2",
    "foreo-ufo",
]


def air_and_link(carrier: str, profile_id: str) -> tuple[Air, SimulatedDevice, DeviceLink]:
    return shared_air_and_link(carrier, SHIPPED[profile_id])


def test_shipped_profiles_load_without_problems() -> None:
    assert REGISTRY.problems == []
    assert set(SHIPPED) == {
        "reference-a",
        "reference-b",
        "reference-c",
        "generic-battery",
        *FOREO,
    }
    assert sorted(p.name for p in shipped_profiles_dir().glob("*.toml")) == [
        *sorted(f"{profile_id}.toml" for profile_id in FOREO),
        "generic-battery.toml",
        "reference-a.toml",
        "reference-b.toml",
        "reference-c.toml",
    ]


@pytest.mark.parametrize("profile_id", sorted(SHIPPED))
def test_every_shipped_profile_holds_to_its_golden_vectors(profile_id: str) -> None:
    assert vector_failures(SHIPPED[profile_id]) == []


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_reference_profiles_pin_every_command(profile_id: str) -> None:
    profile = SHIPPED[profile_id]
    assert {v.command for v in profile.vectors.commands} == set(profile.commands)


def test_the_two_reference_designs_frame_differently() -> None:
    a, b = SHIPPED["reference-a"].framing, SHIPPED["reference-b"].framing
    assert a is not None
    assert b is not None
    assert (a.sequence, a.checksum) == (True, ChecksumKind.SUM8)
    assert (b.sequence, b.checksum) == (False, ChecksumKind.CRC16_CCITT_FALSE)


@pytest.mark.parametrize(
    ("kind", "check"),
    [  # the published check values for b"123456789"
        (ChecksumKind.CRC8, 0xF4),
        (ChecksumKind.CRC8_MAXIM, 0xA1),
        (ChecksumKind.CRC16_CCITT_FALSE, 0x29B1),
        (ChecksumKind.CRC16_XMODEM, 0x31C3),
        (ChecksumKind.CRC16_MODBUS, 0x4B37),
        (ChecksumKind.SUM8, 0xDD),
        (ChecksumKind.XOR8, 0x31),
    ],
)
def test_checksums_match_published_check_values(kind: ChecksumKind, check: int) -> None:
    assert checksum(kind, b"123456789") == check


def test_a_vector_that_disagrees_is_reported_with_both_byte_strings() -> None:
    text = (shipped_profiles_dir() / "reference-a.toml").read_text()
    wrong = text.replace('bytes = "A5 10 07 01 02 1A"', 'bytes = "A5 10 07 01 02 1B"')
    broken = parse_profile(wrong, "broken.toml")
    failures = vector_failures(broken)
    assert len(failures) == 1
    assert "A5 10 07 01 02 1A" in failures[0]
    assert "1B" in failures[0]


def test_intensity_above_the_profile_limit_is_never_encoded() -> None:
    codec = FrameCodec(SHIPPED["reference-b"])  # the command accepts 8, the limit is 6
    codec.encode_command(CommandName.SET_INTENSITY, {"level": 6})
    with pytest.raises(CommandError, match="above this device's limit of 6"):
        codec.encode_command(CommandName.SET_INTENSITY, {"level": 7})
    with pytest.raises(CommandError, match="from 1 to 8"):
        codec.encode_command(CommandName.SET_INTENSITY, {"level": 0})


def test_profile_errors_name_the_file_and_the_field() -> None:
    text = (shipped_profiles_dir() / "reference-a.toml").read_text()
    with pytest.raises(DeviceError, match=r"(?s)mine.toml.*framing.checksum"):
        parse_profile(text.replace('checksum = "sum8"', 'checksum = "sum9"'), "mine.toml")
    with pytest.raises(DeviceError, match="default_program 'nope' is not in programs"):
        parse_profile(
            text.replace('default_program = "lift"', 'default_program = "nope"'), "mine.toml"
        )


def test_user_profiles_replace_shipped_ones_and_broken_files_do_not_stop_the_rest(
    tmp_path: Path,
) -> None:
    text = (shipped_profiles_dir() / "reference-a.toml").read_text()
    (tmp_path / "mine.toml").write_text(
        text.replace('name = "facecoach Reference A"', 'name = "My Reference A"')
    )
    (tmp_path / "broken.toml").write_text("schema_version = 1\nid = [")
    registry = load_registry(tmp_path)
    assert registry.get("reference-a").name == "My Reference A"
    assert len(registry.problems) == 1
    assert "broken.toml" in problem_line(registry.problems[0])
    assert {p.id for p in registry.profiles} == set(SHIPPED)


def test_matching_uses_the_name_from_the_scan_response_and_prefers_specific_profiles() -> None:
    from bleak.backends.scanner import AdvertisementData

    matcher = REGISTRY.matcher
    nameless = AdvertisementData(
        None, {}, {}, ["0000180f-0000-1000-8000-00805f9b34fb"], None, -60, ()
    )
    assert matcher.match(nameless).id == "generic-battery"  # type: ignore[union-attr]
    assert matcher.match(nameless, name="FC-RefA 0001").id == "reference-a"  # type: ignore[union-attr]
    by_maker = AdvertisementData(None, {0xFFFF: b"FCA\x07"}, {}, [], None, -60, ())
    assert matcher.match(by_maker).id == "reference-a"  # type: ignore[union-attr]
    wrong_start = AdvertisementData(None, {0xFFFF: b"FCB\x07"}, {}, [], None, -60, ())
    assert matcher.match(wrong_start) is None


def test_scan_through_bleak_recognises_every_simulated_device(carrier: str) -> None:
    air = air_for(carrier, REGISTRY.profiles)

    async def scan() -> dict[str, str | None]:
        service = DeviceService(Path("/nonexistent"), air=air, registry=REGISTRY)
        results = await service.pairing.scanner().scan(0.5)
        return {r.address: r.profile.id if r.profile else None for r in results}

    found = run_virtual(scan())
    assert found == {d.address: d.profile.id for d in air.devices.values()}


@pytest.mark.parametrize("profile_id", sorted(SHIPPED))
def test_pairing_remembers_the_device_and_its_information(
    carrier: str, profile_id: str, tmp_path: Path
) -> None:
    air = air_for(carrier, [SHIPPED[profile_id]])
    address = next(iter(air.devices))

    async def pair() -> None:
        service = DeviceService(tmp_path, air=air, registry=REGISTRY)
        device = await service.pairing.pair(address)
        assert device.profile == profile_id
        if SHIPPED[profile_id].gatt.device_info:  # the simulated device has the service
            assert device.info["manufacturer"] == "facecoach simulator"

    run_virtual(pair())
    again = DeviceService(tmp_path, air=air, registry=REGISTRY)
    assert again.paired is not None
    assert again.paired.address == address
    run_virtual(again.pairing.forget(address))
    assert DeviceService(tmp_path, air=air, registry=REGISTRY).paired is None


@pytest.mark.parametrize(
    "advertised",
    [
        "FC-RefA " + "x" * 240,  # 248 bytes: the longest name BLE allows
        "FC-RefA \x1b]2;owned\x07\u202e\x9b2J" + "é" * 30,  # short, with control characters
    ],
)
def test_a_device_advertising_a_long_or_hostile_name_is_paired_under_a_clean_one(
    carrier: str, tmp_path: Path, advertised: str
) -> None:
    """Issue 28 F6: such a name crashed `devices pair` and the app's `p` (ValidationError)."""
    air = air_for(carrier, [SHIPPED["reference-a"]])
    device = next(iter(air.devices.values()))
    device.name = advertised

    async def pair() -> None:
        service = DeviceService(tmp_path, air=air, registry=REGISTRY)
        await service.pairing.pair(device.address)

    run_virtual(pair())
    paired = DeviceService(tmp_path, air=air, registry=REGISTRY).paired
    assert paired is not None
    assert paired.address == device.address
    assert paired.name.startswith("FC-RefA")
    assert len(paired.name) <= 80
    assert all(c.isprintable() for c in paired.name)


def test_pairing_with_the_wrong_profile_says_what_is_missing(carrier: str, tmp_path: Path) -> None:
    air = air_for(carrier, [SHIPPED["reference-b"]])
    address = next(iter(air.devices))
    service = DeviceService(tmp_path, air=air, registry=REGISTRY)
    with pytest.raises(ConnectionFailed, match="missing command characteristic fc0a0002"):
        run_virtual(service.pairing.pair(address, "reference-a"))
    assert service.paired is None


def test_a_device_out_of_range_is_a_clear_error(carrier: str, tmp_path: Path) -> None:
    air = air_for(carrier, [SHIPPED["reference-a"]])
    service = DeviceService(tmp_path, air=air, registry=REGISTRY)
    with pytest.raises(ConnectionFailed, match="was seen in 10 s"):
        run_virtual(service.pairing.pair("AA:BB:CC:DD:EE:FF"))


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_every_program_is_selected_and_confirmed_by_the_device(
    carrier: str, profile_id: str
) -> None:
    _, device, link = air_and_link(carrier, profile_id)

    async def run() -> None:
        await link.connect()
        for program in device.profile.programs:
            await link.select_program(program.id)
            assert device.firmware.program_code == program.code
            status = await link.query_status()
            assert status.program == program
        assert (await link.query_status()).battery == 80
        await link.disconnect()

    run_virtual(run())


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_an_ack_that_arrives_before_the_write_returns_is_not_missed(
    carrier: str, profile_id: str
) -> None:
    _, device, link = air_and_link(carrier, profile_id)
    device.faults.early_replies = True

    async def run() -> float:
        await link.connect()
        started = asyncio.get_running_loop().time()
        await link.select_program(device.profile.programs[-1].id)
        return asyncio.get_running_loop().time() - started

    assert run_virtual(run()) == 0.0  # confirmed at once, not after a timeout and a retry
    sent = [c.name for c in device.firmware.received]
    assert sent.count(CommandName.SELECT_PROGRAM) == 1


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_a_lost_or_damaged_ack_is_retried_for_idempotent_commands(
    carrier: str, profile_id: str
) -> None:
    _, device, link = air_and_link(carrier, profile_id)

    async def run() -> None:
        await link.connect()
        device.faults.drop_replies = 1
        await link.select_program(device.profile.programs[1].id)
        device.faults.corrupt_replies = 1
        await link.set_intensity(2)

    run_virtual(run())
    sent = [c.name for c in device.firmware.received]
    assert sent.count(CommandName.SELECT_PROGRAM) == 2
    assert sent.count(CommandName.SET_INTENSITY) == 2
    assert device.firmware.program_code == device.profile.programs[1].code
    assert device.firmware.intensity == 2
    assert link.bad_frames == 1


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_start_is_never_sent_twice_when_its_ack_is_late(carrier: str, profile_id: str) -> None:
    _, device, link = air_and_link(carrier, profile_id)

    async def run() -> None:
        await link.connect()
        device.faults.reply_delay = 5.0
        await link.send(CommandName.START)

    with pytest.raises(CommandTimeout, match="not sent again"):
        run_virtual(run())
    assert [c.name for c in device.firmware.received].count(CommandName.START) == 1


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_a_late_ack_within_the_timeout_is_accepted(carrier: str, profile_id: str) -> None:
    _, device, link = air_and_link(carrier, profile_id)

    async def run() -> None:
        await link.connect()
        device.faults.reply_delay = 0.9
        await link.select_program(device.profile.programs[-1].id)

    run_virtual(run())
    assert [c.name for c in device.firmware.received].count(CommandName.SELECT_PROGRAM) == 1


def test_the_device_refuses_to_start_on_its_charger_or_with_a_flat_battery(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")

    async def run() -> None:
        await link.connect()
        device.plug_in()
        with pytest.raises(CommandError, match="on its charger"):
            await link.send(CommandName.START)
        assert link.status.charging is True  # the device said so by itself
        device.plug_in(False)
        device.set_battery(3)
        with pytest.raises(CommandError, match="battery is too low"):
            await link.send(CommandName.START)

    run_virtual(run())


@pytest.mark.parametrize("profile_id", WITH_PROGRAMS)
def test_after_a_drop_the_link_reconnects_reselects_the_program_but_never_restarts(
    carrier: str,
    profile_id: str,
) -> None:
    _, device, link = air_and_link(carrier, profile_id)
    events: list[LinkEventKind] = []
    link.subscribe(lambda e: events.append(e.kind))
    chosen = device.profile.programs[-1]

    async def run() -> float:
        await link.connect()
        await link.select_program(chosen.id)
        await link.send(CommandName.START)
        assert device.firmware.running
        device.faults.disconnect_after_writes = 1
        with pytest.raises(DeviceError):
            await link.send(CommandName.QUERY_STATUS)
        dropped = asyncio.get_running_loop().time()
        while link.state is not LinkState.CONNECTED:
            await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        return asyncio.get_running_loop().time() - dropped

    run_virtual(run())
    assert LinkEventKind.DROPPED in events
    assert LinkEventKind.RECONNECTED in events
    assert device.connections == 2
    assert device.firmware.program_code == chosen.code  # reselected
    assert not device.firmware.running  # stopped on disconnect, and not restarted
    assert [c.name for c in device.firmware.received].count(CommandName.START) == 1


def test_reconnection_gives_up_with_a_message_when_the_device_stays_away(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")
    texts: list[str] = []
    link.subscribe(lambda e: texts.append(e.text))

    async def run() -> None:
        await link.connect()
        device.in_range = False
        device.drop_link()
        await asyncio.sleep(0.1)
        while link.state is LinkState.RECONNECTING:
            await asyncio.sleep(1)

    run_virtual(run())
    assert link.state is LinkState.LOST
    assert "Could not reconnect" in texts[-1]


def test_a_drop_during_the_reselection_leads_to_another_reconnection(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")
    errors: list[BaseException] = []

    async def run() -> None:
        asyncio.get_running_loop().set_exception_handler(
            lambda _loop, context: errors.append(context.get("exception") or Exception())
        )
        await link.connect()
        await link.select_program("calm")
        device.faults.disconnect_after_writes = 1  # the reselection write drops the link again
        device.drop_link()
        await asyncio.sleep(10)

    run_virtual(run())
    assert errors == []
    assert link.state is LinkState.CONNECTED
    assert device.connections == 3
    assert device.firmware.program_code == SHIPPED["reference-a"].program("calm").code


def test_the_link_exchanges_the_mtu_and_notifications_wait_for_the_cccd(carrier: str) -> None:
    air = air_for(carrier, [SHIPPED["reference-a"]])
    device = next(iter(air.devices.values()))
    gatt = device.profile.gatt
    assert gatt.notify is not None
    assert gatt.command is not None

    async def run() -> tuple[int, bytes, bytes, list[bytes]]:
        received: list[bytes] = []
        async with BleakClient(device.address, backend=air.client_backend) as client:
            notify = client.services.get_characteristic(gatt.notify.uuid)  # type: ignore[union-attr]
            assert notify is not None
            cccd = notify.get_descriptor(CCCD)
            assert cccd is not None
            before = bytes(await client.read_gatt_descriptor(cccd.handle))
            device.push_status()  # not subscribed yet: nothing may arrive
            await asyncio.sleep(0.1)
            await client.start_notify(notify, lambda _c, data: received.append(bytes(data)))
            after = bytes(await client.read_gatt_descriptor(cccd.handle))
            device.push_status()
            await asyncio.sleep(0.1)
            return client.mtu_size, before, after, received

    mtu, before, after, received = run_virtual(run())
    assert mtu == (247 if carrier == "bumble" else 23)
    assert (before, after) == (b"\x00\x00", b"\x01\x00")
    assert len(received) == 1
    assert FrameCodec(device.profile).decode_notification(received[0]).kind == "status"


def test_reading_a_write_only_characteristic_is_refused_by_the_device(carrier: str) -> None:
    air = air_for(carrier, [SHIPPED["reference-a"]])
    device = next(iter(air.devices.values()))

    async def run() -> None:
        async with BleakClient(device.address, backend=air.client_backend) as client:
            await client.read_gatt_char(device.profile.gatt.command.uuid)  # type: ignore[union-attr]

    with pytest.raises(BleakGATTProtocolError) as refused:
        run_virtual(run())
    assert refused.value.code is BleakGATTProtocolErrorCode.READ_NOT_PERMITTED


def test_a_firmware_failure_is_an_error_response_not_a_hang(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-a")

    async def run() -> float:
        await link.connect()
        device.faults.crash_on_writes = 1
        started = asyncio.get_running_loop().time()
        with pytest.raises(CommandError, match="Unlikely Error"):
            await link.select_program("calm")
        elapsed = asyncio.get_running_loop().time() - started
        await link.select_program("calm")  # the device answers again afterwards
        return elapsed

    assert run_virtual(run()) < 0.01  # answered at once, not after the 30 s ATT timeout
    assert device.firmware.program_code == SHIPPED["reference-a"].program("calm").code


def test_a_write_command_lost_in_the_firmware_is_retried(carrier: str) -> None:
    _, device, link = air_and_link(carrier, "reference-b")  # writes without response

    async def run() -> None:
        await link.connect()
        device.faults.crash_on_writes = 1
        await link.select_program("calm")

    run_virtual(run())
    assert device.firmware.program_code == SHIPPED["reference-b"].program("calm").code
    assert [c.name for c in device.firmware.received].count(CommandName.SELECT_PROGRAM) == 1


def test_pairing_at_connection_bonds_with_the_device(carrier: str) -> None:
    air = air_for(carrier, [SHIPPED["reference-a"]])
    device = next(iter(air.devices.values()))

    async def run() -> None:
        async with BleakClient(device.address, backend=air.client_backend, pair=True):
            await asyncio.sleep(0.1)

    run_virtual(run())
    assert device.paired


@pytest.mark.parametrize("profile_id", sorted(SHIPPED))
def test_legacy_advertising_fits_and_still_identifies_every_profile(profile_id: str) -> None:
    from bumble.core import AdvertisingData
    from bumble.device import Advertisement
    from bumble.hci import Address

    from facecoach.devices.simulator.bumble.peripheral import AdvertisingMode, advertising_payloads
    from facecoach.devices.transport.bumble_central import advertisement_data

    device = air_for("in-process", [SHIPPED[profile_id]]).device("DA:1D:00:00:00:01")
    primary, scan_response = advertising_payloads(device, AdvertisingMode.LEGACY)
    assert len(primary) <= 31
    assert len(scan_response) <= 31
    named = AdvertisingData.from_bytes(scan_response)
    name = named.get(AdvertisingData.COMPLETE_LOCAL_NAME) or named.get(
        AdvertisingData.SHORTENED_LOCAL_NAME
    )
    assert isinstance(name, str)
    assert device.name.startswith(name)
    assert name == device.name or len(name) >= 20  # shortened only when too long
    address = Address("DA:1D:00:00:00:01")
    # What a scanner makes of the advertisement alone, then with the scan response merged.
    alone = advertisement_data(Advertisement(address, data_bytes=primary))
    merged = advertisement_data(Advertisement(address, data_bytes=primary + scan_response))
    assert merged.local_name == name
    matched = REGISTRY.matcher.match(alone, name=merged.local_name)
    assert matched is not None
    assert matched.id == profile_id


def test_a_truncated_advertisement_is_read_without_failing() -> None:
    from bumble.device import Advertisement
    from bumble.hci import Address

    from facecoach.devices.transport.bumble_central import advertisement_data

    damaged = bytes.fromhex(
        "020106"  # flags
        "02FF01"  # manufacturer data without a whole company id
        "0B07"
        + "00" * 10  # a 128-bit UUID list cut short
        + "0509464321"  # a name, "FC!" + one more byte
        + "1A0A"  # a length running past the end
    )
    data = advertisement_data(Advertisement(Address("DA:1D:00:00:00:01"), data_bytes=damaged))
    assert data.manufacturer_data == {}
    assert data.service_uuids == []


REFERENCE_A = (shipped_profiles_dir() / "reference-a.toml").read_text(encoding="utf-8")
SELECT_PROGRAM_IDEMPOTENT = "[commands.select_program]\nopcode = 0x10\nidempotent = true\n"


def test_a_command_is_not_retried_unless_its_profile_says_it_is_safe(carrier: str) -> None:
    """A profile that says nothing about a command sends it once, however its ack goes."""
    text = REFERENCE_A.replace(
        SELECT_PROGRAM_IDEMPOTENT, "[commands.select_program]\nopcode = 0x10\n"
    )
    text = text.replace(
        'ack = { kind = "ack", timeout = 1.0, retries = 2 }', 'ack = { kind = "ack" }', 1
    )
    profile = parse_profile(text, "silent.toml")
    assert not profile.commands[CommandName.SELECT_PROGRAM].idempotent
    air = air_for(carrier, [profile])
    device = next(iter(air.devices.values()))
    link = DeviceLink(
        profile,
        device.address,
        name=device.name,
        options=LinkOptions(air.scanner_backend, air.client_backend),
    )

    async def run() -> None:
        await link.connect()
        device.faults.drop_replies = 1
        await link.select_program(profile.programs[1].id)

    with pytest.raises(CommandTimeout, match="not sent again"):
        run_virtual(run())
    sent = [c.name for c in device.firmware.received]
    assert sent.count(CommandName.SELECT_PROGRAM) == 1


def test_retries_on_a_command_not_said_to_be_safe_are_refused() -> None:
    text = REFERENCE_A.replace(
        SELECT_PROGRAM_IDEMPOTENT, "[commands.select_program]\nopcode = 0x10\n"
    )
    with pytest.raises(DeviceError, match="idempotent = true"):
        parse_profile(text, "retrying.toml")


def test_under_a_transport_a_failing_controller_is_named_not_the_systems_bluetooth() -> None:
    """With --transport, an OS error is the controller's (its USB or socket), so the advice
    names it rather than BlueZ."""
    air, device, _ = air_and_link("in-process", "reference-a")

    class FailingController(air.client_backend):  # type: ignore[name-defined,misc]
        async def connect(self, pair: bool, **kwargs: object) -> None:
            raise OSError(5, "Input/output error")

    link = DeviceLink(
        device.profile,
        device.address,
        name=device.name,
        options=LinkOptions(
            air.scanner_backend, FailingController, transport="usb:0", connect_attempts=1
        ),
    )
    with pytest.raises(ConnectionFailed) as raised:
        run_virtual(link.connect())
    text = str(raised.value)
    assert text.startswith(f"Could not connect to {device.name}: the Bluetooth controller 'usb:0'")
    assert "(Input/output error)" in text
    assert "bluetoothd" not in text
    assert "BlueZ" not in text
