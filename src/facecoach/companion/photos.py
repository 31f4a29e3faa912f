"""The photo library as both front ends open it: the session log's index, the data folder's
`photos` folder."""

from typing import TYPE_CHECKING

from facecoach.photos.library import PhotoLibrary

if TYPE_CHECKING:
    from facecoach.companion.core import Companion

PHOTOS_FOLDER = "photos"


def photo_library(companion: "Companion") -> PhotoLibrary:
    store = companion.log_service.require_store()
    return PhotoLibrary(store.database, store.path.parent / PHOTOS_FOLDER)
