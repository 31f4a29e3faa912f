"""The gates before a session, in order, the same for every front end.

1. The safety questions must have been answered (a front end asks them, or the user accepts the
   risk of going on without, which is recorded).
2. Screening answers that advise against use, and 3. the waiting period after Botox or fillers,
   and 3b. a side effect noted after the last session that is a reason to stop (burning, a
   spreading rash, anything near the eyes): each passes only by an explicit override, which is
   recorded.
4. A device that reports it is on its charger: no session, no override.
5. The pre-session checks (gel applied, device off its charger): the user confirms them.

When the session log cannot be read, neither can the answers nor the injection dates: one gate
says so and needs an explicit override instead of 1-3, so a damaged file never switches the
safety questions off in silence.

Each front end presents a gate in its own way (a screen, a dialog, a question on the terminal,
a refusal with the flag that accepts it) as a `GateKeeper`, and replies; the core's
`SessionService.pass_gates` walks the gates, refuses, and records the risks accepted.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from facecoach.safety.checks import PRE_SESSION_CHECKS, CheckItem
from facecoach.safety.comfort import SideEffect
from facecoach.safety.records import ScreeningRecord
from facecoach.safety.screening import Verdict
from facecoach.safety.waiting import WaitingPeriod


class GateKind(StrEnum):
    SAFETY_UNREADABLE = "safety_unreadable"
    SCREENING_MISSING = "screening_missing"
    SCREENING = "screening"
    WAITING_PERIOD = "waiting_period"
    SIDE_EFFECT_STOP = "side_effect_stop"
    DEVICE_UNREADABLE = "device_unreadable"
    CHARGING = "charging"
    CHECKS = "checks"


class GateAction(StrEnum):
    """What it takes to pass a gate."""

    ANSWER = "answer"  # answer the safety questions (or override, recorded)
    OVERRIDE = "override"  # an explicit, recorded choice to go on
    REFUSE = "refuse"  # cannot be passed: fix the cause and start again
    CONFIRM = "confirm"  # tick every pre-session check
    NOTICE = "notice"  # tell the user, and go on


@dataclass(frozen=True, slots=True)
class Gate:
    kind: GateKind
    action: GateAction
    title: str
    text: str
    checks: tuple[CheckItem, ...] = ()

    @property
    def overridable(self) -> bool:
        return self.action in (GateAction.ANSWER, GateAction.OVERRIDE)


def screening_gates(screening: ScreeningRecord | None) -> list[Gate]:
    if screening is None:
        return [
            Gate(
                GateKind.SCREENING_MISSING,
                GateAction.ANSWER,
                "Please answer the safety questions before your first session",
                "Microcurrent is not for everyone: a few questions say whether it is safe for you.",
            )
        ]
    if screening.result.verdict is not Verdict.DO_NOT_USE:
        return []
    advice = "\n".join(f"• {c.advice}" for c in screening.result.flagged)
    return [
        Gate(
            GateKind.SCREENING,
            GateAction.OVERRIDE,
            "Your screening answers advise against using the device",
            f"{advice}\n\nGo on only if your doctor has approved it.",
        )
    ]


def unreadable_safety_gate(log_problem: str) -> Gate:
    return Gate(
        GateKind.SAFETY_UNREADABLE,
        GateAction.OVERRIDE,
        "Your safety answers cannot be read",
        f"They are kept in the session log, which cannot be opened: {log_problem}\n\nSo "
        "neither your answers nor a waiting period after an injection can be checked. Go on "
        "only if you know none applies; this choice cannot be recorded while the log is "
        "unavailable.",
    )


def waiting_gates(waiting: WaitingPeriod | None) -> list[Gate]:
    if waiting is None:
        return []
    return [
        Gate(
            GateKind.WAITING_PERIOD,
            GateAction.OVERRIDE,
            "You are in the waiting period after an injection",
            f"{waiting.describe()}\n\nMicrocurrent can move a product that has not "
            "settled yet. Go on only if your injector has said it is fine.",
        )
    ]


def side_effect_gates(stop: tuple[SideEffect, ...]) -> list[Gate]:
    """A side effect noted last time that device makers list as a reason to stop."""
    if not stop:
        return []
    from facecoach.wording.comfort import STOP_GATE_TITLE, stop_text

    return [
        Gate(
            GateKind.SIDE_EFFECT_STOP,
            GateAction.OVERRIDE,
            STOP_GATE_TITLE,
            f"{stop_text(stop)}\n\nGo on only if a doctor has said it is fine.",
        )
    ]


def device_gates(charging_reason: str | None, problem: str | None = None) -> list[Gate]:
    gates = []
    if problem is not None:
        gates.append(Gate(GateKind.DEVICE_UNREADABLE, GateAction.NOTICE, "Device", problem))
    if charging_reason is not None:
        gates.append(
            Gate(GateKind.CHARGING, GateAction.REFUSE, "The device is charging", charging_reason)
        )
    return gates


CHECKS_GATE = Gate(
    GateKind.CHECKS,
    GateAction.CONFIRM,
    "Before you start",
    "Confirm each of these.",
    checks=PRE_SESSION_CHECKS,
)


class GateReply(StrEnum):
    """A front end's reply to one gate."""

    PASSED = "passed"  # done what it asks: answered, confirmed, shown, or the risk accepted
    DECLINED = "declined"  # the user said no: no session, and nothing more is asked
    # It cannot be put to the user here (no terminal): the later gates are still gone
    # through, so that every reason is said at once; no session.
    DEFERRED = "deferred"


# A front end's side of the gates: puts one to the user in its own way, and replies.
GateKeeper = Callable[[Gate], Awaitable[GateReply]]


class GatesOutcome(NamedTuple):
    """Whether a session may begin, with the risks accepted (recorded) or the gates the front
    end could not put to the user."""

    cleared: bool
    overridden: tuple[Gate, ...] = ()
    deferred: tuple[Gate, ...] = ()
