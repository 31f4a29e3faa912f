"""What a voice says at each cue, and what a notification reads. Short: the words must end
before the next glide starts, so each cue offers shorter fallbacks, fullest first."""

from facecoach.routines.zones import Side
from facecoach.session.timeline import Step

PAUSED = "Paused"
RESUMED = "Go on"
NEEDS_YOU = "Check your device"
NEEDS_YOU_TITLE = "facecoach: your session needs you"

# The settings' test buttons.
TEST_TITLE = "facecoach: a test notification"
TEST_MESSAGE = "This is how facecoach tells you a session has ended or needs you."
TEST_PHRASE = "This is a test"
TEST_ZONE_PHRASES = ("Cheeks, left side, three glides",)

_NUMBER_WORDS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
)


def number_word(number: int) -> str:
    """'three'; digits past twenty (a speech engine reads them as well)."""
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def glides_word(count: int) -> str:
    return f"{number_word(count)} glide{'s' if count != 1 else ''}"


def zone_phrases(step: Step) -> tuple[str, ...]:
    """'Cheeks, left side, three glides', then 'Cheeks, left side', then 'Cheeks', for the
    zone of a glide step."""
    if step.zone is None:
        return ()
    zone = step.zone.label
    if step.side is None or step.side is Side.CENTER:
        return (f"{zone}, {glides_word(step.glides)}", zone)
    return (
        f"{zone}, {step.side.place}, {glides_word(step.glides)}",
        f"{zone}, {step.side.place}",
        zone,
    )


def side_phrases(step: Step) -> tuple[str, ...]:
    """'Right side'."""
    if step.side is None:
        return ()
    return (step.side.place.capitalize(),)


def glide_phrases(step: Step) -> tuple[str, ...]:
    """'Two'; the last glide of a side says so."""
    if step.glide == step.glides:
        return ("Last glide", "Last")
    return (number_word(step.glide).capitalize(),)


def prep_phrases(first: Step | None) -> tuple[str, ...]:
    """'Get ready: apply gel', then where the first glides go. Not the routine's own prep
    text: it is written to be read, often long, and comes from a file."""
    zone = zone_phrases(first)[0] if first is not None and zone_phrases(first) else ""
    then = f" Then: {zone}." if zone else ""
    return (f"Get ready: apply gel.{then}", "Get ready: apply gel.", "Get ready")


def session_end(*, completed: bool) -> str:
    return "Session done" if completed else "Session stopped"


def session_end_message(routine_name: str, glides_done: int, glides_planned: int) -> str:
    return f"{routine_name}: {glides_done} of {glides_planned} glides done."
