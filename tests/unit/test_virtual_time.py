"""The virtual-time loop the tests run on: what it leaves behind, and the clock that reads it."""

import asyncio
import gc

from tests.support.virtual_time import LoopClock, VirtualTimeLoop, run_virtual


def test_a_task_left_running_is_cancelled_and_ends_before_the_loop_closes() -> None:
    """As with `asyncio.run`: a keep-alive or an advertisement a test did not stop is
    cancelled, not left for the garbage collector to find pending (and say so, at a worker's
    exit, after some other test)."""
    ended: list[str] = []
    left: list[asyncio.Task[None]] = []

    async def keep_alive() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            ended.append("cancelled")

    async def scenario() -> None:
        left.append(asyncio.get_running_loop().create_task(keep_alive()))
        await asyncio.sleep(1)

    run_virtual(scenario())
    assert ended == ["cancelled"]
    assert left[0].cancelled()
    del left[:]
    gc.collect()


def test_the_loop_clock_follows_virtual_time_and_never_goes_back() -> None:
    clock = LoopClock()
    started = clock.now()

    async def a_minute() -> float:
        await asyncio.sleep(60)
        return clock.monotonic()

    assert clock.monotonic() == 0.0
    assert run_virtual(a_minute()) == 60.0
    assert clock.monotonic() == 60.0  # between loops, it stands still
    assert run_virtual(a_minute()) == 120.0  # a new loop starts at 0: the clock goes on
    assert (clock.now() - started).total_seconds() == 120.0


def test_the_virtual_loop_waits_no_real_time() -> None:
    loop = VirtualTimeLoop()
    try:
        loop.run_until_complete(asyncio.sleep(86_400))
        assert loop.time() == 86_400
    finally:
        loop.close()


def test_work_in_a_thread_is_waited_for() -> None:
    """With no timer to jump to, the loop waits for the thread (as a session's end waits for
    its cue channels to close), in real time."""

    async def in_a_thread() -> str:
        return await asyncio.to_thread(lambda: "done")

    assert run_virtual(in_a_thread()) == "done"
