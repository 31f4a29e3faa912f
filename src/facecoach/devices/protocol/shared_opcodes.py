"""Commands that share an opcode and are told apart by a fixed value in their payload.

FOREO's devices take one frame, `01 MODE LEVEL`: with LEVEL 1-10 it sets the level, with
LEVEL 0 it stops. In a profile that is `set_intensity` and `stop` on one opcode, the stop's
level a fixed `value = 0` that the set_intensity's range (1-10) leaves out. Such commands lay
out their payloads alike, so one size serves a frame without a length byte, and the device end
(the simulator) reads which command came from the values themselves.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from facecoach.problems import Problem

if TYPE_CHECKING:
    from facecoach.devices.protocol.profile import Argument, Command


def _allowed(arg: "Argument") -> tuple[int, int]:
    """The values the argument can carry: its fixed value, or its range."""
    return (arg.value, arg.value) if arg.value is not None else arg.range


def _told_apart(a: "Command", b: "Command") -> bool:
    """True when some argument at the same place cannot hold the same value in both."""
    for arg_a, arg_b in zip(a.args, b.args, strict=True):
        low_a, high_a = _allowed(arg_a)
        low_b, high_b = _allowed(arg_b)
        if high_a < low_b or high_b < low_a:
            return True
    return False


def shared_opcode_problems(commands: Mapping[str, "Command"]) -> list[Problem]:
    """Why commands that share an opcode cannot be told apart, a pair each ('stop and
    set_intensity'); none when they can."""
    by_opcode: dict[int, list[tuple[str, Command]]] = {}
    for name, command in commands.items():
        by_opcode.setdefault(command.opcode, []).append((name, command))
    problems = []
    for opcode, group in by_opcode.items():
        for index, (name_a, a) in enumerate(group):
            for name_b, b in group[index + 1 :]:
                pair = f"{name_a} and {name_b}"
                shared = f"share opcode 0x{opcode:02X}"
                if [(x.type, x.order) for x in a.args] != [(x.type, x.order) for x in b.args]:
                    problems.append(
                        Problem(
                            pair,
                            f"{shared}, so their arguments must have the same types in the same "
                            "order (one payload layout)",
                        )
                    )
                elif not _told_apart(a, b):
                    problems.append(
                        Problem(
                            pair,
                            f"{shared}, but no argument tells them apart: give one of them a "
                            "fixed `value` that the other's range leaves out (a stop's level "
                            "= 0 beside a level of min = 1)",
                        )
                    )
    return problems


def shares_an_opcode(commands: Mapping[str, "Command"]) -> bool:
    opcodes = [command.opcode for command in commands.values()]
    return len(set(opcodes)) != len(opcodes)


def command_for_values(
    candidates: Sequence[tuple[str, "Command"]], values: Sequence[int]
) -> str | None:
    """Which of the commands on one opcode a payload's values are (None: none of them)."""
    for name, command in candidates:
        if all(
            low <= value <= high
            for value, (low, high) in zip(values, map(_allowed, command.args), strict=True)
        ):
            return name
    return None
