"""For tests that start the app many times over (a quit at each point of a screen's mount):
waiting on an app without driving it, and a garbage collector that leaves alone what the
process held before."""

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tests.support.tui_support import UNTIL_SECONDS


async def looking_until(condition: Callable[[], bool]) -> None:
    """Waits until `condition` holds, as `until` does, only looking: `until`'s `pilot.pause`
    has every widget handle a message and repaints the screen at each look (every 10 ms),
    frames the app would not have drawn: a tenth of the CPU of an app run that quits as
    it starts (measured)."""
    deadline = time.monotonic() + UNTIL_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the app never got there")
        await asyncio.sleep(0.005)


@contextmanager
def earlier_objects_left_alone() -> Iterator[None]:
    """What the process holds now (modules, classes, what earlier tests left) is not scanned
    by the garbage collector while the block runs. Each app started leaves tens of thousands
    of objects in cycles; each full collection they set off scanned the whole process again:
    a quarter of the CPU of a test that starts sixty apps (measured). Nothing is left
    uncollected: it is all handed back at the end."""
    if gc.get_freeze_count():  # frozen by someone else, who will hand it back
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
