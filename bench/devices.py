"""Bluetooth layer benchmarks against the simulated device, through bleak's public classes.

Prints: command round trip (select_program, acknowledged), time from scan start to a selected
program, and reconnect time after an injected drop. The baseline in the same run is a bare
`write_gatt_char` + notification through the same bleak backend with no codec, waiter or lock,
so the numbers show what facecoach's own layer costs on top of bleak.

    python bench/devices.py [--rounds N]
"""

import argparse
import asyncio
import time
from pathlib import Path

from bleak import BleakClient
from round_trips import bare_write_notify, ms, select_program_round_trips

from facecoach.devices.hub import DeviceHub
from facecoach.devices.link import DeviceLink, LinkOptions, LinkState
from facecoach.devices.protocol.registry import load_registry
from facecoach.devices.simulator.inprocess import reference_air


async def bench(profile_id: str, rounds: int) -> None:
    registry = load_registry()
    profile = registry.get(profile_id)
    air = reference_air([profile], advertise_interval=0.01)
    device = next(iter(air.devices.values()))
    options = LinkOptions(air.scanner_backend, air.client_backend, reconnect_delays=(0.0,) * 5)

    # Baseline: raw bleak write and wait for the notification, same backend.
    async with BleakClient(device.address, backend=air.client_backend) as client:
        raw = await bare_write_notify(client, profile, rounds)

    link = DeviceLink(profile, device.address, name=device.name, options=options)
    await link.connect()
    trips = await select_program_round_trips(link, rounds)

    reconnects: list[float] = []
    for _ in range(min(rounds, 50)):
        start = time.perf_counter()
        device.drop_link()
        await asyncio.sleep(0)
        while link.state is not LinkState.CONNECTED:
            await asyncio.sleep(0)
        reconnects.append(time.perf_counter() - start)
    await link.disconnect()

    scans: list[float] = []
    for _ in range(min(rounds, 30)):
        hub = DeviceHub(Path("/nonexistent"), air=air, registry=registry)
        start = time.perf_counter()
        result = await hub.identify(device.address, seconds=5)
        assert result.profile is not None
        scan_link = DeviceLink(result.profile, result.address, options=options)
        await scan_link.connect()
        await scan_link.select_program(profile.programs[-1].id)
        scans.append(time.perf_counter() - start)
        await scan_link.disconnect()

    print(f"{profile_id}:")
    print(f"  bare bleak write+notify (baseline): {ms(raw)}")
    print(f"  select_program round trip:          {ms(trips)}")
    print(f"  scan start -> program selected:     {ms(scans)}")
    print(f"  reconnect after injected drop:      {ms(reconnects)} (backoff set to 0)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=500)
    args = parser.parse_args()
    for profile_id in ("reference-a", "reference-b"):
        asyncio.run(bench(profile_id, args.rounds))


if __name__ == "__main__":
    main()
