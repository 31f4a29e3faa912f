"""How a session's zones are named in its summary: a zone treated twice in one phase reads as
two different entries, not the same line twice."""

from facecoach.routines.loader import RoutineLibrary
from facecoach.wording.session import zone_title


def test_twin_entries_are_told_apart_by_their_paths(builtin_library: RoutineLibrary) -> None:
    spot = builtin_library.get("spot-forehead").routine
    titles = [zone_title(spot, index) for index in range(len(spot.zones))]
    assert titles == [
        "1. Forehead, treat phase (from above the inner brow up to the hairline)",
        "2. Forehead, treat phase (from above the outer brow up to the hairline)",
        "3. Brows, treat phase",
        "4. Forehead, calm phase",  # another phase: already told apart
    ]
    assert len({title.split(". ", 1)[1] for title in titles}) == len(titles)
