"""Reads of the device's standard characteristics: its battery level and its information."""

import contextlib

from bleak import BleakClient
from bleak.exc import BleakError

from facecoach.devices.errors import CommandError
from facecoach.devices.link.events import LinkAnnouncer
from facecoach.devices.protocol.assigned_numbers import DEVICE_INFO_FIELDS
from facecoach.devices.protocol.trace import TraceEventKind


async def battery_level(
    client: BleakClient, uuid: str, name: str, announcer: LinkAnnouncer
) -> int | None:
    """The battery level in percent, or None for a value that cannot be one."""
    try:
        data = await client.read_gatt_char(uuid)
    except BleakError as exc:
        raise CommandError(f"Could not read the battery of {name} ({exc}).") from exc
    announcer.record(TraceEventKind.READ, bytes(data), uuid=uuid)
    return data[0] if data and data[0] <= 100 else None


async def device_information(client: BleakClient, announcer: LinkAnnouncer) -> dict[str, str]:
    """What the Device Information service says (maker, model, serial, firmware), by label;
    a field the device lacks or will not give is left out."""
    info: dict[str, str] = {}
    for uuid, label in DEVICE_INFO_FIELDS.items():
        if client.services.get_characteristic(uuid) is None:
            continue
        with contextlib.suppress(BleakError):
            raw = await client.read_gatt_char(uuid)
            announcer.record(TraceEventKind.READ, bytes(raw), uuid=uuid)
            info[label] = bytes(raw).decode("utf-8", "replace").strip("\x00 ")
    return info
