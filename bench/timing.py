"""Timing accuracy of step boundaries against the real clock.

Three schedulers follow the same routine at the same time, in one run:

* engine:  the session engine in an asyncio loop, sleeping until the boundary it computes;
* naive:   the baseline that chains `await asyncio.sleep(step.duration)`;
* coach:   the real `facecoach coach ROUTINE --json` in a subprocess (the shipped code path).

For each, the deviation of every step start (and of the end) from the ideal schedule is printed:
the largest, the mean and the final one. With `--load`, a task blocks the event loop for 8 ms
every 100 ms, as a busy UI redraw would.

    python bench/timing.py                  # the `express` routine, 2 min 35 s
    python bench/timing.py --load           # the same with a loaded event loop
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import dataclass

from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import SystemClock
from facecoach.session.engine import EventKind, Session
from facecoach.session.timeline import SessionTimeline, plan_timeline


@dataclass
class Result:
    name: str
    deviations: list[float]  # observed minus ideal, seconds, one per boundary, in order

    def row(self) -> str:
        largest = max(self.deviations, key=abs)
        mean = statistics.fmean(self.deviations)
        return (
            f"{self.name:<8} {len(self.deviations):>10} {largest * 1000:>12.2f} "
            f"{mean * 1000:>10.2f} {self.deviations[-1] * 1000:>11.2f}"
        )


async def engine_run(timeline: SessionTimeline, t0: float) -> Result:
    session = Session(timeline, SystemClock())
    deviations: list[float] = []

    def record(events: list) -> None:  # type: ignore[type-arg]
        now = time.monotonic() - t0
        for event in events:
            if event.kind is EventKind.STEP_STARTED:
                deviations.append(now - event.step.start)
            elif event.kind is EventKind.COMPLETED:
                deviations.append(now - timeline.total_seconds)

    record(session.start())
    while not session.status.is_over:
        delay = session.seconds_to_next_boundary()
        await asyncio.sleep(delay or 0)
        record(session.poll())
    return Result("engine", deviations)


async def naive_run(timeline: SessionTimeline, t0: float) -> Result:
    deviations: list[float] = []
    for step in timeline:
        deviations.append(time.monotonic() - t0 - step.start)
        await asyncio.sleep(step.duration)
    deviations.append(time.monotonic() - t0 - timeline.total_seconds)
    return Result("naive", deviations)


async def coach_run(routine_id: str) -> Result:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "facecoach", "coach", routine_id, "--json",
        stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    deviations = []
    for line in out.decode().splitlines():
        record = json.loads(line)
        if record["event"] == "step_started":
            deviations.append(record["t"] - record["step"]["start"])
        elif record["event"] == "completed":
            deviations.append(record["t"] - record["position"])
    return Result("coach", deviations)


async def busy_ui(stop: asyncio.Event) -> None:
    while not stop.is_set():
        end = time.perf_counter() + 0.008
        while time.perf_counter() < end:  # block the loop like a heavy redraw
            pass
        await asyncio.sleep(0.1)


async def main(routine_id: str, load: bool) -> None:
    routine = RoutineLibrary.load(None).get(routine_id).routine
    timeline = plan_timeline(routine)
    stop = asyncio.Event()
    load_task = asyncio.create_task(busy_ui(stop)) if load else None
    t0 = time.monotonic()
    results = await asyncio.gather(
        engine_run(timeline, t0), naive_run(timeline, t0), coach_run(routine_id)
    )
    stop.set()
    if load_task:
        await load_task
    print(
        f"routine {routine_id}: {len(timeline)} steps, {timeline.total_seconds:.0f} s planned; "
        f"event loop {'loaded (8 ms block every 100 ms)' if load else 'idle'}; "
        f"python {sys.version.split()[0]}"
    )
    print(f"{'method':<8} {'boundaries':>10} {'largest ms':>12} {'mean ms':>10} {'final ms':>11}")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", default="express")
    parser.add_argument("--load", action="store_true", help="block the event loop periodically")
    args = parser.parse_args()
    asyncio.run(main(args.routine, args.load))
