"""Progress photos on the command line: added (upright, the camera's day, kept privately),
listed, shown, deleted with their files; hostile images refused in words; without Pillow, one
message says how to get it."""

import os
import stat
import struct
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

from facecoach.cli.main import EXIT_ERROR, EXIT_OK, main
from facecoach.companion.core import Companion
from facecoach.session.clock import FakeClock

ORIENTATION = 0x0112
EXIF_IFD = 0x8769
DATE_TAKEN = 36867


@pytest.fixture
def photos_dir() -> Path:
    return Path(os.environ["FACECOACH_DATA_DIR"]) / "photos"


def camera_photo(path: Path, size: tuple[int, int] = (40, 20), colour: int = 200) -> Path:
    """A JPEG as a phone writes it held sideways: EXIF says turn it (orientation 6)."""
    image = Image.new("RGB", size, (colour, 50, 50))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif.get_ifd(EXIF_IFD)[DATE_TAKEN] = "2025:10:01 08:30:00"
    image.save(path, exif=exif)
    return path


def test_a_photo_is_added_upright_with_its_day_and_kept_privately(
    tmp_path: Path, photos_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = camera_photo(tmp_path / "IMG_0001.jpg")
    assert main(["photos", "add", str(photo), "--note", "before"]) == EXIT_OK
    assert "Added photo 1: IMG_0001.jpg, Wed 01 Oct 2025, 20x40." in capsys.readouterr().out
    assert main(["photos", "list"]) == EXIT_OK
    listed = capsys.readouterr().out.splitlines()
    assert listed[1].split() == ["1", "2025-10-01", "20x40", "before"]
    (stored,) = photos_dir.iterdir()
    assert stored.read_bytes() != photo.read_bytes()  # re-encoded: no EXIF travels with it
    with Image.open(stored) as kept:
        assert kept.size == (20, 40)
        assert not kept.getexif()
    if sys.platform != "win32":
        assert stat.S_IMODE(photos_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(stored.stat().st_mode) == 0o600


def test_date_given_wins_and_the_same_photo_is_not_added_twice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = camera_photo(tmp_path / "a.jpg")
    assert main(["photos", "add", str(photo), "--date", "2025-12-24"]) == EXIT_OK
    assert "Wed 24 Dec 2025" in capsys.readouterr().out
    assert main(["photos", "add", str(photo)]) == EXIT_ERROR
    assert "in the library already (photo 1)" in capsys.readouterr().err


def test_show_draws_the_photo_in_half_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["photos", "add", str(camera_photo(tmp_path / "a.jpg"))]) == EXIT_OK
    capsys.readouterr()
    assert main(["photos", "show", "1", "--width", "10"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Photo 1: Wed 01 Oct 2025, 20x40")
    drawn = lines[1:]
    assert len(drawn) == 10  # 10 columns of a 1:2 photo: 20 pixel rows, two a line
    assert all(line.count("▀") == 10 for line in drawn)


def test_delete_asks_undo_brings_it_back_and_purge_removes_the_file(
    tmp_path: Path, photos_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["photos", "add", str(camera_photo(tmp_path / "a.jpg")), "--note", "before"]) == 0
    assert main(["photos", "delete", "1"]) == EXIT_ERROR  # no terminal to ask on
    assert "photo 1 kept; --yes deletes without asking" in capsys.readouterr().err
    assert main(["photos", "delete", "1", "--yes"]) == EXIT_OK
    assert (
        "Deleted photo 1 of Wed 01 Oct 2025 (before). `facecoach photos undo` brings it back"
        in capsys.readouterr().out
    )
    assert main(["photos", "list"]) == EXIT_OK
    assert "No photos yet" in capsys.readouterr().out
    assert main(["photos", "show", "1"]) == EXIT_ERROR
    assert "there is no photo 1" in capsys.readouterr().err
    assert main(["photos", "undo"]) == EXIT_OK
    assert "Restored photo 1 of Wed 01 Oct 2025 (before)." in capsys.readouterr().out
    assert main(["photos", "undo"]) == EXIT_OK
    assert "Nothing to undo: no deleted photo" in capsys.readouterr().out
    assert main(["photos", "show", "1", "--width", "4"]) == EXIT_OK

    assert main(["photos", "delete", "1", "--yes"]) == EXIT_OK
    assert main(["photos", "add", str(tmp_path / "a.jpg")]) == EXIT_ERROR
    assert "(deleted: `facecoach photos undo` brings it back)" in capsys.readouterr().err
    assert main(["photos", "purge"]) == EXIT_ERROR
    assert "nothing purged; --yes purges without asking" in capsys.readouterr().err
    assert len(list(photos_dir.iterdir())) == 1
    assert main(["photos", "purge", "--yes"]) == EXIT_OK
    assert "Purged 1 deleted photo; their files are gone." in capsys.readouterr().out
    assert list(photos_dir.iterdir()) == []
    assert main(["photos", "undo"]) == EXIT_OK
    assert "Nothing to undo" in capsys.readouterr().out


def png_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims `width` x `height` pixels, with one tiny row of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00"))
        + chunk(b"IEND", b"")
    )


def huge_text_chunk_png(path: Path) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("comment", "x" * 20_000_000, zip=True)  # 20 MB once decompressed
    Image.new("RGB", (4, 4)).save(path, pnginfo=info)


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("truncated", "a damaged or hostile image, refused"),
        ("not an image", "not an image facecoach can read"),
        ("decompression bomb", "megapixels (or claims to be); refused"),
        ("huge chunk", "a damaged or hostile image, refused"),
    ],
)
def test_hostile_images_are_refused_in_words(
    tmp_path: Path, photos_dir: Path, capsys: pytest.CaptureFixture[str], kind: str, said: str
) -> None:
    path = tmp_path / "bad.png"
    if kind == "truncated":
        whole = camera_photo(tmp_path / "whole.jpg", size=(400, 300)).read_bytes()
        path.write_bytes(whole[: len(whole) // 3])
    elif kind == "not an image":
        path.write_text("#!/bin/sh\necho hello\n")
    elif kind == "decompression bomb":
        path.write_bytes(png_claiming(100_000, 100_000))
    else:
        huge_text_chunk_png(path)
    assert main(["photos", "add", str(path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert err.startswith(f"facecoach: error: {path}: ")
    assert said in err
    assert "Traceback" not in err
    assert not photos_dir.exists() or list(photos_dir.iterdir()) == []


def test_without_pillow_the_photo_commands_say_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in [m for m in sys.modules if m == "PIL" or m.startswith("PIL.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "PIL", None)  # `import PIL` now fails, as if absent
    assert main(["photos", "list"]) == EXIT_ERROR
    assert "pip install 'facecoach[photos]'" in capsys.readouterr().err


# --- the app ----------------------------------------------------------------------------------


def add_photos(companion: Companion, folder: Path) -> None:
    """Two photos: a red one in October, a blue one in December."""
    from datetime import UTC, date, datetime

    from facecoach.companion.photos import photo_library
    from facecoach.photos.images import prepare_photo

    library = photo_library(companion)
    for colour, day, note in (((200, 40, 40), date(2025, 10, 1), "before"),
                              ((40, 40, 200), date(2025, 12, 24), "after")):  # fmt: skip
        path = folder / f"{note}.png"
        image = Image.new("RGB", (60, 80), colour)
        image.paste((240, 220, 200), (15, 20, 45, 60))  # a pale "face" in the middle
        image.save(path)
        library.add(prepare_photo(path), day, note, datetime(2026, 1, 5, tzinfo=UTC))


def test_history_opens_the_photos_first_and_latest_side_by_side(
    tmp_path: Path, clock: FakeClock
) -> None:
    import asyncio

    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.photos import PhotosScreen
    from facecoach.tui.widgets.photo_view import PhotoView
    from tests.support.tui_support import make_companion, text_of, until

    companion = make_companion(clock)
    add_photos(companion, tmp_path)

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            views = list(app.screen.query(PhotoView))
            await until(pilot, lambda: all("▀" in str(v.render()) for v in views))
            caption = text_of(app, "#compare-caption")
            assert caption.startswith("01 Oct 2025 | 24 Dec 2025.")
            first, other = (v.render() for v in views)
            assert "#c82828" in str(first.spans[0].style)  # red: the first
            assert "#2828c8" in str(other.spans[0].style)  # blue: the latest
            await pilot.press("up")  # the first photo beside itself
            await until(
                pilot, lambda: "01 Oct 2025 | 01 Oct 2025" in text_of(app, "#compare-caption")
            )

    asyncio.run(scenario())


def test_the_photos_screen_deletes_with_x_and_undoes_with_u(
    tmp_path: Path, clock: FakeClock
) -> None:
    import asyncio

    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.dialogs import ConfirmDialog
    from facecoach.tui.screens.photos import PhotosScreen
    from tests.support.tui_support import make_companion, text_of, until

    companion = make_companion(clock)
    add_photos(companion, tmp_path)

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            await until(pilot, lambda: "24 Dec 2025." in text_of(app, "#compare-caption"))
            await pilot.press("x")  # the latest, selected
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.press("escape")  # no: kept
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            await pilot.press("x")
            await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
            await pilot.click("#yes")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            await until(
                pilot, lambda: "01 Oct 2025 | 01 Oct 2025" in text_of(app, "#compare-caption")
            )
            assert [p.note for p in photo_library(companion).photos()] == ["before"]
            await pilot.press("u")
            await until(
                pilot, lambda: "01 Oct 2025 | 24 Dec 2025" in text_of(app, "#compare-caption")
            )
            assert [p.note for p in photo_library(companion).photos()] == ["before", "after"]

    from facecoach.companion.photos import photo_library

    asyncio.run(scenario())


def test_terminal_graphics_draw_inside_the_box_and_nothing_moves(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Where the terminal draws images itself (kitty's protocol here), the photo is fitted
    inside the box the layout gave: the box, the caption and the guide stay where they were."""
    import asyncio

    textual_image = pytest.importorskip("textual_image.widget", reason="the photos extra")

    from facecoach.photos.images import open_stored
    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.photos import PhotosScreen
    from facecoach.tui.widgets.photo_view import PhotoView, use_terminal_graphics
    from tests.support.tui_support import make_companion, until

    companion = make_companion(clock)
    add_photos(companion, tmp_path)

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            view = app.screen.query_one("#photo-first", PhotoView)
            graphics = view.query_one(".terminal-graphics")
            await until(pilot, lambda: bool(graphics.display))

            def places() -> list[object]:
                return [
                    app.screen.query_one(selector).region
                    for selector in ("#photo-first", "#photo-other", "#compare-caption", "#framing")
                ]

            view.show(None, "Loading…")
            await pilot.pause()
            before = places()
            library_photo = companion_photo_path(companion)
            view.show(open_stored(library_photo))
            await pilot.pause()
            assert places() == before
            assert graphics.display
            inside = graphics.region
            assert inside.area > 0
            assert view.region.contains_region(inside)
            assert isinstance(graphics, textual_image.TGPImage)

    use_terminal_graphics(textual_image.TGPImage)
    try:
        asyncio.run(scenario())
    finally:
        use_terminal_graphics(None)


def companion_photo_path(companion: Companion) -> Path:
    from facecoach.companion.photos import photo_library

    library = photo_library(companion)
    return library.path_of(library.photos()[0])


def test_without_a_terminal_the_app_draws_half_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    from facecoach.tui.widgets.photo_view import prepare_terminal_graphics

    (tmp_path / "2025-01-01-0123456789ab.jpg").write_bytes(b"")
    monkeypatch.setenv("FACECOACH_TERMINAL_GRAPHICS", "1")  # ask whatever the terminal
    monkeypatch.setattr(sys, "__stdout__", io.StringIO())  # output into a pipe, not a terminal
    assert prepare_terminal_graphics(tmp_path) == "half blocks"


@pytest.mark.parametrize(
    ("environment", "asked"),
    [
        ({"TERM": "xterm-kitty"}, True),
        ({"TERM_PROGRAM": "iTerm.app"}, True),
        ({"WEZTERM_PANE": "0"}, True),
        ({"TERM": "xterm-256color"}, False),  # unknown: no wait at start for a question
        ({"TERM": "xterm-256color", "FACECOACH_TERMINAL_GRAPHICS": "1"}, True),
        ({"TERM": "xterm-kitty", "FACECOACH_TERMINAL_GRAPHICS": "0"}, False),
    ],
)
def test_only_terminals_known_to_draw_images_are_asked(
    environment: dict[str, str], asked: bool
) -> None:
    from facecoach.tui.widgets.photo_view import may_draw_images

    assert may_draw_images(environment) is asked


def face_centre(view: object) -> tuple[float, float]:
    """Where the bright face is in a drawn view, as fractions of the drawing's width and height."""
    from rich.style import Style

    from facecoach.tui.widgets.photo_view import PhotoView

    assert isinstance(view, PhotoView)
    text = view.render()
    rows = text.plain.split("\n")
    starts = [0]
    for line in rows[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    bright: list[tuple[int, int]] = []
    for span in text.spans:
        style = span.style
        assert isinstance(style, Style)
        assert style.color is not None
        row = max(i for i, start in enumerate(starts) if start <= span.start)
        colour = style.color.name
        if colour.startswith("#") and int(colour[1:3], 16) > 150:
            bright.append((span.start - starts[row], row))
    assert bright, "no face drawn"
    width, height = len(rows[0]), len(rows)
    return (
        sum(x for x, _ in bright) / len(bright) / width,
        sum(y for _, y in bright) / len(bright) / height,
    )


def test_the_compare_aligns_the_faces(tmp_path: Path, clock: FakeClock) -> None:
    """Two photos with the face in different places and sizes: in the compare each face is at
    the same place, and the caption says they were aligned."""
    import asyncio
    from datetime import UTC, date, datetime

    pytest.importorskip("cv2", reason="face alignment needs the faces extra (OpenCV)")

    from facecoach.companion.photos import photo_library
    from facecoach.photos.images import prepare_photo
    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.photos import PhotosScreen
    from facecoach.tui.widgets.photo_view import PhotoView
    from tests.support.faces_drawn import drawn_face
    from tests.support.tui_support import make_companion, text_of, until

    companion = make_companion(clock)
    library = photo_library(companion)
    first = drawn_face(tmp_path / "first.png", (600, 800), (300, 380), 140)
    later = drawn_face(tmp_path / "later.png", (1200, 900), (350, 500), 120)
    for path, day in ((first, date(2025, 10, 1)), (later, date(2025, 12, 1))):
        library.add(prepare_photo(path), day, "", datetime(2026, 1, 5, tzinfo=UTC))

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            await until(pilot, lambda: "Faces aligned" in text_of(app, "#compare-caption"))
            views = list(app.screen.query(PhotoView))
            await until(pilot, lambda: all("▀" in str(v.render()) for v in views))
            (x1, y1), (x2, y2) = (face_centre(view) for view in views)
            assert abs(x1 - x2) < 0.06
            assert abs(y1 - y2) < 0.06

    asyncio.run(scenario())


def test_without_opencv_the_compare_is_centred_and_says_how_to_align(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from facecoach.tui.app import FacecoachApp
    from facecoach.tui.screens.photos import PhotosScreen
    from tests.support.tui_support import make_companion, text_of, until

    monkeypatch.setitem(sys.modules, "cv2", None)  # as if the extra were not installed
    companion = make_companion(clock)
    add_photos(companion, tmp_path)

    async def scenario() -> None:
        app = FacecoachApp(companion)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("h")
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, PhotosScreen))
            await until(pilot, lambda: "Centred" in text_of(app, "#compare-caption"))
            assert "to align the faces: pip install 'facecoach[faces]'" in text_of(
                app, "#compare-caption"
            )

    asyncio.run(scenario())


def test_add_with_no_file_shows_the_last_photo_to_take_the_next_alike(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["photos", "add"]) == EXIT_OK
    assert "No photos yet. For photos you can compare" in capsys.readouterr().out
    assert main(["photos", "add", str(camera_photo(tmp_path / "a.jpg"))]) == EXIT_OK
    assert main(["photos", "add", str(camera_photo(tmp_path / "b.jpg", colour=90)),
                 "--date", "2025-11-02"]) == EXIT_OK  # fmt: skip
    capsys.readouterr()
    assert main(["photos", "add"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("Before the next photo, look at the last one (02 Nov 2025). ")
    assert "the same place, distance and light" in out


def test_a_heic_photo_is_added_upright_with_its_day(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pillow_heif = pytest.importorskip("pillow_heif", reason="HEIC needs the heic extra")
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (40, 20), (200, 50, 50))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif.get_ifd(EXIF_IFD)[DATE_TAKEN] = "2025:10:01 08:30:00"
    heic = tmp_path / "IMG_0001.HEIC"
    image.save(heic, format="HEIF", exif=exif.tobytes())
    assert heic.read_bytes()[4:12] == b"ftypheic"  # a real HEIC file, as an iPhone writes
    assert main(["photos", "add", str(heic)]) == EXIT_OK
    assert "Added photo 1: IMG_0001.HEIC, Wed 01 Oct 2025, 20x40." in capsys.readouterr().out


def test_without_the_heic_extra_a_heic_photo_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    heic = tmp_path / "IMG_0002.HEIC"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # as if it were not installed
    assert main(["photos", "add", str(heic)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "a HEIC photo needs the optional extra: pip install 'facecoach[heic]'" in err
    assert "Traceback" not in err
