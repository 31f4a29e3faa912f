"""Two photos framed alike for the compare: each cropped to the same shape around the face,
the face at the same place and size in both (found with OpenCV's Haar cascade, which ships
its model inside the wheel and runs offline), or, without OpenCV or without a face found, a
centred crop of the same shape. OpenCV is an optional extra (`facecoach[faces]`)."""

import threading
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

FACES_EXTRA = "pip install 'facecoach[faces]' (OpenCV)"
# The shape both photos are cropped to (width / height): a head and shoulders portrait.
COMPARE_ASPECT = 3 / 4
# The face found takes this share of the crop's height, its centre this far down it.
FACE_SHARE = 0.45
FACE_CENTRE_DOWN = 0.45
# Faces are looked for in a copy this large at most: fast (tens of ms), and enough for a face
# that fills a good part of a progress photo.
DETECT_SIDE = 640
MIN_FACE_SHARE = 0.12  # of the shorter side: smaller finds are not the subject


class Framing(StrEnum):
    ALIGNED = "aligned"  # cropped around the face
    NO_FACE = "no face"  # OpenCV found none: centred
    NO_DETECTOR = "no detector"  # OpenCV is not installed: centred


@dataclass(frozen=True, slots=True)
class Framed:
    image: "Image"
    framing: Framing


# OpenCV's package replaces itself in sys.modules with its native module as it imports, so a
# second thread importing it meanwhile is handed the half-made module (seen in the app: two
# photo draws at once, "module 'cv2' has no attribute 'data'", the draw's worker failed). Every
# import of it here goes through this lock.
_OPENCV_IMPORT = threading.Lock()


def opencv() -> ModuleType | None:
    """OpenCV, whole, or None when the `faces` extra is not installed."""
    with _OPENCV_IMPORT:
        try:  # OpenCV is the optional `faces` extra: imported where it is used
            import cv2  # noqa: PLC0415
        except ImportError:
            return None
        return cv2


def face_detector_available() -> bool:
    return opencv() is not None


def find_face(image: "Image") -> tuple[int, int, int, int] | None:
    """The largest face in `image` as (left, top, width, height) in its pixels; None when there
    is none (or OpenCV is not installed)."""
    cv2 = opencv()
    if cv2 is None:
        return None
    import numpy  # noqa: PLC0415  (numpy comes with OpenCV)

    scale = min(1.0, DETECT_SIDE / max(image.width, image.height))
    small = image.convert("L")
    if scale < 1:
        small = small.resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        )
    smallest = max(24, round(MIN_FACE_SHARE * min(small.width, small.height)))
    cascade = cv2.CascadeClassifier(
        str(cv2.data.haarcascades) + "haarcascade_frontalface_default.xml"
    )
    found = cascade.detectMultiScale(
        numpy.asarray(small), scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest)
    )
    if len(found) == 0:
        return None
    left, top, width, height = max(found, key=lambda box: int(box[2]) * int(box[3]))
    return (
        round(int(left) / scale),
        round(int(top) / scale),
        round(int(width) / scale),
        round(int(height) / scale),
    )


def framed(image: "Image") -> Framed:
    """`image` cropped to COMPARE_ASPECT: around its face when one is found, else centred."""
    face = find_face(image)
    if face is None:
        why = Framing.NO_FACE if face_detector_available() else Framing.NO_DETECTOR
        return Framed(_centred(image), why)
    left, top, width, height = face
    crop_height = height / FACE_SHARE
    crop_width = crop_height * COMPARE_ASPECT
    centre_x = left + width / 2
    centre_y = top + height / 2
    box = (
        centre_x - crop_width / 2,
        centre_y - crop_height * FACE_CENTRE_DOWN,
        centre_x + crop_width / 2,
        centre_y + crop_height * (1 - FACE_CENTRE_DOWN),
    )
    # Past the photo's edge the crop is filled black (Pillow's crop does so): the face keeps its
    # place and size, which is what makes two photos comparable.
    return Framed(image.crop(tuple(round(side) for side in box)), Framing.ALIGNED)  # type: ignore[arg-type]


def _centred(image: "Image") -> "Image":
    width, height = image.width, image.height
    if width / height > COMPARE_ASPECT:
        crop_width = round(height * COMPARE_ASPECT)
        left = (width - crop_width) // 2
        return image.crop((left, 0, left + crop_width, height))
    crop_height = round(width / COMPARE_ASPECT)
    top = (height - crop_height) // 2
    return image.crop((0, top, width, top + crop_height))


@dataclass(frozen=True, slots=True)
class FramedPair:
    first: "Image"
    other: "Image"
    framing: Framing  # ALIGNED only when both are
    without_face: tuple[bool, bool]  # which had no face found


def framed_pair(first: "Image", other: "Image") -> FramedPair:
    """Both around their faces, or (one without a face, or no OpenCV) both centred: a compare
    of one aligned photo with one centred is not a fair one."""
    one, two = framed(first), framed(other)
    if one.framing is Framing.ALIGNED and two.framing is Framing.ALIGNED:
        return FramedPair(one.image, two.image, Framing.ALIGNED, (False, False))
    if Framing.NO_DETECTOR in (one.framing, two.framing):
        return FramedPair(_centred(first), _centred(other), Framing.NO_DETECTOR, (False, False))
    without = (one.framing is Framing.NO_FACE, two.framing is Framing.NO_FACE)
    return FramedPair(_centred(first), _centred(other), Framing.NO_FACE, without)
