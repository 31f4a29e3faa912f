"""Who a simulated peripheral is, across restarts: its address, its identity resolving key, and
the keys of the centrals it bonded with.

A phone that bonded with the device keeps its keys; if the device forgets them (or comes back
with another IRK) on every restart, the phone must forget the device each time. Windows also
refuses a second device with the same IRK, and Bumble's default IRK is all zeros. So each
identity (address) gets a random IRK, kept with the bonds in a keystore file, and each profile a
default address of its own, because phones cache names and GATT tables per address.
"""

import hashlib
import json
import os
import secrets
from pathlib import Path

from bumble import smp
from bumble.device import Device, DeviceConfiguration
from bumble.hci import Address
from bumble.host import Host
from bumble.keys import JsonKeyStore
from bumble.profiles.gap import GenericAccessService

from facecoach.devices.simulator.device import SimulatedDevice

IRK_BYTES = 16


def default_address(profile_id: str) -> str:
    """A static random address of the profile's own (the top two bits set), the same on
    every machine and run, and different for each profile."""
    digest = bytearray(hashlib.sha256(f"facecoach simulator {profile_id}".encode()).digest()[:6])
    digest[0] |= 0xC0
    return ":".join(f"{byte:02X}" for byte in digest)


def identities_path(keystore: Path) -> Path:
    """Where the IRKs live, beside the keystore that Bumble reads and writes."""
    return keystore.with_name(f"{keystore.stem}-identities.json")


def identity_irk(keystore: Path | None, address: str) -> bytes:
    """The IRK of the identity `address`: kept in the keystore's folder, made at random the
    first time; random for this run only without a keystore."""
    if keystore is None:
        return secrets.token_bytes(IRK_BYTES)
    path = identities_path(keystore)
    known: dict[str, str] = {}
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            known = {str(k): str(v) for k, v in loaded.items()}
    except FileNotFoundError:
        pass
    except (OSError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(
            f"cannot read the simulator's identities in {path} ({error}); move the file aside "
            "to start again (bonded centrals must then pair again)"
        ) from None
    stored = known.get(address.upper(), "")
    try:
        irk = bytes.fromhex(stored)
    except ValueError:
        irk = b""
    if len(irk) == IRK_BYTES and any(irk):
        return irk
    irk = secrets.token_bytes(IRK_BYTES)
    known[address.upper()] = irk.hex()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(known, handle, indent=1, sort_keys=True)
    os.replace(temporary, path)
    return irk


class SecureConnectionsOnly(smp.Session):
    """Pairs with LE Secure Connections only, and refuses LE legacy pairing.

    Bumble (0.0.236) stores a legacy bond with the EDIV and Rand of its keys as zeros, so the
    central cannot encrypt with that bond again: the link drops on the next connection (a MIC
    failure), and the user must forget the device. Refusing legacy pairing up front, with
    "authentication requirements", is clearer than a bond that breaks later; every phone and
    laptop of the last decade offers Secure Connections.
    """

    async def on_smp_pairing_request_command_async(
        self, command: smp.SMP_Pairing_Request_Command
    ) -> None:
        if not command.auth_req & smp.AuthReq.SC:
            self.send_pairing_failed(smp.ErrorCode.AUTHENTICATION_REQUIREMENTS)
            return
        await super().on_smp_pairing_request_command_async(command)


def peripheral_stack(
    device: SimulatedDevice, address: Address, host: Host, *, keystore: Path | None = None
) -> Device:
    """A Bumble device for `device`: its identity's IRK, the profile's appearance in the GAP
    service, and bonds kept in `keystore` (in memory only without one)."""
    config = DeviceConfiguration(
        name=device.name,
        address=address,
        irk=identity_irk(keystore, str(address).split("/")[0]),
        gap_service_enabled=False,
    )
    stack = Device(config=config, host=host)
    stack.smp_session_proxy = SecureConnectionsOnly
    stack.add_service(GenericAccessService(device.name, device.profile.appearance or 0))
    if keystore is not None:
        keystore.parent.mkdir(parents=True, exist_ok=True)
        stack.keystore = JsonKeyStore(namespace=str(address), filename=str(keystore))
    return stack
