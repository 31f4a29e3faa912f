"""Running `facecoach` as a user does: its command line, its environment, its output.

`facecoach(...)` runs the command in this process (the same `main` a user's process runs, with
the environment, standard input and output of its own), about a tenth of a second sooner than a
new interpreter, and in virtual time: a session's waits take no real time (`real_time=True` for
a command that waits on real input and output, such as a radio behind a socket);
`real_process=True` starts `python -m facecoach` for what only a process shows (its start, its
exit on a signal, its imports).
"""

import contextlib
import io
import os
import subprocess
import sys
import time

from facecoach.cli.time_source import SYSTEM_TIME, time_from
from tests.support.virtual_time import VIRTUAL_TIME

QUICK = """
id = "quick"
name = "Quick"
glide_seconds = 0.2
repeats = 2
transition_seconds = 0.1
side_switch_seconds = 0.1
[[zones]]
zone = "cheeks"
[[zones]]
zone = "neck"
"""
# QUICK in 50 ms steps (8 glides, under a second): for a session a real process runs on the
# real clock, where what is checked is what happens, not how long it takes.
BRIEF = QUICK.replace("0.2", "0.05").replace("0.1", "0.05")


def facecoach(
    *args: str,
    env: dict[str, str] | None = None,
    real_process: bool = False,
    real_time: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`facecoach ARGS` with ENV over this environment: its exit code and what it printed."""
    if real_process:
        return subprocess.run(
            [sys.executable, "-m", "facecoach", *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **(env or {})},
        )
    with time_from(SYSTEM_TIME if real_time else VIRTUAL_TIME):
        return _in_this_process(list(args), env or {})


def _in_this_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    from facecoach.cli.main import main

    saved_environment = dict(os.environ)
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    os.environ.update(env)
    if "TZ" in env and hasattr(time, "tzset"):
        time.tzset()
    sys.stdin = io.StringIO("")  # no terminal, and nothing typed: as with a pipe
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exit_:  # argparse's usage errors, --help, --version
                code = exit_.code if isinstance(exit_.code, int) else 1
    finally:
        sys.stdin = saved_stdin
        os.environ.clear()
        os.environ.update(saved_environment)
        if "TZ" in env and hasattr(time, "tzset"):
            time.tzset()
    return subprocess.CompletedProcess(
        ["facecoach", *args], code, stdout=out.getvalue(), stderr=err.getvalue()
    )
