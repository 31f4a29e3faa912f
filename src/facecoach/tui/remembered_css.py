"""Textual's parsed stylesheets, kept from one start of the app to the next.

Textual parses every stylesheet at every start: the app's own (app.tcss) and the default CSS of
every widget class it shows, 20-30 ms of the work before the app's first frame (measured; a bare
Textual app parses about 8 ms). The rules parsed from a source depend only on its text, where it
came from, the theme's variables and Textual's own code, so they are kept under the cache
folder, keyed by all of those, and read back instead of parsed: about a tenth of the time.

A kept file is read back only if it carries the signature of this user's facecoach: a keyed
BLAKE2 digest, with a random key kept in the data folder, not the cache folder. Pickle can do
more than build objects (a crafted file could change Textual's classes while being read), so
a file that facecoach did not write itself (damaged, copied from another machine through a
synced cache folder, or hostile) is never unpickled: its source is parsed again. What is read
back is still built by a restricted unpickler (Textual's style classes only) and checked
against this Textual's own `Styles`. A Textual that pickles something else is parsed every
time, as without this module (a rule set is kept only once it reads back).

Newly parsed rules are held and written later (`keep_held`; the app calls it a second after
its first frame and when it ends): writing costs more than parsing.

Why this leans on Textual's private parts: Textual has no public way to keep parsed rules, and
a returning start without them is about 1.27x a bare Textual app's instead of 1.05x (issue 32).
What it uses: `Stylesheet._parse_rules` (overridden; its signature is checked by mypy against
the installed Textual), `Stylesheet._variables`, what `Styles` holds (checked at each
read-back), and the classes a pickled rule set names (`_BUILDABLE`). It fails safe:
- it works only with the Textual it was verified on (`VERIFIED_TEXTUAL`, which pyproject pins
  exactly); with any other, nothing is kept or read back and Textual parses as usual;
- any exception on its path turns it off for the rest of the run (`turned_off` says why) and
  that source is parsed by Textual's own code; `tests/unit/test_remembered_css.py` breaks each
  private name in turn and checks that the app still starts and looks the same.
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
from textual.css.model import RuleSet
from textual.css.styles import Styles
from textual.css.stylesheet import Stylesheet

from facecoach.config.validated_cache import read_cache_file, write_cache_file

try:  # CPython's own BLAKE2: `hashlib` would load OpenSSL first, 2 ms of the first frame
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

if TYPE_CHECKING:
    from textual.css.model import RuleSet
    from textual.css.types import CSSLocation

# The Textual this module was checked against (pyproject pins it exactly); any other parses
# every time, as a Textual app without this module does.
VERIFIED_TEXTUAL = "8.2.8"
# Part of every key: a change in how rules are kept misses every old file.
_FORMAT = 1
_MAX_BYTES = 1 << 20  # the largest default CSS (Textual's App) pickles to about 20 KB
_SIGNATURE_BYTES = 32
_KEY_BYTES = 32
# In the data folder (beside the session log), where a synced or shared cache folder's files
# cannot sign themselves.
STYLES_KEY_FILE = "kept-styles.key"

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
    try:
        rules = _StyleUnpickler(io.BytesIO(data)).load()
    except Exception:  # a damaged or hostile file, whatever it raises: parsed again
        return None
    if not (isinstance(rules, list) and all(isinstance(rule, RuleSet) for rule in rules)):
        return None
    if any(frozenset(vars(rule.styles)) != _styles_fields() for rule in rules):
        return None  # kept by a Textual whose styles hold other things
    return rules


# What parsing uses of Textual besides its css/ and layouts/ folders (a file a later Textual
# no longer has counts as missing; the version in its metadata tells them apart anyway).
_TEXTUAL_FILES = (
    "__init__.py",
    "color.py",
    "geometry.py",
    "layout.py",
    "dom.py",
    "_border.py",
    "_cells.py",
    "_duration.py",
    "_easing.py",
)


@functools.cache
def _textual_code() -> str | None:
    """Which Textual parses: its version (from the name of its installed metadata) and the
    size and time of every file of its CSS and layouts, and of the few others parsing uses (a
    checkout edited in place keeps its version). None when that cannot be told (files not on
    disk): nothing is kept."""
    package = Path(textual.__file__).parent
    hasher = blake2b(f"{_FORMAT}".encode())
    try:
        versions = sorted(
            entry.name
            for entry in os.scandir(package.parent)
            if entry.name.startswith("textual-") and entry.name.endswith(".dist-info")
        )
        if versions != [f"textual-{VERIFIED_TEXTUAL}.dist-info"]:
            return None  # not the Textual this was verified on (or it cannot be told)
        hasher.update(repr(versions).encode())
        files = [package / name for name in _TEXTUAL_FILES]
        for folder in (package / "css", package / "layouts"):
            files += sorted(Path(entry.path) for entry in os.scandir(folder))
        for path in files:
            if path.suffix == ".py":
                try:
                    found = path.stat()
                except FileNotFoundError:
                    hasher.update(f"{path}:missing;".encode())
                    continue
                hasher.update(f"{path}:{found.st_size}:{found.st_mtime_ns};".encode())
    except OSError:
        return None
    return hasher.hexdigest()[:16]


@functools.cache
def _styles_fields() -> frozenset[str]:
    """What this Textual's `Styles` holds: rules kept by another layout are not used."""
    return frozenset(vars(Styles()))


def _signing_key(path: Path) -> bytes | None:
    """This user's key for signing kept rules (made on first use, private to the user), or
    None when it can neither be read nor made (then nothing is kept)."""
    key = read_cache_file(path, _KEY_BYTES)
    if key is None:
        write_cache_file(path, os.urandom(_KEY_BYTES))  # temporary file first: mode 0600
        key = read_cache_file(path, _KEY_BYTES)  # whichever start wrote it last
    return key if key is not None and len(key) == _KEY_BYTES else None


class ParsedRules:
    """Rule sets kept in a folder of the cache, one signed file per source and set of
    variables (about 100 KB for each theme used).

    Each Textual keeps its own subfolder; the first start after Textual changed removes the
    others, so the folder holds one version's rules."""

    def __init__(self, folder: Path, key_file: Path) -> None:
        code = _textual_code()
        self.folder = folder / code if code is not None else None
        self._key_file = key_file
        self._key: bytes | bool | None = False  # False: not read yet
        self._swept = False

    def _signer(self) -> bytes | None:
        if self._key is False:
            self._key = _signing_key(self._key_file) if self.folder is not None else None
        return self._key if isinstance(self._key, bytes) else None

    def get(self, key: str) -> list[RuleSet] | None:
        signer = self._signer()
        if signer is None or self.folder is None:
            return None
        data = read_cache_file(self.folder / f"{key}.rules", _MAX_BYTES + _SIGNATURE_BYTES)
        if data is None:
            return None
        signature, body = data[:_SIGNATURE_BYTES], data[_SIGNATURE_BYTES:]
        # A plain comparison: a file's own signature is no secret to its reader.
        if signature != blake2b(body, key=signer, digest_size=_SIGNATURE_BYTES).digest():
            return None  # not written by this user's facecoach: never unpickled
        return _read_back(body)

    def put(self, key: str, rules: list[RuleSet]) -> None:
        signer = self._signer()
        if signer is None or self.folder is None:
            return
        try:
            body = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a Textual whose rules cannot be pickled: parsed every time
            return
        if len(body) > _MAX_BYTES or _read_back(body) is None:
            return  # it would not read back: keeping it would only cost a read each start
        if not self._swept:
            self._swept = True
            self._sweep(self.folder)
        signature = blake2b(body, key=signer, digest_size=_SIGNATURE_BYTES).digest()
        write_cache_file(self.folder / f"{key}.rules", signature + body)

    def _sweep(self, folder: Path) -> None:
        """Removes the rules other Textual versions kept (best effort)."""
        try:
            others = [path for path in folder.parent.iterdir() if path != folder]
        except OSError:
            return
        for path in others:
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


class RememberedStylesheet(Stylesheet):
    """Textual's stylesheet, with the rules of each source read back when they were kept."""

    def __init__(
        self,
        *,
        variables: dict[str, str] | None = None,
        kept: ParsedRules | None = None,
        hold: bool = False,
    ) -> None:
        """`hold`: newly parsed rules wait for `keep_held` to be kept (writing them costs
        more than parsing: not for a first frame, nor while a session's screen opens)."""
        super().__init__(variables=variables)
        self._kept = kept
        self._held: list[tuple[str, list[RuleSet]]] | None = [] if hold else None
        self._variables_digest: tuple[dict[str, str], bytes] | None = None
        # What this run parsed or read back: Textual parses every source again each time a
        # widget class brings its own CSS (several times before the first frame).
        self._this_run: dict[str, list[RuleSet]] = {}
        # Why keeping was turned off in this run, if it was (an exception on its path).
        self.turned_off: str | None = None

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
        **more: Any,
    ) -> list[RuleSet]:
        if self._kept is not None and not more:
            try:
                return self._remembered_rules(css, read_from, is_default_rules, tie_breaker, scope)
            except Exception as exc:  # a Textual whose internals moved: Textual's own way from now
                self.turned_off = f"{type(exc).__name__}: {exc}"
                self._kept = None
        return super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope, **more)

    def _remembered_rules(
        self,
        css: str,
        read_from: CSSLocation,
        is_default_rules: bool,
        tie_breaker: int,
        scope: str,
    ) -> list[RuleSet]:
        kept = self._kept
        assert kept is not None
        hasher = blake2b(self._digest_of_variables())
        hasher.update(repr((read_from, is_default_rules, tie_breaker, scope)).encode())
        hasher.update(css.encode())
        key = hasher.hexdigest()
        rules = self._this_run.get(key)
        if rules is None:
            rules = kept.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if any(rule.errors for rule in rules):
                pass  # said by Textual; parsed again next time
            elif self._held is not None:
                self._held.append((key, rules))
            else:
                kept.put(key, rules)
        self._this_run[key] = rules
        return rules

    def keep_held(self) -> None:
        """Keeps the rules held so far (later ones are held again, for the next call)."""
        if self._held is None or self._kept is None:
            return
        held, self._held = self._held, []
        try:
            for key, rules in held:
                self._kept.put(key, rules)
        except Exception as exc:  # as in _parse_rules: off, never a crash
            self.turned_off = f"{type(exc).__name__}: {exc}"
            self._kept = None

    def reparse(self) -> None:
        # Textual's parses every source again in a fresh stylesheet (one that keeps nothing),
        # so that an error leaves the rules in use as they were; `parse` does that too (it
        # sets the rules only once every source parsed), and reads back what was kept.
        self.parse()
