"""The waiting period after Botox or filler injections.

Published advice ranges from 2 to 30 days (most often "wait at least a week or two"), so the
length is a setting; the default leans to the cautious side of the common advice.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DEFAULT_INJECTION_WAIT_DAYS = 10
MAX_INJECTION_WAIT_DAYS = 60


class InjectionKind(StrEnum):
    BOTOX = "botox"
    FILLER = "filler"

    @property
    def label(self) -> str:
        return "Botox" if self is InjectionKind.BOTOX else "Filler"


@dataclass(frozen=True, slots=True)
class Injection:
    id: int
    kind: InjectionKind
    day: date
    note: str = ""


@dataclass(frozen=True, slots=True)
class WaitingPeriod:
    injection: Injection
    last_day: date  # the last day on which sessions are advised against
    days_left: int  # including today

    def describe(self) -> str:
        when = "today" if self.days_left == 1 else f"for {self.days_left} more days"
        return (
            f"{self.injection.kind.label} on {self.injection.day:%a %d %b}: the waiting "
            f"period runs until {self.last_day:%a %d %b} ({when})."
        )


def waiting_period(
    injections: Iterable[Injection], today: date, wait_days: int
) -> WaitingPeriod | None:
    """The waiting period in force today, the one that ends last if several overlap."""
    if wait_days <= 0:
        return None
    current: WaitingPeriod | None = None
    for injection in injections:
        if injection.day > today:
            continue  # a planned injection does not block sessions before it
        last_day = injection.day + timedelta(days=wait_days - 1)
        if last_day < today:
            continue
        if current is None or last_day > current.last_day:
            current = WaitingPeriod(injection, last_day, (last_day - today).days + 1)
    return current
