"""How logging a Botox or filler treatment is said, in the app's dialog and on the command line."""

IN_THE_FUTURE = "That day is in the future; log it on the day."


def not_a_date(text: str) -> str:
    return f"Not a date: {text!r}. Use YYYY-MM-DD."


def logged(kind_label: str, day_text: str) -> str:
    return f"Logged {kind_label} on {day_text}."


def removed(kind_label: str, day_text: str) -> str:
    return f"Removed the {kind_label} treatment of {day_text}; its waiting period went with it."
