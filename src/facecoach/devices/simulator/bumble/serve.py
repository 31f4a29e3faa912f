"""Serving a simulated device on a real Bluetooth controller through any Bumble transport.

`facecoach simulator serve --transport usb:0` takes over a USB dongle (or a serial HCI, or Linux
VHCI) and makes it a peripheral that any central can scan for, connect to and pair with: a phone,
a laptop's own Bluetooth stack, or facecoach itself on another machine.
"""

import asyncio
import contextlib
import logging
from asyncio import FIRST_COMPLETED
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bumble.host import Host
from bumble.transport import open_transport

from facecoach.devices.errors import DeviceError
from facecoach.devices.simulator.bumble.identity import peripheral_stack
from facecoach.devices.simulator.bumble.peripheral import (
    AdvertisingMode,
    BumblePeripheral,
    static_random_address,
)
from facecoach.devices.simulator.device import SimulatedDevice

log = logging.getLogger(__name__)

# How long a controller has to answer its reset and start advertising.
START_TIMEOUT = 10.0

TRANSPORT_HINT = (
    "Examples: usb:0 (the first USB dongle), serial:/dev/ttyUSB0,1000000, vhci (Linux, needs "
    "root). A USB dongle must not be in use by the system's Bluetooth service: on Linux stop it "
    "(`sudo systemctl stop bluetooth`) or give Bumble the device's permissions."
)


async def serve(
    transport_spec: str,
    device: SimulatedDevice,
    stop: asyncio.Event,
    *,
    advertising: AdvertisingMode = AdvertisingMode.LEGACY,
    advertise_interval: float = 0.1,
    on_event: Callable[[str], None] = lambda _text: None,
    keystore: Path | None = None,
) -> None:
    """Advertises and serves `device` on the controller behind `transport_spec` until `stop`;
    bonds and the device's IRK are kept in `keystore` (in memory only without one)."""
    address = static_random_address(device.address)
    # Installed before the transport opens: reading it may fail in a callback of the loop.
    with _loop_errors_reported(on_event) as errors:
        try:
            transport = await open_transport(transport_spec)
        except Exception as error:  # Bumble raises many kinds here, all meaning "cannot open"
            raise DeviceError(
                f"Could not open the Bumble transport {transport_spec!r}: {error}. {TRANSPORT_HINT}"
            ) from error
        async with transport:
            host = Host(controller_source=transport.source, controller_sink=transport.sink)
            try:
                stack = peripheral_stack(device, address, host, keystore=keystore)
            except (OSError, ValueError) as error:
                raise DeviceError(
                    f"Could not set up the simulated device's keys: {error}"
                ) from None
            peripheral = BumblePeripheral(
                device,
                stack,
                advertising=advertising,
                advertise_interval=advertise_interval,
                on_event=on_event,
            )
            try:
                started = await _until_started(peripheral, stop, errors.failure)
            except Exception as error:
                raise DeviceError(
                    f"The controller behind {transport_spec!r} did not start: {error}. "
                    f"{TRANSPORT_HINT}"
                ) from error
            if not started:  # Ctrl-C or SIGTERM while it started
                await peripheral.forget()
                return
            errors.starting = False
            on_event(
                f"advertising {device.name!r} as {device.profile.name} at {device.address} "
                f"({advertising} advertising)"
            )
            stopped: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
            lost: asyncio.Future[Any] = transport.source.terminated  # the controller went away
            await asyncio.wait([stopped, lost], return_when=FIRST_COMPLETED)
            if lost.done():
                stopped.cancel()
                await peripheral.forget()
                raise DeviceError(
                    f"The controller behind {transport_spec!r} went away (unplugged, or its "
                    "process ended); stopped serving."
                )
            await peripheral.close()


async def _until_started(
    peripheral: BumblePeripheral, stop: asyncio.Event, failure: "asyncio.Future[BaseException]"
) -> bool:
    """Starts the peripheral; False when `stop` came first. A controller that does not answer
    (a transport that is no controller: `file:/dev/zero`) is an error after START_TIMEOUT, and
    an error in the loop meanwhile (its transport could not be read) one at once."""
    starting = asyncio.ensure_future(peripheral.start())
    stopped = asyncio.ensure_future(stop.wait())
    waiting: list[asyncio.Future[Any]] = [starting, stopped, failure]
    try:
        done, _ = await asyncio.wait(waiting, timeout=START_TIMEOUT, return_when=FIRST_COMPLETED)
    finally:
        stopped.cancel()
    if starting in done:
        starting.result()  # its error, if it failed
        return True
    starting.cancel()
    await asyncio.gather(starting, return_exceptions=True)
    if failure in done:
        raise failure.result()
    if stopped in done:
        return False
    raise DeviceError(f"no answer from the controller within {START_TIMEOUT:g} s")


class _LoopErrors:
    """While serving, an error in one of the loop's callbacks (Bumble's, the transport's) is
    said in one line instead of a traceback. Until the device is served, the first one ends
    the start (`failure`), which says it."""

    def __init__(self, on_event: Callable[[str], None]) -> None:
        self._on_event = on_event
        self.failure: asyncio.Future[BaseException] = asyncio.get_running_loop().create_future()
        self.starting = True

    def __call__(self, _loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        text = str(error or "") or str(context.get("message") or type(error).__name__)
        log.debug("error in the event loop: %s", context, exc_info=error)
        if self.starting and not self.failure.done():
            self.failure.set_result(error if error is not None else RuntimeError(text))
        else:
            self._on_event(f"error: {text}")


@contextlib.contextmanager
def _loop_errors_reported(on_event: Callable[[str], None]) -> Iterator[_LoopErrors]:
    loop = asyncio.get_running_loop()
    errors = _LoopErrors(on_event)
    previous = loop.get_exception_handler()
    loop.set_exception_handler(errors)
    try:
        yield errors
    finally:
        loop.set_exception_handler(previous)
        if not errors.failure.done():
            errors.failure.cancel()
