"""Turning pydantic validation errors into lines a user can act on."""

from pydantic import ValidationError


def describe_validation_error(exc: ValidationError) -> list[str]:
    """One line per problem: the field's path in the file, then what is wrong with it."""
    lines = []
    for error in exc.errors(include_url=False):
        where = _field_path(error["loc"])
        message = str(error["msg"])
        if error["type"] == "extra_forbidden":
            message = "unknown field (check the spelling)"
        elif error["type"] == "missing":
            message = "required field is missing"
        message = message.removeprefix("Value error, ")
        if error["type"] not in ("missing", "extra_forbidden") and "input" in error:
            shown = repr(error["input"])
            if len(shown) <= 60 and not isinstance(error["input"], dict | list):
                message += f" (got {shown})"
        lines.append(f"{where}: {message}" if where else message)
    return lines


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path
