"""OwnedTask: a background task that its owner ends and waits for.

A task that is only cancelled can still be running when its owner goes on: a keep-alive with a
write on the air after the link was closed, a reconnection announcing itself after the app
disconnected, a task left for the garbage collector when the loop closes ("Task was destroyed
but it is pending!"). Every task the link starts is held by one of these, and stopping one waits
until its task has ended.
"""

import asyncio
from collections.abc import Coroutine
from typing import Any


class OwnedTask:
    """At most one background task at a time, owned until it has ended."""

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        """Runs `work` in the background. One at a time: the owner stops the last one first."""
        if self.running:
            work.close()
            raise RuntimeError("the last task is still running")
        self._task = asyncio.get_running_loop().create_task(work)

    def cancel(self) -> None:
        """Asks the task to end, for an owner that cannot wait (a callback); it stays owned,
        so the next `stop()` still waits for it."""
        if self._task is not None:
            self._task.cancel()

    async def stop(self, *, grace: float = 0.0) -> None:
        """Ends the task and waits until it has; with `grace`, it first has that long to end
        by itself. The caller's own cancellation still goes up, so that a time limit around
        the caller is a real limit."""
        task = self._task
        if task is None or task is asyncio.current_task():
            return
        if grace > 0 and not task.done():
            await asyncio.wait({task}, timeout=grace)
        task.cancel()
        await asyncio.wait({task})
        if self._task is task:
            self._task = None
        if not task.cancelled():
            task.result()  # an error of its own is raised here, not lost
