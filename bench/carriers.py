"""The simulated device on its two carriers, measured in the same run.

in-process: the bleak backend answers GATT calls directly (`SimulatedAir`).
bumble:     a Bumble peripheral and a Bumble central exchange real HCI/L2CAP/ATT packets over a
            virtual link (`BumbleAir`); bleak drives the central through our backend.

Prints, per carrier and profile:
  - a bare bleak write + notification (no codec, waiter, lock or retries);
  - the select_program round trip through DeviceLink (framed, acknowledged);
  - connect + discovery: BleakClient.connect() until services are known (for Bumble this
    includes waiting for the next advertisement, the MTU exchange and the full ATT discovery);
  - DeviceLink.connect(): the above plus finding the device by scanning, the endpoint check and
    the CCCD write that subscribes to notifications.

    python bench/carriers.py [--rounds N] [--connects N]
"""

import argparse
import asyncio
import time
from collections.abc import Callable

from bleak import BleakClient
from round_trips import bare_write_notify, ms, select_program_round_trips

from facecoach.devices.link import DeviceLink, LinkOptions
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.bumble.central import BumbleAir
from facecoach.devices.simulator.inprocess import Air, SimulatedAir, reference_devices

ADVERTISE_INTERVAL = 0.02  # 20 ms, the shortest connectable advertising interval


CARRIERS: dict[str, Callable[[DeviceProfile], Air]] = {
    "in-process": lambda p: SimulatedAir(
        reference_devices([p], 0xDA), advertise_interval=ADVERTISE_INTERVAL
    ),
    "bumble": lambda p: BumbleAir(
        reference_devices([p], 0xDA), advertise_interval=ADVERTISE_INTERVAL
    ),
}


async def bench(carrier: str, profile: DeviceProfile, rounds: int, connects: int) -> list[str]:
    air = CARRIERS[carrier](profile)
    device = next(iter(air.devices.values()))

    connecting: list[float] = []
    for _ in range(connects):
        client = BleakClient(device.address, backend=air.client_backend)
        start = time.perf_counter()
        await client.connect()
        connecting.append(time.perf_counter() - start)
        await client.disconnect()

    async with BleakClient(device.address, backend=air.client_backend) as client:
        raw = await bare_write_notify(client, profile, rounds)

    options = LinkOptions(air.scanner_backend, air.client_backend)
    linking: list[float] = []
    for _ in range(connects):
        link = DeviceLink(profile, device.address, name=device.name, options=options)
        start = time.perf_counter()
        await link.connect()
        linking.append(time.perf_counter() - start)
        await link.disconnect()

    link = DeviceLink(profile, device.address, name=device.name, options=options)
    await link.connect()
    trips = await select_program_round_trips(link, rounds)
    await link.disconnect()
    await air.close()
    return [
        f"{carrier:10} {profile.id:12} bare write+notify   {ms(raw)}",
        f"{carrier:10} {profile.id:12} select_program      {ms(trips)}",
        f"{carrier:10} {profile.id:12} connect+discovery   {ms(connecting)}",
        f"{carrier:10} {profile.id:12} DeviceLink.connect  {ms(linking)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--connects", type=int, default=50)
    args = parser.parse_args()
    registry = load_registry()
    print(
        f"advertising interval {ADVERTISE_INTERVAL * 1000:.0f} ms, {args.rounds} round trips, "
        f"{args.connects} connections per row"
    )
    for profile_id in ("reference-a", "reference-b"):
        for carrier in CARRIERS:
            lines = asyncio.run(
                bench(carrier, registry.get(profile_id), args.rounds, args.connects)
            )
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
