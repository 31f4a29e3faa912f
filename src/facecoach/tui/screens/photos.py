"""Progress photos: the list by day, and two side by side (the first and the one selected,
the latest at first), drawn with half blocks; the framing guide below."""

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from facecoach.companion.core import Companion
from facecoach.companion.photos import photo_library
from facecoach.errors import FacecoachError
from facecoach.photos.framing import framed_pair
from facecoach.photos.images import open_stored, pillow
from facecoach.photos.library import Photo
from facecoach.tui.screens.dialogs import ConfirmDialog
from facecoach.tui.screens.sized import SizedScreen
from facecoach.tui.text import shown
from facecoach.tui.widgets.photo_view import PhotoView
from facecoach.tui.widgets.steady_footer import SteadyFooter
from facecoach.tui.widgets.title_bar import TitleBar
from facecoach.wording.photos import (
    FRAMING_GUIDE,
    NOTHING_TO_RESTORE,
    compare_note,
    deleted,
    framing_reminder,
    photo_named,
    restored,
)
from facecoach.wording.text import plain

if TYPE_CHECKING:
    from PIL.Image import Image


class PhotosScreen(SizedScreen[None]):
    DEFAULT_CSS = """
    #photos-body { height: 1fr; }
    #photo-list { width: 26; height: 1fr; }
    PhotosScreen.-narrow #photo-list { width: 18; }
    #compare { width: 1fr; height: 1fr; padding: 0 1; }
    #pair { height: 1fr; }
    #pair PhotoView { margin: 0 1 0 0; }
    #compare-caption { height: 3; }
    #framing { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back", id="photos.back"),
        Binding("delete,x", "delete", "Delete", id="photos.delete"),
        Binding("u", "undo", "Undo delete", id="photos.undo"),
    ]

    def __init__(self, companion: Companion) -> None:
        super().__init__()
        self.companion = companion
        self._photos: dict[str, Photo] = {}
        self._first: Photo | None = None
        self._wanted: tuple[int, int] | None = None  # the pair the views are to show, by id

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="photos-body"):
            yield DataTable(id="photo-list", cursor_type="row")
            with Vertical(id="compare"):
                with Horizontal(id="pair"):
                    yield PhotoView(id="photo-first")
                    yield PhotoView(id="photo-other")
                yield Static(id="compare-caption", markup=False)
        yield Static(FRAMING_GUIDE, id="framing", classes="muted", markup=False)
        yield SteadyFooter()

    def on_mount(self) -> None:
        self.title = "Photos"
        table = self.query_one("#photo-list", DataTable)
        table.add_columns("Day", "Note")
        self._load()

    @work(thread=True, exclusive=True, group="photos-list")
    def _load(self) -> None:

        try:
            pillow()
            photos = photo_library(self.companion).photos()
        except FacecoachError as exc:
            self.app.call_from_thread(self._unavailable, str(exc))
            return
        self.app.call_from_thread(self._fill, photos)

    def _unavailable(self, why: str) -> None:
        for view in self.query(PhotoView):
            view.show(None, "")
        self.query_one("#compare-caption", Static).update(why)

    def _fill(self, photos: list[Photo]) -> None:
        table = self.query_one("#photo-list", DataTable)
        table.clear()
        self._first = None
        self._wanted = None
        self._photos = {str(photo.id): photo for photo in photos}
        if not photos:
            self._unavailable(
                "No photos yet: add them with facecoach photos add FILE on the command line."
            )
            return
        for photo in photos:
            table.add_row(f"{photo.taken:%d %b %Y}", shown(photo.note), key=str(photo.id))
        self._first = photos[0]
        last = photos[-1]
        self.query_one("#framing", Static).update(
            framing_reminder(last, ", on the right") + FRAMING_GUIDE
        )
        table.move_cursor(row=len(photos) - 1)  # the latest, beside the first
        table.focus()
        self._compare(photos[-1])

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        photo = self._photos.get(str(event.row_key.value))
        if photo is not None and self._first is not None:
            self._compare(photo)

    def _compare(self, other: Photo) -> None:
        assert self._first is not None
        self._wanted = (self._first.id, other.id)
        self._draw(self._first, other)

    @work(thread=True, group="photos-draw")
    def _draw(self, first: Photo, other: Photo) -> None:

        pair = (first.id, other.id)
        try:
            library = photo_library(self.companion)
            images = [open_stored(library.path_of(photo)) for photo in (first, other)]
        except FacecoachError as exc:
            self.app.call_from_thread(self._missing, pair, str(exc))
            return
        framed = framed_pair(images[0], images[1])
        days = [f"{photo.taken:%d %b %Y}" for photo in (first, other)]
        missing = [day for day, none in zip(days, framed.without_face, strict=True) if none]
        caption = f"{days[0]} | {days[1]}. {compare_note(framed.framing, missing)}"
        self.app.call_from_thread(self._shown, pair, framed.first, framed.other, caption)

    def _shown(self, pair: tuple[int, int], first: "Image", other: "Image", caption: str) -> None:
        # Each draw runs in a thread of its own: a pair read for a row highlighted before
        # (the first row, as the table fills) can arrive after the one chosen since.
        if self.is_attached and self._wanted == pair:
            self.query_one("#photo-first", PhotoView).show(first)
            self.query_one("#photo-other", PhotoView).show(other)
            self.query_one("#compare-caption", Static).update(caption)

    def _missing(self, pair: tuple[int, int], why: str) -> None:
        if self.is_attached and self._wanted == pair:
            for view in self.query(PhotoView):
                view.show(None, why)

    def _selected(self) -> Photo | None:
        table = self.query_one("#photo-list", DataTable)
        if table.row_count == 0:
            self.notify("There is no photo to choose.", timeout=3)
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self._photos.get(str(key))

    def _failed(self, exc: FacecoachError) -> None:
        self.notify(str(exc), title="Not changed", severity="error", markup=False)

    @work(exclusive=True, group="photos-edit")
    async def action_delete(self) -> None:

        photo = self._selected()
        if photo is None:
            return
        sure = await self.app.push_screen_wait(
            ConfirmDialog(
                f"Delete {plain(photo_named(photo))}? u brings it back.",
                yes="Delete",
                danger=True,
            )
        )
        if not sure:
            return
        try:
            photo_library(self.companion).delete(photo.id, self.companion.clock.now())
        except FacecoachError as exc:
            self._failed(exc)
            return
        self._load()
        self.notify(plain(deleted(photo, "Press u to bring it back.")), timeout=5, markup=False)

    def action_undo(self) -> None:

        try:
            photo = photo_library(self.companion).undo_delete()
        except FacecoachError as exc:
            self._failed(exc)
            return
        if photo is None:
            self.notify(NOTHING_TO_RESTORE, timeout=3)
            return
        self._load()
        self.notify(plain(restored(photo)), markup=False)
