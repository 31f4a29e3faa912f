"""The plain-text coach: a guided session as lines of text or JSON, in real time."""

from facecoach.coach.render import EventRenderer, JsonRenderer, TextRenderer
from facecoach.coach.runner import CoachRunner, Waiter

__all__ = ["CoachRunner", "EventRenderer", "JsonRenderer", "TextRenderer", "Waiter"]
