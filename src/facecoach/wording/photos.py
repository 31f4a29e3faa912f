"""How the progress photos are talked about, in the app and on the command line."""

from facecoach.photos.library import Photo

FRAMING_GUIDE = (
    "For photos you can compare: the same place, distance and light (daylight, facing a "
    "window), the same relaxed expression, hair back, no make-up, camera at eye level."
)

COMPARE_NOTE = "A centred view of each; no face alignment is done."

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
