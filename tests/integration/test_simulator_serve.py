"""`facecoach simulator serve` end to end: the simulated device on a controller reached through a
real Bumble transport (HCI packets over TCP), found and driven by facecoach's own link code."""

import pytest
from bumble.link import LocalLink

from facecoach.cli.main import main
from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.profile import CommandName
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.bumble.peripheral import AdvertisingMode
from facecoach.devices.simulator.device import SimulatedDevice
from tests.support.hci_tcp import Dongle, leaves_bumbles_socket, run_over_tcp, start_serving

PROFILE = load_registry().get("reference-a")

pytestmark = pytest.mark.slow


@leaves_bumbles_socket
def test_a_served_device_is_found_paired_and_commanded_over_an_hci_transport() -> None:
    device = SimulatedDevice.from_profile(PROFILE, "DA:1D:00:00:00:07")
    events: list[str] = []

    async def run() -> None:
        link = LocalLink()  # type: ignore[no-untyped-call]  # the "air" between the dongle's controller and the central
        dongle = Dongle(link)
        stop, serving = await start_serving(
            device, await dongle.plug_in(), events, advertising=AdvertisingMode.LEGACY
        )
        air = BumbleAir(link=link)
        central = DeviceLink(
            PROFILE,
            device.address,
            name=device.name,
            options=LinkOptions(air.scanner_backend, air.client_backend),
        )
        await central.connect(pair=True)
        await central.select_program("calm")
        status = await central.query_status()
        assert status.program is not None
        assert status.program.id == "calm"
        await central.disconnect()
        stop.set()
        await serving
        await air.close()
        await dongle.pull_out()

    run_over_tcp(run())
    assert device.paired
    assert device.firmware.program_code == PROFILE.program("calm").code
    assert [c.name for c in device.firmware.received] == [
        CommandName.SELECT_PROGRAM,
        CommandName.QUERY_STATUS,
    ]
    assert events[0].startswith("advertising 'FC-RefA 0007'")
    assert any(e.startswith("connected to") for e in events)
    assert "paired" in events
    assert any(e.startswith("received select_program program=") and "[A5 " in e for e in events)
    assert any(e.startswith("disconnected") for e in events)


def test_serve_explains_a_transport_it_cannot_open(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulator", "serve", "--transport", "serial:/dev/no-such-hci"]) == 1
    error = capsys.readouterr().err
    assert "Could not open the Bumble transport 'serial:/dev/no-such-hci'" in error
    assert "usb:0" in error  # and says what a transport looks like


def test_serve_refuses_an_address_a_peripheral_cannot_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        main(["simulator", "serve", "--transport", "usb:0", "--address", "12:34:56:78:9A:BC"]) == 1
    )
    assert "first byte must be C0 to FF" in capsys.readouterr().err
