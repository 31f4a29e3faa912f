"""AdvertisementMatcher: which profile an advertisement belongs to (Home Assistant semantics).

A profile lists matchers; any one matching is enough (OR), and within a matcher every key given
must hold (AND). Advertisements are matched every time they arrive, because the name often only
comes in the scan response.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol

from facecoach.devices.protocol.profile import LOCAL_NAME_LITERAL_START, DeviceProfile, Matcher


class Advertisement(Protocol):
    """What matching reads; bleak's AdvertisementData has these attributes."""

    @property
    def local_name(self) -> str | None: ...
    @property
    def service_uuids(self) -> list[str]: ...
    @property
    def service_data(self) -> Mapping[str, bytes]: ...
    @property
    def manufacturer_data(self) -> Mapping[int, bytes]: ...


def local_name_matches(name: str, pattern: str) -> bool:
    """Home Assistant's test, to the letter: its index files a pattern under its first three
    characters and looks a name up by the name's first three, then fnmatches the whole name.
    So those first three are compared as plain text (a `?` among them matches only a `?`),
    and a pattern shorter than three characters matches only a name of its own length."""
    start = LOCAL_NAME_LITERAL_START
    return name[:start] == pattern[:start] and fnmatchcase(name, pattern)


def matcher_accepts(
    matcher: Matcher, adv: Advertisement, *, name: str | None = None, connectable: bool = True
) -> bool:
    """True when every key of the matcher holds. `name` stands in when this packet has none.
    As in Home Assistant, a matcher needs a connectable advertisement unless it says
    `connectable = false`, which takes either kind."""
    if matcher.connectable is not False and not connectable:
        return False
    local_name = adv.local_name or name
    if matcher.local_name is not None and (
        local_name is None or not local_name_matches(local_name, matcher.local_name)
    ):
        return False
    uuids = {u.lower() for u in adv.service_uuids}
    if matcher.service_uuid is not None and matcher.service_uuid not in uuids:
        return False
    if matcher.service_data_uuid is not None and matcher.service_data_uuid not in {
        u.lower() for u in adv.service_data
    }:
        return False
    if matcher.manufacturer_id is not None:
        data = adv.manufacturer_data.get(matcher.manufacturer_id)
        if data is None:
            return False
        start = matcher.manufacturer_data_start
        if start is not None and not bytes(data).startswith(start):
            return False
    return True


@dataclass(frozen=True, slots=True)
class AdvertisementMatcher:
    """Finds the best profile for an advertisement among many."""

    profiles: Sequence[DeviceProfile]

    def match(
        self, adv: Advertisement, *, name: str | None = None, connectable: bool = True
    ) -> DeviceProfile | None:
        """The best match: fallback profiles last, then the most specific matcher; earlier
        profiles (the user's own come first) win ties."""
        best: DeviceProfile | None = None
        best_score = (False, 0)
        for profile in self.profiles:
            for matcher in profile.match:
                score = (not profile.fallback, matcher.specificity)
                if score > best_score and matcher_accepts(
                    matcher, adv, name=name, connectable=connectable
                ):
                    best, best_score = profile, score
        return best
