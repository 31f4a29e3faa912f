"""The zones of the face a routine treats and the sides of a glide (closed sets, no validation
machinery: the session engine and the log use them without loading the routine model)."""

from enum import StrEnum


class Zone(StrEnum):
    """Facial zones a routine can treat."""

    FOREHEAD = "forehead"
    BROWS = "brows"
    UNDER_EYE = "under_eye"
    CHEEKS = "cheeks"
    LIPS = "lips"
    CHIN = "chin"
    JAWLINE = "jawline"
    NECK = "neck"

    @property
    def label(self) -> str:
        return _ZONE_LABELS[self]


_ZONE_LABELS: dict[Zone, str] = {
    Zone.FOREHEAD: "Forehead",
    Zone.BROWS: "Brows",
    Zone.UNDER_EYE: "Under-eye",
    Zone.CHEEKS: "Cheeks",
    Zone.LIPS: "Lips",
    Zone.CHIN: "Chin",
    Zone.JAWLINE: "Jawline",
    Zone.NECK: "Neck",
}


class Side(StrEnum):
    """Which side of the face a glide is done on."""

    LEFT = "left"
    RIGHT = "right"
    CENTER = "center"

    @property
    def label(self) -> str:
        """'left', 'right', 'centre': the files keep 'center'; the words are British, once."""
        return "centre" if self is Side.CENTER else self.value

    @property
    def place(self) -> str:
        """'left side', 'right side', 'centre'."""
        return "centre" if self is Side.CENTER else f"{self.value} side"
