"""Errors a user can cause, with messages a user can act on.

The CLI and TUI catch `FacecoachError` at the edge and show its message; anything else is a bug
and is allowed to surface as one.
"""


class FacecoachError(Exception):
    """Base class for errors caused by user input or the user's environment."""


class RoutineError(FacecoachError):
    """A routine file or routine id that cannot be used."""
