"""Bounds and defaults for routine values, importable without loading pydantic.

Bounds are generous for real use and tight enough to reject typos ("50" for "5.0", minutes
entered as seconds). A session above an hour is certainly a mistake: sessions take 5-20 minutes.
"""

MAX_GLIDE_SECONDS = 60.0
# A glide length the user sets for every routine (--glide-seconds, the setting): a glide shorter
# than a second cannot be done with a device on the face, so it is a typo.
MIN_GLIDE_SECONDS_SET = 1.0
MAX_HOLD_SECONDS = 30.0
MAX_REPEATS = 20
MAX_TRANSITION_SECONDS = 120.0
MAX_PREP_SECONDS = 600.0
MAX_SESSION_SECONDS = 3600.0

DEFAULT_GLIDE_SECONDS = 5.0
DEFAULT_REPEATS = 3

# Words `facecoach log` takes as actions (`log edit ID`, `log undo`, ...), so no routine id.
RESERVED_IDS = frozenset({"edit", "delete", "undo", "purge"})
