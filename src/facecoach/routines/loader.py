"""Loading routines: built-ins shipped in the package, plus the user's own TOML files.

Every problem is reported with the file and the field that is wrong. One bad user file never
keeps the other routines from loading.
"""

import difflib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from facecoach.datafiles import DataFileError, parse_toml_model, read_text_file
from facecoach.errors import RoutineError
from facecoach.problems import Problem
from facecoach.routines.model import Routine

BUILTIN_SOURCE = "built-in"


class RoutineFileError(DataFileError, RoutineError):
    """A routine file that cannot be read, parsed or validated."""

    what = "routine"


def parse_routine(text: str, source: str) -> Routine:
    """Validate TOML text as a routine; `source` names the file in error messages."""
    return parse_toml_model(text, Routine, RoutineFileError, source)


def load_routine_file(path: Path) -> Routine:
    """Read and validate one routine file."""
    return parse_routine(read_text_file(path, RoutineFileError), str(path))


@dataclass(frozen=True, slots=True)
class LoadedRoutine:
    routine: Routine
    source: str  # BUILTIN_SOURCE or the user file's path

    @property
    def is_builtin(self) -> bool:
        return self.source == BUILTIN_SOURCE


@dataclass(slots=True)
class RoutineLibrary:
    """All routines available to the user, by id, with the problems met while loading them."""

    routines: dict[str, LoadedRoutine] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # a file's each, at the file

    @classmethod
    def load(cls, user_dir: Path | None) -> "RoutineLibrary":
        library = cls()
        for name, text in _builtin_routine_texts():
            # A broken built-in is a packaging bug; let it fail loudly in tests.
            routine = parse_routine(text, f"{BUILTIN_SOURCE} {name}")
            library.routines[routine.id] = LoadedRoutine(routine, BUILTIN_SOURCE)
        if user_dir is not None:
            library._load_user_dir(user_dir)
        return library

    def _load_user_dir(self, user_dir: Path) -> None:
        if not user_dir.is_dir():
            return
        seen_user_ids: dict[str, Path] = {}
        for path in sorted(user_dir.glob("*.toml")):
            try:
                routine = load_routine_file(path)
            except RoutineFileError as exc:
                self.problems.append(exc.problem)
                continue
            if routine.id in seen_user_ids:
                self.problems.append(
                    Problem(
                        str(path),
                        f"id {routine.id!r} is already used by {seen_user_ids[routine.id]}",
                    )
                )
                continue
            seen_user_ids[routine.id] = path
            self.routines[routine.id] = LoadedRoutine(routine, str(path))

    def get(self, routine_id: str) -> LoadedRoutine:
        try:
            return self.routines[routine_id]
        except KeyError:
            pass
        close = difflib.get_close_matches(routine_id, self.routines, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise RoutineError(
            f"unknown routine {routine_id!r}.{hint} Available: {', '.join(self.routines)}"
            " (see 'facecoach routines')."
        )

    def resolve(self, id_or_path: str) -> LoadedRoutine:
        """A routine by id, or from a file when given a path to a .toml file."""
        if id_or_path not in self.routines and id_or_path.endswith(".toml"):
            path = Path(id_or_path)
            return LoadedRoutine(load_routine_file(path), str(path))
        return self.get(id_or_path)


def _builtin_routine_texts() -> list[tuple[str, str]]:
    folder = resources.files("facecoach.routines").joinpath("builtin")
    texts = [
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith(".toml")
    ]
    return sorted(texts)
