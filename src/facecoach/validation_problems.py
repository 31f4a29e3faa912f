"""Validation problems in the user's words: 'Glide length must be at most 60 seconds'.

pydantic says `glide_seconds: Input should be less than or equal to 60`; that names an internal
field and a comparison operator. Each problem's words are chosen once here, from its error type
and limits, as a `Problem`: for a file, at the field's path in that file (the names the user
wrote); for a form or a command-line option, at the field's label (the words on the screen).
`facecoach.problems` says them.
"""

from __future__ import annotations

import math
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


def _field_path(loc: Sequence[int | str]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


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


# After a field's path ("zones[0].typo: ..."), these read better as labels than as sentences.
_FILE_PHRASES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field (check the spelling)",
}


def file_problems(errors: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """One problem per field of a file, at the field's path as the user wrote it."""
    problems = []
    for error in _real_problems(list(errors)):
        what = _FILE_PHRASES.get(error["type"]) or problem_phrase(error) + _shown_input(error)
        problems.append(Problem(_field_path(error["loc"]), what))
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
