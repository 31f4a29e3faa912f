"""HCI over TCP in tests: a controller behind a TCP socket stands in for a USB dongle."""

import asyncio
import errno
import gc
import socket
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest
from bumble.controller import Controller
from bumble.hci import HCI_CONNECTION_TIMEOUT_ERROR
from bumble.link import LocalLink
from bumble.transport import open_transport

from facecoach.devices.simulator.bumble.serve import serve
from facecoach.devices.simulator.device import SimulatedDevice

F = TypeVar("F", bound=Callable[..., Any])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def leaves_bumbles_socket(test: F) -> F:
    """Bumble's tcp-server transport (the dongle's stand-in) does not close the socket it
    accepted when it is closed itself; facecoach's side closes everything it opens. The
    warning that socket raises when collected is expected, in this test only."""
    unclosed = pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
    unraisable = pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
    )
    marked: F = unraisable(unclosed(test))
    return marked


def run_over_tcp(scenario: Coroutine[Any, Any, None], timeout: float = 30) -> None:
    """Runs the scenario, then collects the socket Bumble left while this test's filters
    hold, rather than in whichever test the collector happens to run next."""
    asyncio.run(asyncio.wait_for(scenario, timeout))
    gc.collect()


class Dongle:
    """A controller on a virtual link behind HCI over TCP, as a USB dongle is to its host,
    reached through a relay that can be cut: pulling the dongle out."""

    def __init__(self, link: LocalLink) -> None:
        self.link = link
        self._cut = asyncio.Event()

    async def plug_in(self) -> str:
        """Starts the controller; returns the transport spec a host (`serve`) opens."""
        # A port probed free can be taken before Bumble binds it (suites run side by side on
        # one machine): then another. Bumble's variant that takes a bound socket skips the
        # wrapping `open_transport` gives, which its key handling needs.
        for attempt in range(1, 6):
            port = free_port()
            try:
                self._transport = await open_transport(f"tcp-server:127.0.0.1:{port}")
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or attempt == 5:
                    raise
        self._controller = Controller(
            "dongle",
            host_source=self._transport.source,
            host_sink=self._transport.sink,
            link=self.link,
        )
        cut = self._cut

        async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", port)

            async def pump(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
                while data := await source.read(4096):
                    sink.write(data)

            pumps = [
                asyncio.ensure_future(pump(reader, upstream_writer)),
                asyncio.ensure_future(pump(upstream_reader, writer)),
            ]
            await cut.wait()
            for task in pumps:
                task.cancel()
            writer.close()
            upstream_writer.close()

        self._relay = await asyncio.start_server(relay, "127.0.0.1", 0)
        return f"tcp-client:127.0.0.1:{self._relay.sockets[0].getsockname()[1]}"

    async def pull_out(self) -> None:
        """The host's link goes dead, and the controller leaves the air: the peers it was
        connected to see their connections time out, as a real radio's supervision timeout
        makes them (Bumble's virtual link would otherwise keep them for ever)."""
        self._cut.set()
        self._relay.close()
        ours = {c.self_address for c in self._controller.le_connections.values()}
        ours.add(self._controller.random_address)
        self.link.remove_controller(self._controller)
        for other in list(self.link.controllers):
            for connection in list(other.le_connections.values()):
                if connection.peer_address in ours:
                    other.on_le_disconnected(connection, HCI_CONNECTION_TIMEOUT_ERROR)
        await self._transport.close()


async def start_serving(
    device: SimulatedDevice, spec: str, events: list[str], **options: Any
) -> tuple[asyncio.Event, "asyncio.Task[None]"]:
    """`simulator serve` on the dongle behind `spec`, once it advertises; set the event to
    stop it (its Ctrl-C)."""
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(spec, device, stop, on_event=events.append, **options))
    while not any(e.startswith("advertising") for e in events):
        if serving.done():
            serving.result()  # it failed: say why
        await asyncio.sleep(0.005)
    return stop, serving
