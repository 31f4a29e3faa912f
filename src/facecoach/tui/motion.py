"""Reduced motion: the setting, or Textual's own TEXTUAL_ANIMATIONS=none, turns off the glide
flash and the app's animations. Turning the setting off gives back what the environment chose."""

from typing import Any

from textual import constants
from textual.app import App


def apply_motion(app: App[Any], reduced: bool) -> None:
    app.animation_level = "none" if reduced else constants.TEXTUAL_ANIMATIONS


def reduced_motion(app: App[Any]) -> bool:
    return app.animation_level == "none"
