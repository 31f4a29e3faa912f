"""Device commands, one after another, as tasks of the running event loop.

Not tasks of a screen: a screen's workers are cancelled when it goes, and the `stop` at the end
of a session must still reach the device after the screen that sent it has gone.
"""

import asyncio
from collections.abc import Awaitable, Callable


class DeviceCommandQueue:
    """Device commands, one after another, as tasks of the running event loop."""

    def __init__(self) -> None:
        self._tail: asyncio.Task[None] | None = None

    def submit(self, command: Callable[[], Awaitable[None]]) -> None:
        previous = self._tail

        async def after_previous() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            await command()

        self._tail = asyncio.get_running_loop().create_task(after_previous())

    async def drain(self, timeout: float) -> bool:
        """Waits for every submitted command; False if they did not finish in time."""
        tail = self._tail
        if tail is None:
            return True
        try:
            await asyncio.wait_for(asyncio.shield(tail), timeout)
        except TimeoutError:
            return False
        except asyncio.CancelledError:
            if tail.cancelled():  # cancelled by an earlier, timed-out drain: not our caller
                return False
            raise
        except Exception:
            return True
        return True

    def cancel(self) -> None:
        if self._tail is not None:
            self._tail.cancel()
