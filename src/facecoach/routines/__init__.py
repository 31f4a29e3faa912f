"""Routines as data: the pydantic model, the loader and the built-in routines."""

from facecoach.routines.loader import (
    BUILTIN_SOURCE,
    LoadedRoutine,
    RoutineFileError,
    RoutineLibrary,
    load_routine_file,
    parse_routine,
)
from facecoach.routines.model import PrepStep, Routine, Side, Zone, ZoneEntry

__all__ = [
    "BUILTIN_SOURCE",
    "LoadedRoutine",
    "PrepStep",
    "Routine",
    "RoutineFileError",
    "RoutineLibrary",
    "Side",
    "Zone",
    "ZoneEntry",
    "load_routine_file",
    "parse_routine",
]
