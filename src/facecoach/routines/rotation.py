"""Which routine to suggest next: varying treatments is the advice for programmable devices."""

from collections.abc import Sequence


def next_in_rotation(routine_ids: Sequence[str], recent: Sequence[str]) -> str | None:
    """The routine after the most recently used one (newest first in `recent`), cycling.

    Routines no longer in the library are passed over; with no usable history the first
    routine is suggested.
    """
    if not routine_ids:
        return None
    for used in recent:
        if used in routine_ids:
            return routine_ids[(routine_ids.index(used) + 1) % len(routine_ids)]
    return routine_ids[0]
