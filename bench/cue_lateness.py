"""Cue lateness: from the plan's boundary to the tone's player having started, and to a desktop
notification having been taken by the notification server.

Tones: the built-in `full-face-15` routine runs for real, as the plain coach runs it
(`LiveSession` + `CoachRunner` + `EventWaiter` on asyncio, the real clock), with a
`CueDispatcher` and a `SoundChannel`. The routine is compressed in time (every glide, hold,
transition, side switch and the prep divided by `--compress`) so that a 15-minute session takes
half a minute; it keeps every step and so every cue. The dispatcher records each delivery's
lateness from the plan's boundary to the player process having started. A thin wrapper around
the channel notes when the worker thread took the cue, which splits that lateness in three:

* wake-up: how late the event loop woke for the boundary (`event.position - step.start`). This
  is the baseline, measured in the same run: the dispatcher cannot be earlier than the engine
  noticing the boundary.
* hand-off: the dispatcher's own work and the queue to its worker thread.
* spawn: starting the player process (fork and exec, until `Popen` returns).

The conditions: an idle loop; issue 2's load (8 ms of computing every 100 ms); a loop always
busy (a task that computes for 8 ms, yields with `await asyncio.sleep(0)` and computes again,
like a UI redrawing all the time); and that with the machine's other cores kept busy by
processes that only spin. On the always-busy loop, a 50 ms `EventWaiter.wait` and a bare
`asyncio.sleep` are timed too: how many loop passes (8 ms each there) a wake-up takes.

There is no sound card here: the player is a stand-in, a real process given the WAV file's path
that reads the file and exits (`sh -c 'cat "$1" > /dev/null'`), which is what starting
`pw-play`/`paplay`/`aplay` costs up to their own start.

Notifications: a private D-Bus session bus with the tests' mock notification server;
`CueDispatcher.needs_you()` with a `DesktopChannel`, N times, spaced out, idle and loaded loop;
lateness from the call (the boundary: a device drop is noticed when it happens) to
`notify_desktop` having the server's answer.

    python bench/cue_lateness.py                       # 30x compression, 1 round
    python bench/cue_lateness.py --compress 20 --rounds 2 --notifications 20
"""

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from spoken_cues import session_cues

from facecoach.cli.realtime import CoachRunner, EventWaiter
from facecoach.companion.cue_channels.desktop import DesktopChannel
from facecoach.companion.cue_channels.dispatch import CueChannel, CueDispatcher, Delivery
from facecoach.companion.cue_channels.sound import Player, SoundChannel
from facecoach.companion.live_session import LiveSession
from facecoach.config.cue_settings import ToneSet
from facecoach.cues.model import Cue
from facecoach.routines.loader import RoutineLibrary
from facecoach.routines.model import Routine
from facecoach.session.clock import SystemClock
from facecoach.session.engine import EventKind, Session, SessionEvent
from facecoach.session.timeline import plan_timeline

ROUTINE = "full-face-15"
STAND_IN = Player("stand-in", ("sh", "-c", 'cat "$1" > /dev/null', "sh"))
SLICE_SECONDS = 0.008


def compressed(routine: Routine, factor: float) -> Routine:
    """The same steps, every duration divided by `factor`."""
    faster = routine.with_overrides(glide_seconds=routine.glide_seconds / factor)
    update: dict[str, object] = {
        "hold_seconds": routine.hold_seconds / factor,
        "transition_seconds": routine.transition_seconds / factor,
        "side_switch_seconds": routine.side_switch_seconds / factor,
    }
    if routine.prep is not None:
        update["prep"] = routine.prep.model_copy(update={"seconds": routine.prep.seconds / factor})
    if any(entry.hold_seconds is not None for entry in routine.zones):
        raise SystemExit(f"{routine.id} sets holds per zone; compress them too")
    return faster.model_copy(update=update)


# --- measuring ------------------------------------------------------------------------------


@dataclass
class Timed:
    """A channel around another that notes when its worker took each cue and when it was done
    (the dispatcher's own clock reading comes right after)."""

    inner: CueChannel
    taken: list[tuple[Cue, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name = self.inner.name
        self.blocking = self.inner.blocking

    def prepare(self) -> None:
        prepare = getattr(self.inner, "prepare", None)
        if callable(prepare):
            prepare()

    def deliver(self, cue: Cue) -> str | None:
        entered = time.monotonic()
        problem = self.inner.deliver(cue)
        self.taken.append((cue, entered, time.monotonic()))
        return problem

    def close(self) -> str | None:
        return self.inner.close()


class WakeUps:
    """An event sink: how late the loop woke for each step's boundary."""

    def __init__(self) -> None:
        self.late: dict[int, float] = {}
        self.end: float | None = None  # the end, noticed late (no pause in these sessions)

    def handle(self, event: SessionEvent, session: Session) -> None:
        if event.kind is EventKind.STEP_STARTED and event.step is not None:
            self.late[event.step.index] = max(0.0, event.position - event.step.start)
        elif event.kind is EventKind.COMPLETED:
            self.end = event.offset - session.timeline.total_seconds


@dataclass
class Sample:
    cue: Cue
    wake: float  # the loop's lateness (0 for cues not at a step boundary)
    handoff: float
    spawn: float
    total: float  # the dispatcher's Delivery.lateness


def samples(deliveries: Sequence[Delivery], timed: Timed, wakes: WakeUps) -> list[Sample]:
    out = []
    for delivery, (cue, entered, left) in zip(deliveries, timed.taken, strict=True):
        assert delivery.cue is cue
        wake = wakes.late.get(cue.step.index, 0.0) if cue.step is not None else 0.0
        spawn = left - entered
        # total = (entered - boundary) + spawn + the dispatcher's clock read after deliver
        to_entry = delivery.lateness - spawn
        out.append(Sample(cue, wake, to_entry - wake, spawn, delivery.lateness))
    return out


# --- load -----------------------------------------------------------------------------------


async def redraws(stop: asyncio.Event, pause: float) -> None:
    """Blocks the loop for 8 ms at a time, `pause` seconds apart (0: yield and go on)."""
    while not stop.is_set():
        end = time.perf_counter() + SLICE_SECONDS
        while time.perf_counter() < end:
            pass
        await asyncio.sleep(pause)


@dataclass(frozen=True)
class Condition:
    name: str
    pause: float | None  # the load's pause between slices; None: no load
    spinners: bool = False  # the other cores kept busy too


CONDITIONS = (
    Condition("idle loop", None),
    Condition("8 ms block every 100 ms (issue 2's load)", 0.1),
    Condition("loop always busy (8 ms slices, `sleep(0)`)", 0.0),
    Condition("loop always busy + the other core spinning", 0.0, spinners=True),
)


def spinners(count: int) -> list[subprocess.Popen[bytes]]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def stop_spinners(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.kill()
        process.wait()


# --- tones ----------------------------------------------------------------------------------


# The tones folder, as the app's cache keeps it: the first session of the run makes the tones
# (the first cue its own tone only, the rest after it), every later session finds them made.
TONES = Path(tempfile.mkdtemp(prefix="bench-tones-")) / "tones"


async def tone_session(routine: Routine, pause: float | None) -> tuple[list[Sample], WakeUps]:
    clock = SystemClock()
    problems: list[str] = []
    timed = Timed(SoundChannel(STAND_IN, ToneSet.CHIME, 80, TONES))
    dispatcher = CueDispatcher([timed], clock, problems.append)
    wakes = WakeUps()
    live = LiveSession(Session(plan_timeline(routine), clock), [wakes], cues=dispatcher)
    stop = asyncio.Event()
    load = asyncio.create_task(redraws(stop, pause)) if pause is not None else None
    await CoachRunner(live, EventWaiter()).run()  # finish() closes the dispatcher
    stop.set()
    if load is not None:
        await load
    if problems:
        raise SystemExit(f"the sound channel failed: {problems}")
    return samples(dispatcher.deliveries, timed, wakes), wakes


def spawn_floor(count: int) -> list[float]:
    """Starting the stand-in player from a plain thread, nothing else running: the floor."""
    path = Path(__file__)
    times: list[float] = []

    def run() -> None:
        for _ in range(count):
            start = time.monotonic()
            process = subprocess.Popen(
                STAND_IN.command(path),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            times.append(time.monotonic() - start)
            process.communicate()
            time.sleep(0.02)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return times


async def waiter_floor(count: int, pause: float) -> dict[str, list[float]]:
    """How late a 50 ms wait ends on a loop always busy: the plain coach's `EventWaiter` (an
    `asyncio.wait_for` on an event) against a bare `asyncio.sleep`. Each loop pass runs one
    8 ms slice of the load, so the lateness counts the passes a wake-up takes."""
    stop = asyncio.Event()
    load = asyncio.create_task(redraws(stop, pause))
    waiter = EventWaiter()
    late: dict[str, list[float]] = {"EventWaiter.wait(0.05)": [], "asyncio.sleep(0.05)": []}
    for _ in range(count):
        for name, wait in zip(late, (waiter.wait, asyncio.sleep), strict=True):
            start = time.monotonic()
            await wait(0.05)
            late[name].append(time.monotonic() - start - 0.05)
    stop.set()
    await load
    return late


# --- notifications --------------------------------------------------------------------------


async def notification_run(count: int, spacing: float, loaded: bool) -> list[Sample]:
    clock = SystemClock()
    problems: list[str] = []
    timed = Timed(DesktopChannel())
    dispatcher = CueDispatcher([timed], clock, problems.append)
    stop = asyncio.Event()
    load = asyncio.create_task(redraws(stop, 0.0)) if loaded else None
    for number in range(count):
        dispatcher.needs_you(f"bench notification {number + 1}")
        await asyncio.sleep(spacing)
    while len(dispatcher.deliveries) < count:
        await asyncio.sleep(0.01)
    stop.set()
    if load is not None:
        await load
    await asyncio.to_thread(dispatcher.close)
    if problems:
        raise SystemExit(f"notifications failed: {problems}")
    return samples(dispatcher.deliveries, timed, WakeUps())


def notifications(count: int, spacing: float) -> dict[str, list[Sample]]:
    sys.path.insert(0, str(Path(__file__).parents[1]))
    from tests.support.dbus_mocks import notification_server, private_bus

    before = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    try:
        with private_bus() as address, notification_server(address):
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
            results = {"first of the process": asyncio.run(notification_run(1, spacing, False))}
            for name, loaded in (("idle loop", False), ("loaded loop", True)):
                results[name] = asyncio.run(notification_run(count, spacing, loaded))
    finally:
        if before is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = before
    return results


# --- report ---------------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value * 1000:.1f}"


def spread(values: Sequence[float]) -> str:
    """median / p95 / max, in ms."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{ms(statistics.median(ordered))} / {ms(p95)} / {ms(ordered[-1])}"


def main(rounds: int, factor: float, count: int, spacing: float, busy_cores: bool) -> None:
    original = RoutineLibrary.load(None).get(ROUTINE).routine
    routine = compressed(original, factor)
    planned = plan_timeline(original)
    fast = plan_timeline(routine)
    expected = len(list(session_cues(original)))
    assert len(list(session_cues(routine))) == expected
    shortest = min(step.duration for step in fast)
    cpus = os.cpu_count() or 1
    print(
        f"{ROUTINE}: {len(planned)} steps, {expected} cues, {planned.total_seconds:.0f} s planned; "
        f"compressed {factor:g}x to {fast.total_seconds:.1f} s (shortest step {shortest * 1000:.0f}"
        f" ms); {rounds} round(s); {cpus} cores; python {sys.version.split()[0]}; "
        f"switch interval {sys.getswitchinterval() * 1000:g} ms; "
        f"player: {' '.join(STAND_IN.argv)} FILE\n"
    )
    floor = spawn_floor(50)
    conditions = [c for c in CONDITIONS if busy_cores or not c.spinners]
    results: dict[str, list[Sample]] = {c.name: [] for c in conditions}
    ends: dict[str, list[float]] = {c.name: [] for c in conditions}
    for _ in range(rounds):
        for condition in conditions:
            hogs = spinners(cpus - 1) if condition.spinners else []
            try:
                got, wakes = asyncio.run(tone_session(routine, condition.pause))
            finally:
                stop_spinners(hogs)
            if len(got) != expected:
                raise SystemExit(f"{len(got)} cues delivered, {expected} expected")
            results[condition.name].extend(got)
            ends[condition.name].append(wakes.end or 0.0)

    print("Tones, ms: median / p95 / max over every cue of the session(s)\n")
    print(
        "| event loop | cues | wake-up (baseline) | hand-off to the worker | player start "
        "| **boundary to player started** | first cue (session start) | max of the others |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, got in results.items():
        first = [s.total for s in got if s.cue.step is not None and s.cue.step.index == 0]
        others = [s.total for s in got if s.cue.step is None or s.cue.step.index != 0]
        print(
            f"| {name} | {len(got)} | {spread([s.wake for s in got])} "
            f"| {spread([s.handoff for s in got])} | {spread([s.spawn for s in got])} "
            f"| **{spread([s.total for s in got])}** | {', '.join(ms(f) for f in first)} "
            f"| {ms(max(others))} |"
        )
    print(f"| floor: the player started from a bare thread, 50 times | | | | {spread(floor)} |||")
    print()
    for name, waited in asyncio.run(waiter_floor(30, 0.0)).items():
        print(f"loop always busy: {name} ends late by {spread(waited)} ms (median / p95 / max)")
    for name, late in ends.items():
        print(
            f"{name}: the end noticed {', '.join(ms(v) for v in late)} ms late (the dispatcher "
            "counts the end's cue from when it was noticed)"
        )

    if count:
        print("\nDesktop notifications (private bus, the tests' mock notification server), ms\n")
        print(
            "| event loop | notifications | hand-off | notify_desktop "
            "| **call to server answered** |"
        )
        print("|---|---|---|---|---|")
        for name, got in notifications(count, spacing).items():
            print(
                f"| {name} | {len(got)} | {spread([s.handoff for s in got])} "
                f"| {spread([s.spawn for s in got])} | **{spread([s.total for s in got])}** |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1, help="sessions per condition")
    parser.add_argument("--compress", type=float, default=30.0, help="time compression factor")
    parser.add_argument("--notifications", type=int, default=20, help="per condition (0: none)")
    parser.add_argument("--spacing", type=float, default=0.25, help="seconds between them")
    parser.add_argument(
        "--no-busy-cores", action="store_true", help="skip the condition with the cores loaded"
    )
    args = parser.parse_args()
    main(args.rounds, args.compress, args.notifications, args.spacing, not args.no_busy_cores)
