"""Validation problems in the user's words: 'Glide length must be at most 60 seconds'.

pydantic says `glide_seconds: Input should be less than or equal to 60`; that names an internal
field and a comparison operator. Each problem's words are chosen once here, from its error type
and limits, as a `Problem`: for a file, at the field's path in that file (the names the user
wrote); for a form or a command-line option, at the field's label (the words on the screen).
A limit is said in the unit marked on the model's field (`facecoach.units`), the same in a file
as on a form; a list's length in its items ('at least 1 zone'). `facecoach.problems` says them.
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from facecoach.problems import Problem
from facecoach.units import Unit, amount_text, number_text

if TYPE_CHECKING:  # only its type: pydantic is loaded by the models that are validated
    from pydantic import BaseModel

    ModelClass = type[BaseModel]


@dataclass(frozen=True, slots=True)
class FieldWords:
    label: str  # 'Glide length'; its unit is the model field's (`facecoach.units`)


# Settings, as the Settings screen and the CLI options name them.
SETTING_WORDS: Mapping[str, FieldWords] = {
    "day_start_hour": FieldWords("The hour a new day starts"),
    "program_start": FieldWords("The program's start"),
    "phases": FieldWords("The program"),
    "goal": FieldWords("The goal"),
    "days": FieldWords("The intro's length"),
    "count_share": FieldWords("The share of glides a session needs to count"),
    "glide_seconds": FieldWords("Glide length"),
    "repeats": FieldWords("Repeats per zone"),
    "bell": FieldWords("Bell"),
    "sound": FieldWords("Sound"),
    "sound_volume": FieldWords("Sound volume"),
    "tone_set": FieldWords("Tones"),
    "sound_command": FieldWords("Sound player command"),
    "voice": FieldWords("Voice"),
    "voice_rate": FieldWords("Speech rate"),
    "voice_name": FieldWords("Voice name"),
    "voice_count": FieldWords("Seconds counted aloud"),
    "desktop_notifications": FieldWords("Desktop notifications"),
    "terminal_notifications": FieldWords("Terminal notifications"),
    "on_cue": FieldWords("Command at each cue"),
    "theme": FieldWords("Theme"),
    "injection_wait_days": FieldWords("The wait after Botox/fillers"),
    "device_intensity": FieldWords("Device intensity"),
    "backup_days": FieldWords("Days of backups kept"),
    "keymap": FieldWords("Key bindings"),
}


# Says a limit as an amount of the field's unit ('60 seconds'), or a list's length in its items.
_LimitSayer = Callable[[object], str]


# Each error type's sentence, from its limits (`ctx`) and how the field's amounts are said: a
# table, so a new type is one line. Types not here are said in pydantic's own words.
_Phrase = Callable[[Mapping[str, Any], _LimitSayer], str]
_PHRASES: dict[str, _Phrase] = {
    "greater_than": lambda ctx, say: f"must be more than {say(ctx['gt'])}",
    "greater_than_equal": lambda ctx, say: f"must be at least {say(ctx['ge'])}",
    "less_than": lambda ctx, say: f"must be less than {say(ctx['lt'])}",
    "less_than_equal": lambda ctx, say: f"must be at most {say(ctx['le'])}",
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"), lambda ctx, say: "must be a whole number"
    ),
    **dict.fromkeys(("float_parsing", "float_type"), lambda ctx, say: "must be a number"),
    "finite_number": lambda ctx, say: "must be a number (not infinity or NaN)",
    **dict.fromkeys(("bool_parsing", "bool_type"), lambda ctx, say: "must be true or false"),
    "string_too_short": lambda ctx, say: (
        "must not be empty"
        if ctx.get("min_length") == 1
        else f"must be at least {ctx['min_length']} characters"
    ),
    "string_too_long": lambda ctx, say: f"must be at most {ctx['max_length']} characters",
    "too_short": lambda ctx, say: f"must have at least {say(ctx.get('min_length', 1))}",
    "too_long": lambda ctx, say: f"must have at most {say(ctx.get('max_length'))}",
    # Bytes written as hex ('A5 5A'): their length is always counted in bytes.
    "bytes_too_short": lambda ctx, say: (
        f"must be at least {amount_text(ctx['min_length'], Unit.BYTES)}"
    ),
    "bytes_too_long": lambda ctx, say: (
        f"must be at most {amount_text(ctx['max_length'], Unit.BYTES)}"
    ),
    **dict.fromkeys(
        ("date_parsing", "date_from_datetime_parsing", "date_type"),
        # Said for '2027-13-01' too, which is written YYYY-MM-DD: a day that does not exist.
        lambda ctx, say: "must be a day that exists, written YYYY-MM-DD",
    ),
    **dict.fromkeys(
        ("enum", "literal_error"),
        lambda ctx, say: f"must be one of {ctx.get('expected', 'the listed values')}",
    ),
    "missing": lambda ctx, say: "is required but missing",
    "extra_forbidden": lambda ctx, say: "is not a known field (check the spelling)",
    "string_pattern_mismatch": lambda ctx, say: "has characters that are not allowed here",
}


@dataclass(frozen=True, slots=True)
class ListItemWords:
    word: str  # 'zone': the list's items are 'zone 1', 'zone 2'... counted from 1, as the editor
    named_by: str = ""  # the item's field that names it, shown after its number: 'zone 1 (neck)'
    plural: str = ""  # when not the word and an 's': 'writes at connect'

    def count_text(self, count: object) -> str:
        """'1 zone', '100 zones': a list's length in its items."""
        word = self.word if count == 1 else self.plural or f"{self.word}s"
        return f"{number_text(count)} {word}"


# A file's lists, as their items are called. A user counts from 1 (the routine editor's "Zone 1",
# the "# Zone 1 of 4" comments it writes over each [[zones]]), never from pydantic's 0.
LIST_ITEMS: Mapping[str, ListItemWords] = {
    "zones": ListItemWords("zone", "zone"),
    "sides": ListItemWords("side"),
    "phases": ListItemWords("phase", "name"),
    "devices": ListItemWords("device", "name"),
    "match": ListItemWords("matcher"),
    "on_connect": ListItemWords("write at connect", plural="writes at connect"),
    "programs": ListItemWords("program", "id"),
    "args": ListItemWords("argument", "name"),
    "fields": ListItemWords("field", "name"),
    "sessions": ListItemWords("session"),
    "glides": ListItemWords("glide"),
    "screenings": ListItemWords("screening"),
    "injections": ListItemWords("injection"),
    "overrides": ListItemWords("override"),
    "skip_days": ListItemWords("skip day"),
    "side_effects": ListItemWords("side effect"),
}


def _unwrapped(kind: object, marks: list[object]) -> tuple[object, list[object]]:
    """The type inside `Annotated[...]` and `X | None`, with the marks the Annotated carried."""
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind, *more = get_args(kind)
            marks = [*marks, *more]
        elif origin in (Union, types.UnionType):
            kinds = [arg for arg in get_args(kind) if arg is not type(None)]
            if len(kinds) != 1:
                return kind, marks
            kind = kinds[0]
        else:
            return kind, marks


def unit_at(model: ModelClass, loc: Sequence[int | str]) -> Unit | None:
    """The unit marked on the number at `loc` (an error's location) in `model`, a pydantic
    model class: `Annotated[float, Unit.SECONDS]` on its field or on a list's items."""
    kind: object = model
    marks: list[object] = []
    for part in loc:
        kind, marks = _unwrapped(kind, marks)
        fields = getattr(kind, "model_fields", None)
        origin, args = get_origin(kind), get_args(kind)
        if isinstance(part, str) and isinstance(fields, dict) and part in fields:
            kind, marks = fields[part].annotation, list(fields[part].metadata)
        elif isinstance(part, int) and origin in (list, tuple, set, frozenset) and args:
            fixed = origin is tuple and args[-1] is not Ellipsis
            kind, marks = (args[part] if part < len(args) else None) if fixed else args[0], []
        elif origin is dict and len(args) == 2:
            kind, marks = args[1], []
        else:  # a union's branch, a dict's key: no unit is said there
            return None
    _, marks = _unwrapped(kind, marks)
    return next((mark for mark in marks if isinstance(mark, Unit)), None)


def _limit_words(error: Mapping[str, Any], model: ModelClass | None) -> _LimitSayer:
    """How the limits of `error` are said: a list's length in its items ('1 zone'), a
    number in its field's unit ('60 seconds')."""
    loc = error.get("loc", ())
    if error["type"] in ("too_short", "too_long"):
        items = LIST_ITEMS.get(loc[-1]) if loc and isinstance(loc[-1], str) else None
        return items.count_text if items is not None else number_text
    unit = unit_at(model, loc) if model is not None else None
    return lambda value: amount_text(value, unit)


def problem_phrase(error: Mapping[str, Any], model: ModelClass | None = None) -> str:
    """What is wrong, without the field: 'must be at most 60 seconds', its unit marked on the
    field of `model` (the pydantic model that was validated) where the error is."""
    kind = error["type"]
    value = error.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a number (not infinity or NaN)"
    if kind == "value_error":  # our own validators' sentences
        return str(error["msg"]).removeprefix("Value error, ")
    phrase = _PHRASES.get(kind)
    return (
        phrase(error.get("ctx") or {}, _limit_words(error, model)) if phrase else str(error["msg"])
    )


# A name from a file is shown only when it is plainly a name: no markup, no control codes.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}")


def _item_name(item: object, key: str) -> str:
    name = item.get(key) if key and isinstance(item, dict) else None
    if not isinstance(name, str) or not _PLAIN_NAME.fullmatch(name.strip()):
        return ""
    return f" ({name.strip()})"


def _field_path(loc: Sequence[int | str], data: object = None) -> str:
    """'zone 1 (forehead), glide_seconds': a list's item by its number from 1 and its name, and
    a table's keys as the file writes them ('framing.checksum'), a comma after each item."""
    said: list[str] = []
    starts_anew = True  # the next key begins a part of its own: at the start, after an item
    for part in loc:
        if isinstance(part, int):
            item = data[part] if isinstance(data, list | tuple) and 0 <= part < len(data) else None
            list_path = said.pop() if said and not starts_anew else ""
            outer, _, list_name = list_path.rpartition(".")
            words = LIST_ITEMS.get(list_name)
            if words is not None:
                said += [outer] if outer else []
                said.append(f"{words.word} {part + 1}{_item_name(item, words.named_by)}")
            else:  # a list without a name for its items: 'vectors.commands, item 1'
                said += [list_path] if list_path else []
                said.append(f"item {part + 1}")
            starts_anew = True
            data = item
        else:
            if starts_anew:
                said.append(part)
            else:
                said[-1] += f".{part}"
            starts_anew = False
            data = data.get(part) if isinstance(data, dict) else None
    return ", ".join(said)


def _inside(inner: Sequence[int | str], outer: Sequence[int | str]) -> bool:
    return len(inner) > len(outer) and tuple(inner[: len(outer)]) == tuple(outer)


def _shown_input(error: Mapping[str, Any]) -> str:
    if error["type"] in ("missing", "extra_forbidden") or "input" not in error:
        return ""
    value = error["input"]
    if isinstance(value, dict | list):
        return ""
    shown = repr(value)
    return f" (got {shown})" if len(shown) <= 60 else ""


def real_problems(errors: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Drops an 'at least one item' complaint about a list whose items themselves failed:
    the list was emptied by those failures, the real problem is theirs."""
    return [
        error
        for error in errors
        if not (
            error["type"] == "too_short"
            and any(_inside(other["loc"], error["loc"]) for other in errors)
        )
    ]


# After a field's path ("zone 1 (neck), typo: ..."), these read better as labels than as sentences.
_FILE_PHRASES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling)",
}


def file_problems(
    errors: Iterable[Mapping[str, Any]], data: object = None, model: ModelClass | None = None
) -> list[Problem]:
    """One problem per field of a file, at the field's path as the user wrote it, its lists'
    items counted from 1 and named from `data` (what was read) where it names them, its limits
    in the units marked on `model` (what it was validated as)."""
    problems = []
    for error in real_problems(list(errors)):
        what = _FILE_PHRASES.get(error["type"]) or (
            problem_phrase(error, model) + _shown_input(error)
        )
        problems.append(Problem(_field_path(error["loc"], data), what))
    return list(dict.fromkeys(problems))


def field_problems(
    errors: Iterable[Mapping[str, Any]],
    model: ModelClass,
    words: Mapping[str, FieldWords] = SETTING_WORDS,
) -> list[Problem]:
    """One problem per field of a form or an option, at its label, its limits in the units
    marked on `model` (what was validated); a limit broken in every zone of a routine is said
    once."""
    problems = []
    for error in real_problems(list(errors)):
        names = [part for part in error["loc"] if isinstance(part, str)]
        known = words.get(names[-1]) if names else None
        phrase = problem_phrase(error, model)
        if known is not None:
            # A rule's own sentence ('a goal of 7 per 5 days is not possible') stands alone.
            problems.append(Problem(known.label, phrase, error["type"] == "value_error"))
        elif names:
            problems.append(Problem(names[-1].replace("_", " ").capitalize(), phrase))
        else:
            problems.append(Problem("", phrase))
    return list(dict.fromkeys(problems))
