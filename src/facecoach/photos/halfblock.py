"""A photo drawn in a terminal with half blocks: each character is two pixels, the top one
the foreground of `▀`, the bottom one its background (24-bit colour)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


def half_block_lines(image: "Image", columns: int) -> list[str]:
    """The image scaled to `columns` wide (its aspect kept; two pixel rows a line)."""
    width = max(1, columns)
    height = max(2, round(image.height * width / image.width))
    height += height % 2
    small = image.convert("RGB").resize((width, height))
    pixels = small.load()
    assert pixels is not None
    lines = []
    for y in range(0, height, 2):
        cells = []
        for x in range(width):
            top = pixels[x, y]
            bottom = pixels[x, y + 1]
            assert isinstance(top, tuple)
            assert isinstance(bottom, tuple)
            cells.append(
                f"\x1b[38;2;{top[0]};{top[1]};{top[2]}m\x1b[48;2;{bottom[0]};{bottom[1]};"
                f"{bottom[2]}m▀"
            )
        lines.append("".join(cells) + "\x1b[0m")
    return lines
