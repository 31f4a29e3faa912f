"""The plain-text coach: a guided session as lines of text or JSON, in real time."""

from facecoach.coach.render import JsonRenderer, TextRenderer
from facecoach.coach.runner import CoachRunner, Waiter
from facecoach.session.driver import EventSink

__all__ = ["CoachRunner", "EventSink", "JsonRenderer", "TextRenderer", "Waiter"]
