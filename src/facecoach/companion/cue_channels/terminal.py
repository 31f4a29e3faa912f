"""The terminal itself: the bell at each glide, and at the end of a session (or when it needs
the user) a notification in the terminal's own protocol, where it has one: OSC 99 (kitty),
OSC 777 (foot, Ghostty, WezTerm, rxvt-unicode), OSC 9 (iTerm2, Windows Terminal, ConEmu).
Inside tmux the sequence is wrapped for passthrough, which tmux 3.3 and later forwards when
`allow-passthrough` is on; otherwise tmux drops it, harmlessly.

The front end gives the writer: the app writes through its own terminal driver (two writers on
one terminal would tear each other's sequences apart), the plain coach to its terminal.
"""

from collections.abc import Callable
from enum import StrEnum

from facecoach.companion.cue_channels.machine import ChannelName, Facility, Machine
from facecoach.cues.model import Cue, CueKind

BELL = "\a"
_ESC = "\x1b"
_ST = "\x1b\\"


class OscProtocol(StrEnum):
    KITTY = "OSC 99"
    NOTIFY = "OSC 777"
    GROWL = "OSC 9"


def osc_protocol(machine: Machine) -> OscProtocol | None:
    """Which notification sequence this terminal shows, from what it says about itself."""
    env = machine.env
    program = env.get("TERM_PROGRAM", "")
    term = env.get("TERM", "")
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty":
        return OscProtocol.KITTY
    if (
        program in ("WezTerm", "ghostty")
        or env.get("WEZTERM_PANE")
        or term.startswith(("foot", "rxvt-unicode", "xterm-ghostty"))
    ):
        return OscProtocol.NOTIFY
    if program == "iTerm.app" or env.get("LC_TERMINAL") == "iTerm2" or env.get("WT_SESSION"):
        return OscProtocol.GROWL
    if env.get("ConEmuPID"):
        return OscProtocol.GROWL
    return None


def terminal_facility(machine: Machine) -> Facility:
    protocol = osc_protocol(machine)
    if protocol is None:
        return Facility(
            ChannelName.TERMINAL,
            False,
            "this terminal does not say that it shows notifications (kitty, foot, Ghostty, "
            "WezTerm, iTerm2 and Windows Terminal do); the bell still rings",
        )
    through = (
        " through tmux (needs `set -g allow-passthrough on`)" if machine.env.get("TMUX") else ""
    )
    return Facility(ChannelName.TERMINAL, True, f"{protocol.value}{through}")


def _clean(text: str) -> str:
    """Text inside an escape sequence: no control characters (a routine name comes from a
    file, and an ESC or BEL in it would end the sequence early) and no field separators."""
    return "".join(c for c in text if c.isprintable()).replace(";", ",")[:200]


def notification_sequence(protocol: OscProtocol, title: str, message: str, number: int = 1) -> str:
    """`number` tells kitty's notifications apart (one id each: a second one with the same id
    would replace the first)."""
    title, message = _clean(title), _clean(message)
    match protocol:
        case OscProtocol.KITTY:
            head = f"{_ESC}]99;i=facecoach-{number}:d=0;{title}{_ST}"
            body = f"{_ESC}]99;i=facecoach-{number}:p=body;{message}{_ST}"
            return head + body
        case OscProtocol.NOTIFY:
            return f"{_ESC}]777;notify;{title};{message}{_ST}"
        case OscProtocol.GROWL:
            return f"{_ESC}]9;{title}: {message}{BELL}"


def through_tmux(sequence: str) -> str:
    """Wrapped for tmux's passthrough: every ESC inside doubled."""
    return f"{_ESC}Ptmux;{sequence.replace(_ESC, _ESC + _ESC)}{_ST}"


class TerminalChannel:
    """The bell at glide changes (when `bell` is on) and notifications where the terminal
    shows them. Writing to the terminal never blocks, so it runs where the cue is decided."""

    name = ChannelName.TERMINAL
    blocking = False
    closes_at_once = True

    def __init__(
        self,
        write: Callable[[str], object],
        *,
        bell: bool,
        protocol: OscProtocol | None,
        in_tmux: bool = False,
    ) -> None:
        self._write = write
        self.bell = bell
        self._protocol = protocol
        self._in_tmux = in_tmux
        self._sent = 0

    def deliver(self, cue: Cue) -> str | None:
        if self.bell and cue.kind in (CueKind.GLIDE_START, CueKind.LAST_GLIDE):
            self._write(BELL)
        if cue.notifies and self._protocol is not None:
            self._sent += 1
            sequence = notification_sequence(
                self._protocol, cue.title, cue.message, number=self._sent
            )
            self._write(through_tmux(sequence) if self._in_tmux else sequence)
        return None

    def close(self) -> str | None:
        return None
