"""Launch as a user sees it: spawn until the first frame is written to a real pseudo-terminal.

Each run starts a fresh process on a pty (100x30, TERM=xterm-256color), reads what it writes,
and stops the clock when the text of the screen's first frame has been written; the process is
then killed and its CPU time and peak memory (`wait4`'s rusage) are read. Every start of
facecoach is paired with a start of the baseline, a bare Textual app with one Static, just
before it; "x bare" is the median of the pairs' ratios. On a shared machine the load drifts
from second to second, by as much as the difference measured: within a pair it moves least.

States:
  first-run   no safety answers yet: the Safety screen is what the user sees first
  home-empty  safety answered, empty log: the home screen
  home-10y    safety answered, 10 years of daily sessions: the home screen

Each state's cache folder is kept from run to run, as a user's is (the warm-up run, left open
two seconds, fills it); `--cold` empties its kept stylesheets before every start, as on a
first start after installing or upgrading (a real first run is always such a start).

After the first frame, `--settle` also waits until the home screen's cards are filled in
(the stats, the routine list) and reports that time, and the peak memory at home.

    python bench/launch.py [--runs 11] [--states first-run,home-empty,home-10y]
"""

import argparse
import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

BARE_APP = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("bare app ready")
Bare().run()
"""

COLUMNS, ROWS = 100, 30
TIMEOUT = 30.0


@dataclass
class Run:
    first_frame: float  # seconds from spawn to the marker's last byte
    settled: float | None  # seconds from spawn to the settle marker
    cpu: float  # user + system seconds of the process until its first frame (10 ms ticks)
    cpu_total: float  # the same until it was killed (at the first frame, or once settled)
    max_rss_mib: float


_TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


def spawn_until(
    argv: list[str],
    env: dict[str, str],
    marker: bytes,
    settle: bytes | None,
    linger: float = 0.0,
) -> Run:
    """Runs `argv` on a pty until `marker` (and `settle`, if given) is written, then `linger`
    seconds more, and kills it."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    seen = b""
    first: float | None = None
    first_cpu = 0.0
    settled: float | None = None
    deadline = start + TIMEOUT
    try:
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            now = time.perf_counter()
            if first is None and marker in seen:
                first = now - start
                first_cpu = cpu_seconds(process.pid)
                if settle is None:
                    break
            if first is not None and settle is not None and settle in seen:
                settled = now - start
                break
        else:
            raise SystemExit(f"no frame within {TIMEOUT} s: {argv}\n{seen[-2000:]!r}")
        if first is None:
            raise SystemExit(f"process ended before its first frame: {argv}\n{seen[-3000:]!r}")
        if linger:
            lingered = time.perf_counter() + linger
            while (left := lingered - time.perf_counter()) > 0:
                if select.select([master], [], [], left)[0]:
                    try:
                        os.read(master, 65536)
                    except OSError:
                        break
            # Ended as a user ends it (the log closed and stamped as checked), not killed.
            process.send_signal(signal.SIGTERM)
            ending = time.perf_counter() + 10
            while process.poll() is None and time.perf_counter() < ending:
                if select.select([master], [], [], 0.1)[0]:
                    try:
                        os.read(master, 65536)
                    except OSError:
                        break
    finally:
        usage = None
        if process.poll() is None:  # (a lingering run has ended and been reaped)
            process.send_signal(signal.SIGKILL)
            _, _, usage = os.wait4(process.pid, 0)
            process.returncode = -9
        os.close(master)
    if usage is None:  # a lingering warm-up, ended and reaped: its totals are not kept
        return Run(first, settled, first_cpu, 0.0, 0.0)
    total = usage.ru_utime + usage.ru_stime
    return Run(first, settled, first_cpu, total, usage.ru_maxrss / 1024)


def prepare(state: str, root: Path, *, make: bool = True) -> dict[str, str]:
    from facecoach.adherence.session_log import SessionLog
    from facecoach.safety.records import SafetyRecords

    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLUMNS=str(COLUMNS),
        LINES=str(ROWS),
        FACECOACH_CONFIG_DIR=str(root / state / "config"),
        FACECOACH_DATA_DIR=str(root / state / "data"),
        FACECOACH_CACHE_DIR=str(root / state / "cache"),
    )
    env.pop("TEXTUAL", None)
    # A user's Python keeps compiled bytecode (pip compiles it on install); without this, a
    # machine that sets PYTHONDONTWRITEBYTECODE would time facecoach compiling its own source
    # on every run. The warm-up run writes the caches.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if state == "first-run" or not make:
        return env
    with SessionLog.open(root / state / "data" / "facecoach.db") as store:
        SafetyRecords(store.database).record_screening({}, datetime.now(UTC))
        if state == "home-10y":
            from adherence import synthetic_history

            synthetic_history(store, 10)
    return env


# What the first frame of each state shows (a word of its own, written in one style run). Home's
# is a card's title: its Start button is built just after the first frame, into blank room.
MARKERS = {
    "first-run": b"Safety questions",
    "home-empty": b"This week",
    "home-10y": b"This week",
}
# Written once the home screen's cards hold the log's numbers.
SETTLE = {"home-empty": b"Habit strength", "home-10y": b"Habit strength"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--states", default="first-run,home-empty,home-10y")
    parser.add_argument("--settle", action="store_true", help="also time the filled-in home")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="remove the parsed stylesheets kept in the cache before each start (a first start "
        "after installing or upgrading; the validated copies of data files are kept)",
    )
    parser.add_argument(
        "--before",
        metavar="SRC",
        help="also run the facecoach whose package is in SRC (a checkout's src/), interleaved",
    )
    parser.add_argument(
        "--prepare-only", nargs=2, metavar=("STATE", "ROOT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.prepare_only:  # a state for another version, written by that version's own code
        prepare(args.prepare_only[0], Path(args.prepare_only[1]))
        return
    facecoach = shutil.which("facecoach", path=str(Path(sys.executable).parent))
    if facecoach is None:
        raise SystemExit("install facecoach in this environment first")
    states = args.states.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        envs = {state: prepare(state, root) for state in states}
        bare_env = dict(envs[states[0]])
        bare: list[Run] = []
        # Each run with the bare app's run just before it.
        ours: dict[str, list[tuple[Run, Run]]] = {state: [] for state in states}
        before: dict[str, list[tuple[Run, Run]]] = {state: [] for state in states}
        before_envs = {}
        if args.before:
            for state in states:
                # Its own log, made by its own code: an older facecoach refuses a newer schema.
                subprocess.run(
                    [sys.executable, __file__, "--prepare-only", state, str(root / "before")],
                    env=dict(os.environ, PYTHONPATH=args.before),
                    check=True,
                )
                before_envs[state] = dict(
                    prepare(state, root / "before", make=False), PYTHONPATH=args.before
                )
        # Warm-up: the file cache and the bytecode caches of both, and facecoach's own cache
        # as a user's holds it (the styles it parsed are kept a second after the first frame).
        spawn_until([sys.executable, "-c", BARE_APP], bare_env, b"bare app ready", None)
        for state in states:
            spawn_until([facecoach], envs[state], MARKERS[state], None, linger=2.0)
            if args.before:
                spawn_until([facecoach], before_envs[state], MARKERS[state], None, linger=2.0)

        def paired(env: dict[str, str], state: str) -> tuple[Run, Run]:
            baseline = spawn_until([sys.executable, "-c", BARE_APP], bare_env, b"bare", None)
            bare.append(baseline)
            settle = SETTLE.get(state) if args.settle else None
            return spawn_until([facecoach], env, MARKERS[state], settle), baseline

        for _ in range(args.runs):
            for state in states:
                if args.cold:
                    for folder in (root, root / "before"):
                        kept = folder / state / "cache" / "textual-css"
                        shutil.rmtree(kept, ignore_errors=True)
                ours[state].append(paired(envs[state], state))
                if args.before:
                    before[state].append(paired(before_envs[state], state))

    def med(values: list[float]) -> float:
        return statistics.median(values)

    b_wall, b_cpu = med([r.first_frame for r in bare]), med([r.cpu for r in bare])
    b_rss = med([r.max_rss_mib for r in bare])
    print(
        f"spawn to first frame on a {COLUMNS}x{ROWS} pty, median of {args.runs} runs of each, "
        "x bare: median of the ratios to the bare app's run just before"
    )
    print(f"{'state':<21} {'wall ms':>8} {'x bare':>7} {'cpu ms':>8} {'x bare':>7} {'rss MiB':>8}")
    print(
        f"{'bare app (all runs)':<21} {b_wall * 1000:8.1f} {1:7.2f} {b_cpu * 1000:8.1f} "
        f"{1:7.2f} {b_rss:8.1f}"
    )
    rows = [(state, runs) for state, runs in ours.items()]
    rows += [(f"{state} (before)", runs) for state, runs in before.items() if runs]
    for state, pairs in rows:
        runs = [run for run, _ in pairs]
        wall, cpu = med([r.first_frame for r in runs]), med([r.cpu for r in runs])
        rss = med([r.max_rss_mib for r in runs])
        wall_ratio = med([run.first_frame / baseline.first_frame for run, baseline in pairs])
        # CPU time comes in 10 ms ticks; a pair with no tick on the bare side is left out.
        cpu_ratios = [run.cpu / baseline.cpu for run, baseline in pairs if baseline.cpu]
        cpu_ratio = med(cpu_ratios) if cpu_ratios else float("nan")
        print(
            f"{state:<21} {wall * 1000:8.1f} {wall_ratio:7.2f} {cpu * 1000:8.1f} "
            f"{cpu_ratio:7.2f} {rss:8.1f}"
        )
        settled = [r.settled for r in runs if r.settled is not None]
        if settled:
            print(
                f"{'':<21} filled in at {med(settled) * 1000:.1f} ms; peak RSS {rss:.1f} MiB "
                f"= {rss / b_rss:.2f}x bare"
            )


if __name__ == "__main__":
    main()
