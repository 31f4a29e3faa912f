"""Why a session is paused, for the core's modules: the closed set lives in `session.pauses`
(pure, below wording, so the sentences match on the enum itself)."""

from facecoach.session.pauses import PAUSE_GRACE_SECONDS, PauseReason

__all__ = ["PAUSE_GRACE_SECONDS", "PauseReason"]
