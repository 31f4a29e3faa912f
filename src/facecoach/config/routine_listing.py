"""The routine list as home shows it, kept between starts without the routines' validators.

Home lists every routine with its length as it will run and its zones. Validating the routine
files for that loads pydantic and the routine models (about 10 MiB, a third of a bare Textual
app) on every start, for files that rarely change. So the list, with the problems met while
loading the files, is kept in the validated cache under a digest of the exact bytes of every
routine file (built-in and the user's, by name) and of the glide length and repeats they run
with. Any change to any of them is a miss, and the files are validated as usual. The copy is
sealed by the cache: read back, it is what was written from the validated routines, and
nothing is checked again here.
"""

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from facecoach.config.validated_cache import ValidatedCache, digest
from facecoach.text_files import DataFileError, read_text_file

LISTING_CACHE = "routines"


@dataclass(frozen=True, slots=True)
class RoutineListing:
    id: str
    name: str
    seconds: float  # as it will run: with the user's glide length and repeats
    is_builtin: bool
    zones: tuple[str, ...]  # the zones' names in the routine's order, each once


@dataclass(frozen=True, slots=True)
class RoutineListings:
    """Every routine in the library's order, and the problems met loading the files."""

    routines: tuple[RoutineListing, ...]
    problems: tuple[str, ...]

    def get(self, routine_id: str) -> RoutineListing | None:
        return next((r for r in self.routines if r.id == routine_id), None)


def listing_key(user_dir: Path, glide_seconds: float | None, repeats: int | None) -> str | None:
    """The digest the list is kept under: every routine file's name and bytes, read as the
    library reads them, and the preferences; None when a file cannot be read (the library
    then says why)."""
    sources: list[bytes] = [f"{glide_seconds!r}/{repeats!r}".encode()]
    folder = resources.files("facecoach.routines").joinpath("builtin")
    builtin = sorted(
        (entry.name, entry.read_bytes())
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    )
    for name, data in builtin:
        sources += [f"built-in {name}".encode(), data]
    if user_dir.is_dir():
        for path in sorted(user_dir.glob("*.toml")):
            try:
                text = read_text_file(path, DataFileError)  # bounded: no FIFO, no giant
            except DataFileError:
                return None
            sources += [str(path).encode(), text.encode()]
    return digest(*sources)


def cached_listings(cache: ValidatedCache, key: str) -> RoutineListings | None:
    """The list kept for `key`; None for a miss."""
    value = cache.get(LISTING_CACHE, key)
    if value is None:
        return None
    return RoutineListings(
        tuple(
            RoutineListing(r["id"], r["name"], r["seconds"], r["is_builtin"], tuple(r["zones"]))
            for r in value["routines"]
        ),
        tuple(value["problems"]),
    )


def keep_listings(cache: ValidatedCache, key: str, listings: RoutineListings) -> None:
    cache.put(
        LISTING_CACHE,
        key,
        {
            "routines": [
                {
                    "id": r.id,
                    "name": r.name,
                    "seconds": r.seconds,
                    "is_builtin": r.is_builtin,
                    "zones": list(r.zones),
                }
                for r in listings.routines
            ],
            "problems": list(listings.problems),
        },
    )
