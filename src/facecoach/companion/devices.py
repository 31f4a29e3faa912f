"""PairedDevice: the device sessions use, as the front ends see it.

It knows the paired device without touching Bluetooth (so the home screen paints fast), opens
the bleak layer only when asked to connect, and gives a session the sinks that select programs
and note device trouble in the session record.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.devices.paired import KnownDevice, KnownDevices
from facecoach.session.driver import EventSink
from facecoach.session.engine import EventKind, Session, SessionEvent

if TYPE_CHECKING:
    from facecoach.adherence.recorder import SessionRecorder
    from facecoach.companion.device_sinks import Spawn
    from facecoach.devices.hub import DeviceHub
    from facecoach.devices.link import DeviceLink, LinkEvent
    from facecoach.devices.simulator.inprocess import Air


@dataclass(frozen=True, slots=True)
class DeviceSummary:
    """One line about the device, for home and the session screen."""

    name: str
    state: str  # "not connected", "connecting", "connected", "reconnecting", "lost"
    detail: str  # battery, charging, program


class PairedDevice:
    def __init__(
        self, config_dir: Path, *, simulate: bool = False, air: "Air | None" = None
    ) -> None:
        self.config_dir = config_dir
        self.simulate = simulate or air is not None
        self._air = air
        self._hub: DeviceHub | None = None
        self._known = KnownDevices(config_dir)
        self.link: DeviceLink | None = None
        self._listeners: list[Callable[[LinkEvent], None]] = []

    def subscribe(self, listener: "Callable[[LinkEvent], None]") -> None:
        """Hears the events of every link this object opens, now and later."""
        self._listeners.append(listener)

    @property
    def problem(self) -> str | None:
        return self._known.problem

    @property
    def hub(self) -> "DeviceHub":
        if self._hub is None:
            from facecoach.devices.hub import DeviceHub

            self._hub = DeviceHub(
                self.config_dir, simulate=self.simulate, air=self._air, known=self._known
            )
        return self._hub

    @property
    def known(self) -> KnownDevice | None:
        return self._known.current

    async def connect(self) -> "DeviceLink | None":
        """Connects to the paired device, if any, and reads its status."""
        device = self.known
        if device is None:
            return None
        if self.link is not None and self.link.address == device.address:
            if self.link.is_connected:
                return self.link
            await self.link.disconnect()
        self.link = self.hub.link_for(device)
        for listener in self._listeners:
            self.link.subscribe(listener)
        await self.link.connect()
        await self.link.query_status()
        return self.link

    async def disconnect(self) -> None:
        link, self.link = self.link, None
        if link is not None:
            await link.disconnect()

    def summary(self) -> DeviceSummary | None:
        from facecoach.wording.devices import battery_text

        device = self.known
        if device is None:
            return None
        link = self.link if self.link is not None and self.link.address == device.address else None
        name = device.name + (" (simulated)" if device.simulated else "")
        if link is None:
            return DeviceSummary(name, "not connected", "")
        parts = [battery_text(link.status)] if link.status.battery is not None else []
        if link.status.program is not None:
            parts.append(link.status.program.name)
        return DeviceSummary(name, link.state.value, ", ".join(parts))

    def blocks_start(self) -> str | None:
        """Why a session must not start now, from what the device itself reports."""
        link = self.link
        if link is None or not link.is_connected:
            return None
        if link.status.charging:
            return (
                f"{link.name} is on its charger. Microcurrent devices must never be used while "
                "charging: unplug it, then start again."
            )
        return None

    def session_sinks(
        self,
        spawn: "Spawn",
        recorder: "SessionRecorder | None",
        intensity: int | None,
        on_message: Callable[[str], None],
        on_problem: Callable[[str], None],
    ) -> list[EventSink]:
        link = self.link
        if link is None or not link.is_connected:
            return []
        sinks: list[EventSink] = []
        if recorder is not None:
            sinks.append(_DeviceTroubleNotes(link, recorder))
        if link.profile.programs:
            from facecoach.companion.device_sinks import DeviceProgramSink

            sinks.append(
                DeviceProgramSink(
                    link, spawn, intensity=intensity, on_message=on_message, on_problem=on_problem
                )
            )
        return sinks


class _DeviceTroubleNotes:
    """Writes drops and reconnections of the device into the session record while it runs."""

    def __init__(self, link: "DeviceLink", recorder: "SessionRecorder") -> None:
        self._recorder = recorder
        self._unsubscribe = link.subscribe(self._on_link_event)

    def _on_link_event(self, event: "LinkEvent") -> None:
        from facecoach.devices.link import LinkEventKind

        if event.kind in (LinkEventKind.DROPPED, LinkEventKind.RECONNECTED, LinkEventKind.GAVE_UP):
            self._recorder.note(f"device_{event.kind.value}", event.text)

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind in (EventKind.COMPLETED, EventKind.ABORTED):
            self._unsubscribe()
