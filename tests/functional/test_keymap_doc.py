"""The README lists every key binding id a user can remap, and only those."""

import importlib
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import facecoach.tui.screens
from facecoach.tui.app import FacecoachApp

README = Path(__file__).parents[2] / "README.md"


def binding_ids() -> set[str]:
    classes: list[type[DOMNode]] = [FacecoachApp]
    for module in pkgutil.iter_modules(facecoach.tui.screens.__path__):
        loaded = importlib.import_module(f"facecoach.tui.screens.{module.name}")
        classes += [
            value
            for value in vars(loaded).values()
            if isinstance(value, type) and issubclass(value, DOMNode)
        ]
    return {
        binding.id
        for cls in classes
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding) and binding.id
    }


def test_the_readme_names_every_remappable_key() -> None:
    text = README.read_text()
    paragraph = text[text.index("Ids: ") :].split("\n\n")[0]
    assert set(re.findall(r"`([a-z_]+\.[a-z_]+)`", paragraph)) == binding_ids()
