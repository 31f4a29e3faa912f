"""A photo drawn in a terminal with half blocks: each character is two pixels, the top one
the foreground of `▀`, the bottom one its background (24-bit colour)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image

RGB = tuple[int, int, int]
Cell = tuple[RGB, RGB]  # the top pixel, the bottom one


def half_block_cells(image: "Image", columns: int, rows: int | None = None) -> list[list[Cell]]:
    """The image scaled to fit `columns` x `rows` characters (its shape kept; two pixel rows a
    character), as rows of (top, bottom) colours."""
    columns = max(1, columns)
    width = columns
    height = max(2, round(image.height * width / image.width))
    if rows is not None and height > 2 * rows:  # too tall for the box: fit the height instead
        height = 2 * max(1, rows)
        width = max(1, round(image.width * height / image.height))
    height += height % 2
    small = image.convert("RGB").resize((width, height))
    data = small.tobytes()  # RGB, row by row

    def pixel(x: int, y: int) -> RGB:
        at = 3 * (y * width + x)
        return (data[at], data[at + 1], data[at + 2])

    return [[(pixel(x, y), pixel(x, y + 1)) for x in range(width)] for y in range(0, height, 2)]


def half_block_lines(image: "Image", columns: int) -> list[str]:
    """The image `columns` wide as lines of text with 24-bit colour escapes (the CLI's)."""
    lines = []
    for row in half_block_cells(image, columns):
        cells = [f"\x1b[38;2;{t[0]};{t[1]};{t[2]}m\x1b[48;2;{b[0]};{b[1]};{b[2]}m▀" for t, b in row]
        lines.append("".join(cells) + "\x1b[0m")
    return lines
