"""Textual's parsed stylesheets, kept from one start of the app to the next.

Textual parses every stylesheet at every start: the app's own (app.tcss) and the default CSS of
every widget class it shows, 20-30 ms of the work before the app's first frame (measured; a bare
Textual app parses about 8 ms). The rules parsed from a source depend only on its text, where it
came from, the theme's variables and Textual's own code, so they are kept under the cache
folder, keyed by all of those, and read back instead of parsed: about a tenth of the time.

A cache file is read back with a restricted unpickler that can build only Textual's own style
classes (and pick members of their enums by name): a damaged or hostile file is parsed again
from the real source, never run. A Textual that pickles something else is parsed every time,
as without this module (a rule set is kept only once it reads back).
"""

from __future__ import annotations

import functools
import io
import os
import pickle
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import textual
from textual.css.stylesheet import Stylesheet

from facecoach.config.validated_cache import read_cache_file, write_cache_file

try:  # CPython's own BLAKE2: `hashlib` would load OpenSSL first, 2 ms of the first frame
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

if TYPE_CHECKING:
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

# Part of every key: a change in how rules are kept misses every old file.
_FORMAT = 1
_MAX_BYTES = 1 << 20  # the largest default CSS (Textual's App) pickles to about 20 KB

# What a kept rule set may be built from: Textual's style model and its values (each a class, or
# a pure check of a selector), nothing that runs code of a file's choosing.
_BUILDABLE: dict[str, frozenset[str]] = {
    "textual.css.model": frozenset(
        {"RuleSet", "Selector", "SelectorSet", "SelectorType", "CombinatorType"}
        | {"_check_class", "_check_id", "_check_type", "_check_universal"}
    ),
    "textual.css.styles": frozenset({"Styles"}),
    "textual.css.scalar": frozenset({"Scalar", "ScalarOffset", "Unit"}),
    "textual.css.transition": frozenset({"Transition"}),
    "textual.color": frozenset({"Color"}),
    "textual.geometry": frozenset({"Offset", "Size", "Region", "Spacing"}),
    "textual.layouts.grid": frozenset({"GridLayout"}),
    "textual.layouts.horizontal": frozenset({"HorizontalLayout"}),
    "textual.layouts.vertical": frozenset({"VerticalLayout"}),
    "textual.layouts.stream": frozenset({"StreamLayout"}),
    "functools": frozenset({"partial"}),  # a selector's check, bound to its name
}
# A style's lookups are its rule dict's own methods, which pickle names with `getattr`: that
# is all `getattr` may do here (anything more would reach any object's attributes).
_DICT_LOOKUPS = frozenset({"get", "__contains__"})


def _dict_lookup(rules: object, name: object) -> Any:
    if type(rules) is not dict or name not in _DICT_LOOKUPS:
        raise pickle.UnpicklingError("only a style's rule lookups may be named")
    return getattr(rules, name)


class _StyleUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("builtins", "getattr"):
            return _dict_lookup
        if name in _BUILDABLE.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a style")


def _read_back(data: bytes) -> list[RuleSet] | None:
    from textual.css.model import RuleSet

    try:
        rules = _StyleUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or hostile file, whatever it raises: parsed again
        return None
    if not (isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules)):
        return None
    return rules


@functools.cache
def _textual_code() -> str:
    """Which Textual parsed the rules: its version's files, by size and time (cheaper than
    its version number, which Textual reads from its package metadata)."""
    package = Path(textual.__file__).parent
    hasher = blake2b(f"{_FORMAT}".encode())
    for name in ("__init__.py", "css/model.py", "css/parse.py", "css/styles.py"):
        try:
            found = os.stat(package / name)
            hasher.update(f"{name}:{found.st_size}:{found.st_mtime_ns};".encode())
        except OSError:
            hasher.update(f"{name}:missing;".encode())
    return hasher.hexdigest()[:16]


class ParsedRules:
    """Rule sets kept in a folder of the cache, one file per source and set of variables.

    Each Textual keeps its own subfolder; the first start after Textual changed removes the
    others, so the folder holds one version's rules (a few hundred KB at most)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / _textual_code()
        self._swept = False

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.rules"

    def get(self, key: str) -> list[RuleSet] | None:
        data = read_cache_file(self._path(key), _MAX_BYTES)
        return _read_back(data) if data is not None else None

    def put(self, key: str, rules: list[RuleSet]) -> None:
        try:
            data = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a Textual whose rules cannot be pickled: parsed every time
            return
        if len(data) > _MAX_BYTES or _read_back(data) is None:
            return  # it would not read back: keeping it would only cost a read each start
        if not self._swept:
            self._swept = True
            self._sweep()
        write_cache_file(self._path(key), data)

    def _sweep(self) -> None:
        """Removes the rules other Textual versions kept (best effort)."""
        try:
            others = [path for path in self.folder.parent.iterdir() if path != self.folder]
        except OSError:
            return
        for path in others:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


class RememberedStylesheet(Stylesheet):
    """Textual's stylesheet, with the rules of each source read back when they were kept."""

    def __init__(
        self, *, variables: dict[str, str] | None = None, kept: ParsedRules | None = None
    ) -> None:
        super().__init__(variables=variables)
        self._kept = kept
        self._variables_digest: tuple[dict[str, str], bytes] | None = None
        # What this run parsed or read back: Textual parses every source again each time a
        # widget class brings its own CSS (several times before the first frame).
        self._this_run: dict[str, list[RuleSet]] = {}

    def _digest_of_variables(self) -> bytes:
        variables = self._variables
        if self._variables_digest is None or self._variables_digest[0] is not variables:
            text = "\n".join(f"{name}={value}" for name, value in sorted(variables.items()))
            self._variables_digest = (variables, blake2b(text.encode()).digest())
        return self._variables_digest[1]

    def _parse_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool = False,
        tie_breaker: int = 0,
        scope: str = "",
    ) -> list[RuleSet]:
        kept = self._kept
        if kept is None:
            return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
        hasher = blake2b(self._digest_of_variables())
        hasher.update(repr((read_from, is_default_rules, tie_breaker, scope)).encode())
        hasher.update(css.encode())
        key = hasher.hexdigest()
        rules = self._this_run.get(key)
        if rules is None:
            rules = kept.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                kept.put(key, rules)
        self._this_run[key] = rules
        return rules

    def reparse(self) -> None:
        # Textual's parses every source again in a fresh stylesheet (one that keeps nothing),
        # so that an error leaves the rules in use as they were; `parse` does that too (it
        # sets the rules only once every source parsed), and reads back what was kept.
        self.parse()
