"""Validation problems in the user's words: 'Glide length must be at most 60 seconds'.

pydantic says `glide_seconds: Input should be less than or equal to 60`; that names an internal
field and a comparison operator. Each problem's words are chosen once here, from its error type
and limits, as a `Problem`: for a file, at the field's path in that file (the names the user
wrote); for a form or a command-line option, at the field's label (the words on the screen).
`facecoach.problems` says them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from facecoach.problems import Problem


@dataclass(frozen=True, slots=True)
class FieldWords:
    label: str  # 'Glide length'
    unit: str = ""  # 'seconds' said after a limit; for a list, what it holds ('zones')


# Settings, as the Settings screen and the CLI options name them.
SETTING_WORDS: Mapping[str, FieldWords] = {
    "day_start_hour": FieldWords("The hour a new day starts"),
    "program_start": FieldWords("The program's start"),
    "phases": FieldWords("The program"),
    "goal": FieldWords("The goal"),
    "days": FieldWords("The intro's length", "days"),
    "count_share": FieldWords("The share of glides a session needs to count"),
    "glide_seconds": FieldWords("Glide length", "seconds"),
    "repeats": FieldWords("Repeats per zone"),
    "bell": FieldWords("Bell"),
    "sound": FieldWords("Sound"),
    "sound_volume": FieldWords("Sound volume"),
    "tone_set": FieldWords("Tones"),
    "sound_command": FieldWords("Sound player command"),
    "voice": FieldWords("Voice"),
    "voice_rate": FieldWords("Speech rate", "words per minute"),
    "voice_name": FieldWords("Voice name"),
    "voice_count": FieldWords("Seconds counted aloud"),
    "desktop_notifications": FieldWords("Desktop notifications"),
    "terminal_notifications": FieldWords("Terminal notifications"),
    "on_cue": FieldWords("Command at each cue"),
    "theme": FieldWords("Theme"),
    "injection_wait_days": FieldWords("The wait after Botox/fillers", "days"),
    "device_intensity": FieldWords("Device intensity"),
    "backup_days": FieldWords("Days of backups kept", "days"),
    "keymap": FieldWords("Key bindings"),
}


def _number(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _limit(value: object, unit: str) -> str:
    if not unit:
        return _number(value)
    if unit.endswith("s") and value == 1:
        unit = unit[:-1]
    return f"{_number(value)} {unit}"


# Each error type's sentence, from its limits (`ctx`) and the field's unit: a table, so a new
# type is one line. Types not here are said in pydantic's own words.
_Phrase = Callable[[Mapping[str, Any], str], str]
_PHRASES: dict[str, _Phrase] = {
    "greater_than": lambda ctx, unit: f"must be more than {_limit(ctx['gt'], unit)}",
    "greater_than_equal": lambda ctx, unit: f"must be at least {_limit(ctx['ge'], unit)}",
    "less_than": lambda ctx, unit: f"must be less than {_limit(ctx['lt'], unit)}",
    "less_than_equal": lambda ctx, unit: f"must be at most {_limit(ctx['le'], unit)}",
    **dict.fromkeys(
        ("int_parsing", "int_type", "int_from_float"), lambda ctx, unit: "must be a whole number"
    ),
    **dict.fromkeys(("float_parsing", "float_type"), lambda ctx, unit: "must be a number"),
    "finite_number": lambda ctx, unit: "must be a number (not infinity or NaN)",
    **dict.fromkeys(("bool_parsing", "bool_type"), lambda ctx, unit: "must be true or false"),
    "string_too_short": lambda ctx, unit: (
        "must not be empty"
        if ctx.get("min_length") == 1
        else f"must be at least {ctx['min_length']} characters"
    ),
    "string_too_long": lambda ctx, unit: f"must be at most {ctx['max_length']} characters",
    "too_short": lambda ctx, unit: f"must have at least {_limit(ctx.get('min_length', 1), unit)}",
    "too_long": lambda ctx, unit: f"must have at most {_limit(ctx.get('max_length'), unit)}",
    **dict.fromkeys(
        ("date_parsing", "date_from_datetime_parsing", "date_type"),
        lambda ctx, unit: "must be a date (YYYY-MM-DD)",
    ),
    **dict.fromkeys(
        ("enum", "literal_error"),
        lambda ctx, unit: f"must be one of {ctx.get('expected', 'the listed values')}",
    ),
    "missing": lambda ctx, unit: "is required but missing",
    "extra_forbidden": lambda ctx, unit: "is not a known field (check the spelling)",
    "string_pattern_mismatch": lambda ctx, unit: "has characters that are not allowed here",
}


def problem_phrase(error: Mapping[str, Any], unit: str = "") -> str:
    """What is wrong, without the field: 'must be at most 60 seconds'."""
    kind = error["type"]
    value = error.get("input")
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a number (not infinity or NaN)"
    if kind == "value_error":  # our own validators' sentences
        return str(error["msg"]).removeprefix("Value error, ")
    phrase = _PHRASES.get(kind)
    return phrase(error.get("ctx") or {}, unit) if phrase else str(error["msg"])


@dataclass(frozen=True, slots=True)
class ListItemWords:
    word: str  # 'zone': the list's items are 'zone 1', 'zone 2'... counted from 1, as the editor
    named_by: str = ""  # the item's field that names it, shown after its number: 'zone 1 (neck)'


# A file's lists, as their items are called. A user counts from 1 (the routine editor's "Zone 1",
# the "# Zone 1 of 4" comments it writes over each [[zones]]), never from pydantic's 0.
LIST_ITEMS: Mapping[str, ListItemWords] = {
    "zones": ListItemWords("zone", "zone"),
    "sides": ListItemWords("side"),
    "phases": ListItemWords("phase", "name"),
    "devices": ListItemWords("device", "name"),
    "match": ListItemWords("matcher"),
    "on_connect": ListItemWords("write at connect"),
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


def _real_problems(errors: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
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


def file_problems(errors: Iterable[Mapping[str, Any]], data: object = None) -> list[Problem]:
    """One problem per field of a file, at the field's path as the user wrote it, its lists'
    items counted from 1 and named from `data` (what was read) where it names them."""
    problems = []
    for error in _real_problems(list(errors)):
        what = _FILE_PHRASES.get(error["type"]) or problem_phrase(error) + _shown_input(error)
        problems.append(Problem(_field_path(error["loc"], data), what))
    return list(dict.fromkeys(problems))


def field_problems(
    errors: Iterable[Mapping[str, Any]], words: Mapping[str, FieldWords] = SETTING_WORDS
) -> list[Problem]:
    """One problem per field of a form or an option, at its label; a limit broken in every
    zone of a routine is said once."""
    problems = []
    for error in _real_problems(list(errors)):
        names = [part for part in error["loc"] if isinstance(part, str)]
        known = words.get(names[-1]) if names else None
        phrase = problem_phrase(error, known.unit if known else "")
        if known is not None:
            # A rule's own sentence ('a goal of 7 per 5 days is not possible') stands alone.
            problems.append(Problem(known.label, phrase, error["type"] == "value_error"))
        elif names:
            problems.append(Problem(names[-1].replace("_", " ").capitalize(), phrase))
        else:
            problems.append(Problem("", phrase))
    return list(dict.fromkeys(problems))
