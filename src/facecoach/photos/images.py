"""Reading a photo the user gives: bounded, hostile files refused in words, EXIF orientation
applied, the day it was taken from EXIF, re-encoded (so no EXIF, no location, leaves with it).

Pillow is an optional extra (`pip install 'facecoach[photos]'`): without it, one error says so.
HEIC is read where `pillow-heif` is installed.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from facecoach.errors import FacecoachError

if TYPE_CHECKING:
    from PIL.Image import Image

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 24-megapixel camera's photo fits; a decompression bomb does not
STORED_SIDE = 2048  # what is kept: enough to compare faces, small enough to draw fast
JPEG_QUALITY = 90
EXIF_IFD = 0x8769
EXIF_DATE_TAKEN = 36867  # DateTimeOriginal
EXIF_DATE = 306  # DateTime


class PhotoError(FacecoachError):
    """A photo that cannot be taken in; the message says which file and why."""


class PhotosUnavailable(PhotoError):
    """Pillow is not installed."""


PHOTOS_EXTRA = "photos need the optional extra: pip install 'facecoach[photos]' (Pillow)"
HEIC_EXTRA = "a HEIC photo needs the optional extra: pip install 'facecoach[heic]' (pillow-heif)"
# The brands an ISO base media file names at bytes 8-12 when it holds a HEIF/HEIC image.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    """A photo ready to store: re-encoded JPEG bytes, their size and digest, the day taken."""

    data: bytes
    width: int
    height: int
    sha256: str
    taken: date | None


def pillow() -> None:
    """Raises PhotosUnavailable when Pillow cannot be imported."""
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        raise PhotosUnavailable(PHOTOS_EXTRA) from None


def prepare_photo(path: Path) -> PreparedPhoto:
    """The photo at `path`, oriented and bounded; raises PhotoError in the user's words."""
    pillow()
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PhotoError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise PhotoError(f"{path}: not a file")
    if size > MAX_FILE_BYTES:
        raise PhotoError(f"{path}: {size // (1024 * 1024)} MiB; a photo is at most 64 MiB")
    if _is_heif(path) and not heif_available():
        raise PhotoError(f"{path}: {HEIC_EXTRA}")
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise Image.DecompressionBombError("too many pixels")
                taken = _exif_day(opened)
                # JPEG decodes at a fraction of its size (1/2, 1/4, 1/8): the memory a
                # 24-megapixel photo takes is that of the size kept, not of the whole.
                # The box keeps the photo's shape: draft only scales down while both sides
                # stay at least as large as asked.
                longest = max(opened.width, opened.height)
                opened.draft(
                    "RGB",
                    (
                        -(-STORED_SIDE * opened.width // longest),
                        -(-STORED_SIDE * opened.height // longest),
                    ),
                )
                image = ImageOps.exif_transpose(opened)
                image = image.convert("RGB")
                image.thumbnail((STORED_SIDE, STORED_SIDE))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            f"{path}: more than {MAX_PIXELS // 1_000_000} megapixels (or claims to be); refused"
        ) from None
    except UnidentifiedImageError:
        raise PhotoError(f"{path}: not an image facecoach can read (JPEG, PNG, HEIC)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        # Truncated data, a chunk too large to decompress, a broken header.
        raise PhotoError(f"{path}: a damaged or hostile image, refused ({exc})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    data = out.getvalue()
    return PreparedPhoto(data, image.width, image.height, hashlib.sha256(data).hexdigest(), taken)


def _exif_day(image: "Image") -> date | None:
    exif = image.getexif()
    text = exif.get_ifd(EXIF_IFD).get(EXIF_DATE_TAKEN) or exif.get(EXIF_DATE)
    if not isinstance(text, str):
        return None
    try:
        return datetime.strptime(text.strip()[:19], "%Y:%m:%d %H:%M:%S").date()
    except ValueError:
        return None  # a camera's own date format: the import day is used instead


def heif_available() -> bool:
    try:
        import pillow_heif  # noqa: F401
    except ImportError:
        return False
    return True


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def _is_heif(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            head = file.read(12)
    except OSError:
        return False
    return head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS


def check_stored_photo(data: bytes, source: str) -> None:
    """Raises PhotoError unless `data` is a whole JPEG no larger than facecoach stores (what an
    export or a backup carries back in)."""
    pillow()
    from PIL import Image

    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
                if max(image.width, image.height) > STORED_SIDE:
                    raise PhotoError(f"{source}: larger than a stored photo; refused")
                image.load()
    except PhotoError:
        raise
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,  # not an image, truncated data
        ValueError,
        SyntaxError,
    ) as exc:
        raise PhotoError(f"{source}: not a photo facecoach stored, refused ({exc})") from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def open_stored(path: Path) -> "Image":
    """A stored photo (written by facecoach), for drawing."""
    pillow()
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except (OSError, ValueError) as exc:
        raise PhotoError(f"{path}: cannot be read ({exc})") from None
