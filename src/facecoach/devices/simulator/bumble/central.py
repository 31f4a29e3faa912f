"""`BumbleAir`: simulated devices served by Bumble peripherals on one virtual link, reached by
facecoach's own central (devices/transport/bumble_central.py, the `--transport` carrier).

`BleakScanner(backend=air.scanner_backend)` and `BleakClient(..., backend=air.client_backend)` then
reach the simulated devices through a complete Bluetooth stack: HCI, link layer, L2CAP and ATT,
with MTU exchange, handle discovery, CCCD writes and notifications as real packets.
"""

from collections.abc import Iterable

from bumble.controller import Controller
from bumble.device import Device
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from facecoach.devices.simulator.bumble.identity import peripheral_stack
from facecoach.devices.simulator.bumble.peripheral import (
    AdvertisingMode,
    BumblePeripheral,
    static_random_address,
)
from facecoach.devices.simulator.device import SimulatedDevice
from facecoach.devices.transport.bumble_central import CENTRAL_ADDRESS, CentralAir


class BumbleAir(CentralAir):
    """Simulated devices, each a Bumble peripheral, and facecoach's central, on a virtual link.

    The stacks are built on first use, inside the event loop that uses them. Device addresses
    must be static random addresses (first byte C0 to FF), as a peripheral's would be.
    """

    def __init__(
        self,
        devices: Iterable[SimulatedDevice] = (),
        *,
        advertise_interval: float = 0.1,
        link: LocalLink | None = None,
    ) -> None:
        super().__init__(devices, advertise_interval=advertise_interval)
        self._link = link  # to reach peripherals served elsewhere on the same virtual link
        for device in self.devices.values():
            static_random_address(device.address)
        self.peripherals: dict[str, BumblePeripheral] = {}

    def add(self, device: SimulatedDevice) -> SimulatedDevice:
        if self._starting is not None:
            raise RuntimeError("devices are added before the air is first used")
        static_random_address(device.address)
        return super().add(device)

    async def _start(self) -> Device:
        link = self._link or LocalLink()  # type: ignore[no-untyped-call]
        for key, device in self.devices.items():
            address = static_random_address(device.address)
            stack = peripheral_stack(device, address, _controller_host(link, address))
            peripheral = BumblePeripheral(
                device,
                stack,
                advertising=AdvertisingMode.EXTENDED,
                advertise_interval=self.advertise_interval,
            )
            await peripheral.start()
            self.peripherals[key] = peripheral
        central = _stack_on(link, Address(CENTRAL_ADDRESS, Address.RANDOM_DEVICE_ADDRESS))
        await central.power_on()
        self._central = central
        return central

    async def close(self) -> None:
        """Stops advertising and scanning, so the loop can finish without pending timers."""
        if self._starting is None:
            return
        await self.central()
        for peripheral in self.peripherals.values():
            await peripheral.close()
        await super().close()


def _controller_host(link: LocalLink, address: Address) -> Host:
    """A host on a controller of its own on the virtual link."""
    controller = Controller(f"controller {address}", link=link)
    controller.random_address = address
    return Host(controller, AsyncPipeSink(controller))


def _stack_on(link: LocalLink, address: Address) -> Device:
    return Device(address=address, host=_controller_host(link, address))
