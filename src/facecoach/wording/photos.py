"""How the progress photos are talked about, in the app and on the command line."""

from facecoach.photos.framing import Framing
from facecoach.photos.library import Photo

FRAMING_GUIDE = (
    "For photos you can compare: the same place, distance and light (daylight, facing a "
    "window), the same relaxed expression, hair back, no make-up, camera at eye level."
)

COMPARE_ALIGNED = "Faces aligned (OpenCV): same place, same size."
COMPARE_NO_DETECTOR = "Centred; to align the faces: pip install 'facecoach[faces]'."


def compare_note(framing: Framing, without_face: list[str]) -> str:
    """What the compare did; `without_face`: the days of the photos with no face found."""
    if framing is Framing.ALIGNED:
        return COMPARE_ALIGNED
    if framing is Framing.NO_DETECTOR:
        return COMPARE_NO_DETECTOR
    where = without_face[0] if len(without_face) == 1 else "either"
    return f"Centred: no face found in {where} to align."


NOTHING_TO_RESTORE = "Nothing to undo: no deleted photo is waiting to be restored."


def photo_named(photo: Photo) -> str:
    """'photo 3 of Wed 01 Oct 2025 (before)'."""
    note = f" ({photo.note})" if photo.note else ""
    return f"photo {photo.id} of {photo.taken:%a %d %b %Y}{note}"


def deleted(photo: Photo, how_to_undo: str) -> str:
    """`how_to_undo`: the front end's way back ("Press u to bring it back.")."""
    return f"Deleted {photo_named(photo)}. {how_to_undo}"


def restored(photo: Photo) -> str:
    return f"Restored {photo_named(photo)}."


def framing_reminder(last: Photo, where: str) -> str:
    """Before the next photo: the last one to copy, and the guide. `where`: where it is shown."""
    return f"Before the next photo, look at the last one ({last.taken:%d %b %Y}{where}). "
