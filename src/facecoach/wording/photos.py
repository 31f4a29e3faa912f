"""How the progress photos are talked about, in the app and on the command line."""

FRAMING_GUIDE = (
    "For photos you can compare: the same place, distance and light (daylight, facing a "
    "window), the same relaxed expression, hair back, no make-up, camera at eye level."
)

COMPARE_NOTE = "A centred view of each; no face alignment is done."
