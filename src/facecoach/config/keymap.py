"""The keys a user can remap in `[keymap]`, screen by screen, and what is wrong with a keymap.

The app's bindings carry these ids and keys (a test keeps the two the same); they are written
here as data so that the command line can check a keymap without loading the app.
"""

from collections.abc import Mapping

from facecoach.problems import Problem

# Keys on every screen (the app's own bindings), unless a screen's binding takes the key.
APP_KEYS: Mapping[str, str] = {"app.toggle_theme": "t"}

# Each screen or dialog: binding id -> its keys, comma-separated, as Textual writes them.
SCREEN_KEYS: Mapping[str, Mapping[str, str]] = {
    "home": {
        "home.start": "s",
        "home.edit_routine": "e",
        "home.history": "h",
        "home.safety": "y",
        "home.settings": "o",
        "home.devices": "d",
        "home.quit": "q",
    },
    "session": {
        "session.pause": "space",
        "session.skip_step": "s",
        "session.skip_zone": "z",
        "session.bell": "b",
        "session.guide": "g",
        "session.abort": "q,escape",
    },
    "zone guide": {"guide.close": "escape,g", "guide.previous": "left", "guide.next": "right"},
    "summary": {
        "summary.home": "enter,escape",
        "summary.history": "h",
        "summary.felt": "f",
        "summary.zones_down": "down",
        "summary.zones_up": "up",
    },
    "history": {
        "history.back": "escape,q",
        "history.note": "n",
        "history.delete": "delete,x",
        "history.undo": "u",
        "history.photos": "p",
    },
    "photos": {"photos.back": "escape,q", "photos.delete": "x,delete", "photos.undo": "u"},
    "safety": {
        "safety.back": "escape",
        "safety.save": "ctrl+s",
        "safety.log_injection": "i",
        "safety.remove_injection": "delete",
        "safety.evidence": "w",
    },
    "what is known": {"evidence.back": "escape,q"},
    "settings": {"settings.back": "escape", "settings.save": "ctrl+s"},
    "devices": {
        "devices.pair": "p",
        "devices.connect": "c",
        "devices.disconnect": "x",
        "devices.rescan": "r",
        "devices.forget": "f",
        "devices.program": "m",
        "devices.up": "plus,equals_sign",
        "devices.down": "minus",
        "devices.back": "escape,q",
    },
    "routine editor": {
        "editor.add": "a",
        "editor.remove": "delete,x",
        "editor.up": "[",
        "editor.down": "]",
        "editor.guide": "g",
        "editor.save": "ctrl+s",
        "editor.back": "escape",
    },
    "zone dialog": {"dialog.cancel": "escape", "dialog.done": "ctrl+s"},
    "before you start": {"dialog.cancel": "escape", "dialog.start": "enter"},
    "dialogs": {"dialog.cancel": "escape"},
}


def binding_ids() -> set[str]:
    """Every id a keymap may name."""
    return {*APP_KEYS, *(name for keys in SCREEN_KEYS.values() for name in keys)}


def _keys(text: str) -> list[str]:
    return [key.strip() for key in text.split(",") if key.strip()]


def keymap_problems(keymap: Mapping[str, str], where: str = "settings.toml") -> list[Problem]:
    """What is wrong with `[keymap]`: an id the app does not have (it is ignored), and a key
    that two bindings of one screen would share (one of them is lost)."""
    problems: list[Problem] = []
    keymap_in = f"The keymap in {where}"
    known = binding_ids()
    unknown = sorted(name for name in keymap if name not in known)
    for name in unknown:
        problems.append(
            Problem(
                keymap_in,
                f"names {name!r}, which is not a key binding; it is ignored (the README lists "
                "the ids)",
            )
        )
    for screen, defaults in SCREEN_KEYS.items():
        bindings = {**APP_KEYS, **defaults}
        users: dict[str, list[str]] = {}
        for name, default in bindings.items():
            for key in _keys(keymap.get(name, default)):
                users.setdefault(key, []).append(name)
        for key, names in users.items():
            if len(names) > 1 and any(name in keymap for name in names):
                both = " and ".join(names)
                problems.append(
                    Problem(
                        keymap_in,
                        f"gives {key!r} to {both} on the {screen} screen; only one of them can "
                        "have it: give the other another key",
                    )
                )
    return problems
