"""Shared fixtures: every test runs with its own config directory and never touches the user's."""

import gc
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from facecoach.routines.loader import RoutineLibrary
from facecoach.session.clock import FakeClock
from facecoach.tui.app import FacecoachApp
from facecoach.tui.remembered_css import STYLES_KEY_FILE, ParsedRules
from tests.support.dbus_mocks import Notified, notification_server, private_bus
from tests.support.device_air import CARRIERS

# Hypothesis' deadline is wall time: on a loaded machine an example that takes 3 ms alone took
# 281 ms and failed the suite ("Unreliable test timings"). Speed is measured in bench/, not here.
settings.register_profile("facecoach", deadline=None)
# In CI (Hypothesis reads CI, GITHUB_ACTIONS and the like; .ci/run sets CI) Hypothesis' own "ci"
# profile stands: no deadline either; the same examples on every run, so a commit that passed
# passes again and a failure can be repeated; no example database, which a fresh clone would
# write into its checkout and never read again; and a failure printed with the blob that
# reproduces it (`@reproduce_failure`). On a developer's machine each run tries new examples and
# keeps failing ones in the checkout's .hypothesis/ (ignored by git), to try them first next time.
if settings.get_current_profile_name() != "ci":
    settings.load_profile("facecoach")

# Full garbage collections a tenth as often as Python's default (every 100 middle ones, not 10).
# A test process starts hundreds of apps, and what they leave (Textual keeps up to 1024 style
# caches of closed widgets, each with its drawn lines) makes the heap large: each full collection
# rescanned it all, about a quarter of the CPU of the Pilot tests (27 full collections, 5.5-5.7 s
# of 22-28 s on test_tui_core + test_new_user_tui). At 100: 5 collections, 1.9 s; about 35 MB more
# per worker. Garbage is still collected, only in fewer, larger sweeps.
gc.set_threshold(700, 10, 100)

# Workers for `pytest -n auto`: more than the cores. A third of the suite's test time is waiting,
# not CPU (a frame's refresh, a timer, a transport's scan), so one worker per core leaves cores
# idle: on this 2-core machine, same code back to back, 4 workers took 154 s and 2 took 199 s
# (BENCHMARKS.md, the suite's paragraph). At most 4 extra, since a worker holds up to ~450 MB.
# The environment variable xdist reads still wins.
MOST_EXTRA_WORKERS = 4


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own rule reads it
    # The cores this process may use (a container's limit), where the OS says so.
    usable = getattr(os, "sched_getaffinity", None)
    cores = len(usable(0)) if usable is not None else (os.cpu_count() or 1)
    return cores + min(cores, MOST_EXTRA_WORKERS)


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    monkeypatch.setenv("FACECOACH_CONFIG_DIR", str(config))
    monkeypatch.setenv("FACECOACH_DATA_DIR", str(tmp_path / "data"))
    # Never the user's own cache: a test's library must not become their routine list.
    monkeypatch.setenv("FACECOACH_CACHE_DIR", str(tmp_path / "cache"))
    return config


@pytest.fixture(scope="session")
def kept_styles_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder of kept styles (and its signing key) per test process."""
    return tmp_path_factory.mktemp("kept-styles")


@pytest.fixture(autouse=True)
def warm_styles(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, kept_styles_folder: Path
) -> None:
    """Apps start as a returning user's do: the styles the tests before them parsed are read
    back (signed and checked as always), not parsed again in every test's fresh cache folder
    (7% of the TUI tests' CPU, profiled). Tests of keeping styles are marked `cold_styles`."""
    if request.node.get_closest_marker("cold_styles") is not None:
        return
    folder, key = kept_styles_folder / "textual-css", kept_styles_folder / STYLES_KEY_FILE
    monkeypatch.setattr(FacecoachApp, "kept_styles", staticmethod(lambda: ParsedRules(folder, key)))


# What the cue channels read of the machine: cleared, so a test run inside tmux, kitty or a
# desktop session behaves as one in CI, and a `facecoach coach` subprocess neither plays nor
# notifies. Tests that want a channel give it a machine of their own.
CUE_ENVIRONMENT = (
    "DBUS_SESSION_BUS_ADDRESS",
    "XDG_RUNTIME_DIR",
    "PULSE_SERVER",
    "TMUX",
    "TERM_PROGRAM",
    "KITTY_WINDOW_ID",
    "WEZTERM_PANE",
    "WT_SESSION",
    "LC_TERMINAL",
    "ConEmuPID",
)


@pytest.fixture(autouse=True)
def quiet_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CUE_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def user_routines_dir(isolated_dirs: Path) -> Path:
    path = isolated_dirs / "routines"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def builtin_library() -> RoutineLibrary:
    return RoutineLibrary.load(None)


@pytest.fixture(autouse=True)
def utc_local_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC in tests, so days and hours shown do not depend on the machine."""
    monkeypatch.setenv("TZ", "UTC")
    _read_time_zone()
    yield
    monkeypatch.undo()
    _read_time_zone()


def _read_time_zone() -> None:
    # Windows has no tzset: there the tests run in the machine's own time zone.
    if sys.platform != "win32":
        time.tzset()


@pytest.fixture(params=CARRIERS)
def carrier(request: pytest.FixtureRequest) -> str:
    """Which carrier the simulated device travels on: in process, or Bumble's real stack."""
    return str(request.param)


@pytest.fixture
def screened(isolated_dirs: Path) -> None:
    """The safety questions answered (no to each), as a returning user has them."""
    from facecoach.adherence.session_log import SessionLog
    from facecoach.safety.records import SafetyRecords
    from facecoach.session.clock import SystemClock

    with SessionLog.open(isolated_dirs.parent / "data" / "facecoach.db") as log:
        SafetyRecords(log.database).record_screening({}, SystemClock().now())


@pytest.fixture
def notification_daemon(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Notified]]:
    """A private D-Bus session bus with a mock notification server on it; yields what it was
    asked to show."""
    with private_bus() as address, notification_server(address) as notified:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield notified
