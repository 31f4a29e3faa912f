"""HCI over TCP in tests: a controller behind a TCP socket stands in for a USB dongle."""

import asyncio
import gc
import socket
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import pytest

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
