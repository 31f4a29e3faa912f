"""`facecoach photos`: progress photos, kept privately in the data folder, never sent anywhere."""

import argparse
import shutil
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from facecoach.cli.context import open_companion
from facecoach.cli.output import EXIT_ERROR, EXIT_OK, ask_yes_no, error, print_table, say
from facecoach.companion.photos import photo_library
from facecoach.errors import FacecoachError
from facecoach.photos.halfblock import half_block_lines
from facecoach.photos.images import PhotoError, open_stored, pillow, prepare_photo
from facecoach.photos.library import Photo, PhotoLibrary
from facecoach.wording.adherence import plural
from facecoach.wording.photos import (
    FRAMING_GUIDE,
    NOTHING_TO_RESTORE,
    deleted,
    framing_reminder,
    restored,
)


def add_photo_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    photos = commands.add_parser(
        "photos",
        help="progress photos, private, in the data folder",
        description="Progress photos, to see whether anything changed: kept in the data folder "
        "(only you can read them), never sent anywhere. Needs the optional extra: "
        "pip install 'facecoach[photos]'.",
    )
    photos.set_defaults(handler=_list)
    actions = photos.add_subparsers(title="photo commands", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="take in photos (JPEG, PNG; HEIC with pillow-heif)",
        description="Takes in photos: turned upright as the camera says, the day from the "
        "camera unless --date is given, stored re-encoded (so no location or camera data is "
        "kept with them).",
    )
    add.add_argument(
        "files",
        metavar="FILE",
        nargs="*",
        type=Path,
        help="the photos; with none, the last photo and the framing guide, to take the next alike",
    )
    add.add_argument("--date", type=date.fromisoformat, help="the day taken, YYYY-MM-DD")
    add.add_argument("--note", default="", help="a note kept with the photo")
    add.set_defaults(handler=_add)
    actions.add_parser("list", help="the photos, oldest first").set_defaults(handler=_list)
    show = actions.add_parser("show", help="a photo's details, and the photo on a terminal")
    show.add_argument("id", metavar="ID", type=int)
    show.add_argument("--width", type=int, default=None, metavar="COLUMNS")
    show.set_defaults(handler=_show)
    delete = actions.add_parser(
        "delete", help="take a photo out of the list (asks first; `photos undo` brings it back)"
    )
    delete.add_argument("id", metavar="ID", type=int)
    delete.add_argument("--yes", action="store_true", help="do not ask")
    delete.set_defaults(handler=_delete)
    actions.add_parser("undo", help="bring back the photo deleted last").set_defaults(handler=_undo)
    purge = actions.add_parser("purge", help="remove deleted photos and their files for good")
    purge.add_argument("--yes", action="store_true", help="do not ask first")
    purge.set_defaults(handler=_purge)


def _library(args: argparse.Namespace) -> PhotoLibrary:

    pillow()  # first: without Pillow, say so before anything is made
    return photo_library(open_companion(args))


def _add(args: argparse.Namespace) -> int:

    library = _library(args)
    if not args.files:
        return _reminder(library)
    failed = 0
    for path in args.files:
        try:
            prepared = prepare_photo(path)
            taken = args.date or prepared.taken or date.today()
            photo = library.add(prepared, taken, args.note, datetime.now(UTC))
        except PhotoError as exc:
            error(str(exc))
            failed += 1
            continue
        say(
            f"Added photo {photo.id}: {path.name}, {photo.taken:%a %d %b %Y}, "
            f"{photo.width}x{photo.height}."
        )
    if failed < len(args.files):
        say(FRAMING_GUIDE)
    return EXIT_ERROR if failed else EXIT_OK


def _reminder(library: PhotoLibrary) -> int:
    """Before the next photo: the last one (drawn on a terminal) and the framing guide."""

    photos = library.photos()
    if not photos:
        say(f"No photos yet. {FRAMING_GUIDE}")
        return EXIT_OK
    last = max(photos, key=lambda photo: (photo.taken, photo.id))
    say(framing_reminder(last, "") + FRAMING_GUIDE)
    if sys.stdout.isatty():
        _draw(library, last, None)
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    photos = _library(args).photos()
    if not photos:
        print("No photos yet: `facecoach photos add FILE...`.")
        return EXIT_OK
    rows = [[str(p.id), p.taken.isoformat(), f"{p.width}x{p.height}", p.note] for p in photos]
    print_table(["ID", "DAY", "SIZE", "NOTE"], rows, sys.stdout)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    library = _library(args)
    photo = library.get(args.id)
    path = library.path_of(photo)
    say(f"Photo {photo.id}: {photo.taken:%a %d %b %Y}, {photo.width}x{photo.height}, {path}")
    if photo.note:
        say(f"Note: {photo.note}")
    if args.width is None and not sys.stdout.isatty():
        return EXIT_OK  # piped: the details only
    _draw(library, photo, args.width)
    return EXIT_OK


def _draw(library: PhotoLibrary, photo: "Photo", width: int | None) -> None:

    columns = width or min(60, shutil.get_terminal_size((80, 24)).columns - 1)
    for line in half_block_lines(open_stored(library.path_of(photo)), columns):
        print(line)


def _delete(args: argparse.Namespace) -> int:
    library = _library(args)
    photo = library.get(args.id)
    if not args.yes:
        question = (
            f"Delete photo {photo.id} of {photo.taken:%d %b %Y}? (`photos undo` brings it back)"
        )
        if not (sys.stdin.isatty() and ask_yes_no(question)):
            raise FacecoachError(f"photo {photo.id} kept; --yes deletes without asking")

    library.delete(photo.id, datetime.now(UTC))
    say(
        deleted(
            photo,
            "`facecoach photos undo` brings it back; `facecoach photos purge` removes its "
            "file for good.",
        )
    )
    return EXIT_OK


def _undo(args: argparse.Namespace) -> int:

    photo = _library(args).undo_delete()
    say(restored(photo) if photo is not None else NOTHING_TO_RESTORE)
    return EXIT_OK


def _purge(args: argparse.Namespace) -> int:

    library = _library(args)
    if not (
        args.yes
        or (
            sys.stdin.isatty()
            and ask_yes_no("Remove deleted photos and their files for good? This cannot be undone.")
        )
    ):
        raise FacecoachError("nothing purged; --yes purges without asking")
    say(f"Purged {plural(library.purge_deleted(), 'deleted photo')}; their files are gone.")
    return EXIT_OK
