"""LinkOptions: how a link finds, connects to and reconnects to its device."""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bleak.backends.client import BaseBleakClient
from bleak.backends.scanner import BaseBleakScanner

RECONNECT_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
FIND_TIMEOUT = 8.0


@dataclass
class LinkOptions:
    scanner_backend: type[BaseBleakScanner] | None = None
    client_backend: type[BaseBleakClient] | None = None
    reconnect_delays: Sequence[float] = RECONNECT_DELAYS
    find_timeout: float = FIND_TIMEOUT
    connect_attempts: int = 3
    # The Bumble transport the backends go through (--transport): its failures are the
    # controller's, not the system's Bluetooth's.
    transport: str | None = None
    # The wall clock a profile's `unix_time` is read from.
    wall_clock: Callable[[], float] = time.time
