"""A face drawn with Pillow that OpenCV's frontal-face cascade finds (eyes, brows, nose and
mouth in the places a face has them), for the photo compare's tests."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def drawn_face(
    path: Path, size: tuple[int, int], centre: tuple[int, int], radius: int, skin: int = 200
) -> Path:
    image = Image.new("L", size, 90)
    draw = ImageDraw.Draw(image)
    x, y, r = centre[0], centre[1], radius
    draw.ellipse((x - r, y - int(r * 1.3), x + r, y + int(r * 1.3)), fill=skin)
    for eye in (x - r * 0.42, x + r * 0.42):
        draw.ellipse((eye - r * 0.2, y - r * 0.45, eye + r * 0.2, y - r * 0.25), fill=40)
        draw.rectangle((eye - r * 0.28, y - r * 0.65, eye + r * 0.28, y - r * 0.58), fill=70)
    draw.polygon(
        [(x, y - r * 0.2), (x - r * 0.12, y + r * 0.25), (x + r * 0.12, y + r * 0.25)], fill=160
    )
    draw.ellipse((x - r * 0.35, y + r * 0.5, x + r * 0.35, y + r * 0.68), fill=60)
    image.filter(ImageFilter.GaussianBlur(max(1, r // 35))).convert("RGB").save(path)
    return path
