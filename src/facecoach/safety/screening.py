"""The first-run contraindication screening: questions, advice, and what the answers mean.

The questions follow the warnings in device manuals (NuFACE, ZIIP, FOREO). The app gives advice
and keeps a record; it never diagnoses, and it never claims the treatment does anything medical.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from facecoach.errors import FacecoachError


class Severity(StrEnum):
    DO_NOT_USE = "do_not_use"  # manuals say: do not use the device
    ASK_DOCTOR = "ask_doctor"  # manuals say: talk to your doctor first, or avoid an area


@dataclass(frozen=True, slots=True)
class Contraindication:
    id: str
    question: str
    advice: str
    severity: Severity


CONTRAINDICATIONS: tuple[Contraindication, ...] = (
    Contraindication(
        "implanted_electronics",
        "Do you have a pacemaker or any other implanted electronic device?",
        "Do not use a microcurrent device: the current can interfere with implanted electronics.",
        Severity.DO_NOT_USE,
    ),
    Contraindication(
        "metal_implants",
        "Do you have metal implants, plates or screws in your face or neck?",
        "Ask your doctor first, and never glide over the area with the implant.",
        Severity.ASK_DOCTOR,
    ),
    Contraindication(
        "pregnancy",
        "Are you pregnant or breastfeeding?",
        "Do not use a microcurrent device while pregnant or breastfeeding; "
        "its safety has not been studied.",
        Severity.DO_NOT_USE,
    ),
    Contraindication(
        "epilepsy",
        "Do you have epilepsy or have you ever had seizures?",
        "Do not use a microcurrent device: electrical stimulation is advised against with "
        "a seizure disorder.",
        Severity.DO_NOT_USE,
    ),
    Contraindication(
        "cancer",
        "Do you have cancer, or are you having chemotherapy or radiotherapy?",
        "Do not use a microcurrent device unless your oncologist has approved it.",
        Severity.DO_NOT_USE,
    ),
    Contraindication(
        "heart",
        "Do you have a heart condition?",
        "Ask your doctor before using a microcurrent device.",
        Severity.ASK_DOCTOR,
    ),
    Contraindication(
        "severe_acne",
        "Do you have severe acne, open wounds or broken skin on your face?",
        "Wait until the skin has healed, and never glide over broken or inflamed skin.",
        Severity.ASK_DOCTOR,
    ),
    Contraindication(
        "under_18",
        "Are you under 18?",
        "These devices are made for adults; do not use one under 18.",
        Severity.DO_NOT_USE,
    ),
)

_BY_ID = {c.id: c for c in CONTRAINDICATIONS}


class Verdict(StrEnum):
    CLEAR = "clear"
    ASK_DOCTOR = "ask_doctor"
    DO_NOT_USE = "do_not_use"


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """What a set of answers means. Unknown ids in stored answers are ignored."""

    answers: Mapping[str, bool]

    @property
    def flagged(self) -> tuple[Contraindication, ...]:
        return tuple(c for c in CONTRAINDICATIONS if self.answers.get(c.id, False))

    @property
    def verdict(self) -> Verdict:
        severities = {c.severity for c in self.flagged}
        if Severity.DO_NOT_USE in severities:
            return Verdict.DO_NOT_USE
        if Severity.ASK_DOCTOR in severities:
            return Verdict.ASK_DOCTOR
        return Verdict.CLEAR

    def summary(self) -> str:
        match self.verdict:
            case Verdict.CLEAR:
                return "No contraindications reported."
            case Verdict.ASK_DOCTOR:
                return "Talk to your doctor before you start, and follow the advice below."
            case Verdict.DO_NOT_USE:
                return (
                    "Device manuals say not to use a microcurrent device in your situation. "
                    "facecoach will ask for an explicit override before every session."
                )


def contraindication(identifier: str) -> Contraindication:
    try:
        return _BY_ID[identifier]
    except KeyError:
        known = ", ".join(_BY_ID)
        raise ScreeningError(f"no safety question {identifier!r} (known: {known})") from None


class ScreeningError(FacecoachError):
    """An answer to the safety questions that names no question."""
