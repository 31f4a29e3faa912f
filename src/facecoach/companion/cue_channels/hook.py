"""`--on-cue CMD`: the user's own command at every cue, with the cue as one JSON object on its
standard input (for smart lights, a Home Assistant webhook, a player of their own).

Each cue starts the command and does not wait for it: a watcher thread gives it HOOK_TIMEOUT
seconds, then stops it. A slow or failing command never delays the session; what went wrong
is said once per session, not at every glide.
"""

import json
import shlex
import subprocess
import threading
from collections.abc import Callable
from typing import Any

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.cues.model import Cue

HOOK_TIMEOUT = 5.0
# More commands than this still running means they are piling up: new cues are not sent.
MAX_RUNNING = 4


def hook_facility(machine: Machine, command: str | None) -> Facility:
    if not command:
        return Facility(
            ChannelName.HOOK, False, "no command is set (on_cue in settings.toml, or --on-cue)"
        )
    argv = _argv(command)
    if argv is None:
        return Facility(ChannelName.HOOK, False, f"the command {command!r} cannot be read")
    if machine.which(argv[0]) is None:
        return Facility(ChannelName.HOOK, False, f"{argv[0]} was not found")
    return Facility(ChannelName.HOOK, True, f"runs {command}")


def _argv(command: str) -> list[str] | None:
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    return argv or None


def cue_record(cue: Cue, routine_id: str) -> dict[str, Any]:
    """The JSON a hook reads."""
    step = cue.step
    return {
        "cue": cue.kind.value,
        "t": round(cue.offset, 3),
        "routine": routine_id,
        "zone": step.zone.value if step and step.zone else None,
        "side": step.side.value if step and step.side else None,
        "glide": step.glide if step and step.glide else None,
        "glides": step.glides if step and step.glides else None,
        "phrase": cue.phrases[0] if cue.phrases else None,
        "title": cue.title or None,
        "message": cue.message or None,
    }


class HookChannel:
    name = ChannelName.HOOK
    blocking = False  # starting a process is quick; waiting for it happens on a watcher

    def __init__(
        self,
        command: str,
        routine_id: str,
        on_problem: Callable[[str], None] = lambda text: None,
    ) -> None:
        argv = _argv(command)
        if argv is None:
            raise ValueError(f"the command {command!r} cannot be read")
        self._argv = argv
        self._routine_id = routine_id
        # Replaced by the dispatcher's own report (once per session, named).
        self.on_problem = on_problem
        self._running: set[subprocess.Popen[bytes]] = set()
        self._watchers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def deliver(self, cue: Cue) -> str | None:
        with self._lock:
            if len(self._running) >= MAX_RUNNING:
                return f"{self._argv[0]} is still running for earlier cues; later cues skip it"
        data = json.dumps(cue_record(cue, self._routine_id)).encode() + b"\n"
        try:
            process = subprocess.Popen(
                self._argv,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            return f"{self._argv[0]} could not start ({exc.strerror or exc})"
        watcher = threading.Thread(target=self._watch, args=(process, data), daemon=True)
        with self._lock:
            self._running.add(process)
            self._watchers = [w for w in self._watchers if w.is_alive()] + [watcher]
        watcher.start()
        return None

    def _watch(self, process: "subprocess.Popen[bytes]", data: bytes) -> None:
        try:
            _, errors = process.communicate(data, timeout=HOOK_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            self.on_problem(f"{self._argv[0]} took more than {HOOK_TIMEOUT:g} s and was stopped")
        else:
            if process.returncode != 0:
                lines = errors.decode(errors="replace").strip().splitlines()
                detail = f": {lines[0]}" if lines else ""
                self.on_problem(
                    f"{self._argv[0]} failed (exit status {process.returncode}{detail})"
                )
        finally:
            with self._lock:
                self._running.discard(process)

    def close(self) -> str | None:
        """Waits for the commands still running (each stopped at its time-out)."""
        with self._lock:
            watchers = list(self._watchers)
        for watcher in watchers:
            watcher.join(HOOK_TIMEOUT + 1)
        return None
