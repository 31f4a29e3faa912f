"""The devices the user has paired, remembered in the configuration directory (devices.toml)."""

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from facecoach.config.paths import known_devices_path
from facecoach.datafiles import DataFileError, keep_backup, read_toml_model, write_toml_atomic
from facecoach.devices.errors import DeviceError


class PairedDevicesFileError(DataFileError, DeviceError):
    what = "paired devices file"


class KnownDevice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    address: str = Field(min_length=1, max_length=64)
    profile: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=80)
    paired_at: datetime
    simulated: bool = False
    info: dict[str, str] = Field(default_factory=dict)


class _DevicesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    devices: list[KnownDevice] = Field(default_factory=list)


class KnownDevices:
    """Paired devices, newest first. The first one is the one sessions use."""

    def __init__(self, config_dir: Path) -> None:
        self.path = known_devices_path(config_dir)
        self.problem: str | None = None
        try:
            loaded = read_toml_model(self.path, _DevicesFile, PairedDevicesFileError)
        except DeviceError as exc:
            # Keep going with no paired devices; the broken file is kept as .bak on next save.
            self.problem = f"{exc}\nPaired devices are ignored until you pair again."
            loaded = None
        self.devices: list[KnownDevice] = loaded.devices if loaded else []

    @property
    def current(self) -> KnownDevice | None:
        return self.devices[0] if self.devices else None

    def get(self, address: str) -> KnownDevice | None:
        return next((d for d in self.devices if d.address.upper() == address.upper()), None)

    def remember(self, device: KnownDevice) -> None:
        self.devices = [
            device,
            *(d for d in self.devices if d.address.upper() != device.address.upper()),
        ]
        self._save()

    def forget(self, address: str) -> KnownDevice:
        device = self.get(address)
        if device is None:
            raise DeviceError(f"{address} is not a paired device.")
        self.devices = [d for d in self.devices if d is not device]
        self._save()
        return device

    def _save(self) -> None:
        if self.problem is not None:
            keep_backup(self.path)
            self.problem = None
        data = _DevicesFile(devices=self.devices).model_dump(mode="json")
        write_toml_atomic(self.path, data, DeviceError)
