"""Runs `facecoach ARGS` as far as this machine can make it look like Windows:

    python -m tests.support.other_platform [--first-frame] ARGS...
    python -m tests.support.other_platform --batch COMMANDS.json RESULTS.json

What the standard library and the dependencies need has been imported by then; after that the
POSIX-only names are taken away (os.O_NONBLOCK, os.getuid, fcntl, termios, the job-control and
hang-up signals, asyncio's `add_signal_handler`), `sys.platform` says "win32", and Windows' own
names that facecoach's code paths reach for are faked (msvcrt's file lock, os.O_BINARY,
signal.SIGBREAK). A POSIX-only name left outside `facecoach.system`, or a Windows branch that
breaks, ends in a traceback here.

With --first-frame, the app is started headless instead, with its signal handlers, until its
first frame is drawn. With --batch, each command of a JSON list runs in turn in this one
process, as `facecoach` would in its own (its exit code, its output, a traceback as Python
would print it; the file locks it held let go), in virtual time (a session's waits take no real
time), and what each did is written as JSON: one interpreter's start instead of one per command.
"""

import asyncio
import asyncio.unix_events
import contextlib
import io
import json
import os
import signal
import sys
import sysconfig
import traceback
import types

import platformdirs  # noqa: F401 - chooses its backend by sys.platform at import
import textual.app
import textual.drivers.linux_driver  # noqa: F401 - what Textual picks (WindowsDriver there)

sysconfig.get_config_vars()  # read once, for this interpreter's real platform

POSIX_ONLY_OS = ("O_NONBLOCK", "getuid", "geteuid", "mkfifo", "openpty")
POSIX_ONLY_SIGNALS = ("SIGHUP", "SIGCONT", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGQUIT", "SIGKILL")
POSIX_ONLY_MODULES = ("fcntl", "termios", "tty", "pty")


def _no_signal_handlers(*_: object) -> None:
    raise NotImplementedError  # as Windows' Proactor loop


_HELD_LOCKS: set[tuple[int, int]] = set()


def _fake_windows() -> None:
    held = _HELD_LOCKS
    msvcrt = types.ModuleType("msvcrt")
    msvcrt.LK_NBLCK = 2  # type: ignore[attr-defined]
    msvcrt.LK_UNLCK = 0  # type: ignore[attr-defined]

    def locking(descriptor: int, mode: int, length: int) -> None:
        key = os.fstat(descriptor).st_dev, os.fstat(descriptor).st_ino
        if mode == 2 and key in held:
            raise PermissionError(13, "Permission denied")
        if mode == 0:
            held.discard(key)
        else:
            held.add(key)

    msvcrt.locking = locking  # type: ignore[attr-defined]
    sys.modules["msvcrt"] = msvcrt
    vars(os)["O_BINARY"] = 0
    vars(signal)["SIGBREAK"] = vars(signal)["SIGUSR2"]  # a signal this machine can deliver


def _take_posix_away() -> None:
    for name in POSIX_ONLY_OS:
        if hasattr(os, name):
            delattr(os, name)
    for name in POSIX_ONLY_SIGNALS:
        if hasattr(signal, name):
            delattr(signal, name)
    for module in POSIX_ONLY_MODULES:
        sys.modules[module] = None  # type: ignore[assignment]
    loop_class = asyncio.unix_events._UnixSelectorEventLoop  # type: ignore[attr-defined, unused-ignore]
    loop_class.add_signal_handler = _no_signal_handlers  # type: ignore[method-assign, assignment, unused-ignore]
    sys.platform = "win32"


def _first_frame() -> int:
    from facecoach.companion.core import Companion
    from facecoach.config.paths import config_dir, database_path
    from facecoach.session.clock import SystemClock
    from facecoach.tui.app import FacecoachApp

    app = FacecoachApp(Companion(SystemClock(), config_dir(), database_path()), handle_signals=True)
    drawn: list[bool] = []
    app.after_first_frame(lambda: drawn.append(True))

    async def until_drawn() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            # The first frame, then Home's controls built after it (as in test_home_first_frame):
            # a quit in between is another test's concern.
            while not drawn or not getattr(getattr(app, "home", None), "controls_ready", True):
                await pilot.pause(0.01)

    asyncio.run(until_drawn())
    print("first frame drawn")
    return 0


def _run_each(commands: list[list[str]]) -> list[dict[str, object]]:
    from facecoach.cli.main import main as facecoach
    from facecoach.cli.time_source import time_from
    from tests.support.virtual_time import VIRTUAL_TIME

    results: list[dict[str, object]] = []
    for command in commands:
        out, err = io.StringIO(), io.StringIO()
        redirected = contextlib.redirect_stdout(out), contextlib.redirect_stderr(err)
        with redirected[0], redirected[1], time_from(VIRTUAL_TIME):
            try:
                code = facecoach(command)
            except SystemExit as exit_:  # argparse's --help and --version
                code = exit_.code if isinstance(exit_.code, int) else 1
            except KeyboardInterrupt:
                code = 130
            except Exception:
                traceback.print_exc()  # what an uncaught exception prints, "Traceback" first
                code = 1
        _HELD_LOCKS.clear()  # a process's locks go with it
        results.append(
            {"command": command, "code": code, "out": out.getvalue(), "err": err.getvalue()}
        )
    return results


def main(argv: list[str]) -> int:
    _fake_windows()
    _take_posix_away()
    if argv[:1] == ["--first-frame"]:
        return _first_frame()
    if argv[:1] == ["--batch"]:
        with open(argv[1], encoding="utf-8") as commands:
            results = _run_each(json.load(commands))
        with open(argv[2], "w", encoding="utf-8") as written:
            json.dump(results, written)
        return 0
    from facecoach.cli.main import main as facecoach

    return facecoach(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
