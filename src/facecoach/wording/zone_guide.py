"""Where each zone is and which way to glide: the zone guide in the session and the editor.

General guidance only, the common advice for microcurrent devices; a routine's own `path`
for a zone says more exactly where that routine glides.
"""

from facecoach.routines.zones import Zone

ZONE_GUIDE: dict[Zone, str] = {
    Zone.FOREHEAD: (
        "Between the brows and the hairline. Glide upward, from just above the brow to the "
        "hairline, one strip at a time from the middle out to the temple."
    ),
    Zone.BROWS: (
        "Along and above the brow bone. Glide from the inner end of the brow up and out to "
        "the temple, lifting the tail of the brow."
    ),
    Zone.UNDER_EYE: (
        "On the cheekbone below the eye, never on the eyelid or the eye itself. Glide "
        "lightly from beside the nose outward to the temple."
    ),
    Zone.CHEEKS: (
        "The middle of the face. Glide from the corner of the mouth up and out across the "
        "cheek to the top of the ear."
    ),
    Zone.LIPS: (
        "Around the mouth. Glide from above the upper lip, beside the nose, up to the "
        "cheekbone; keep the device off the lips themselves."
    ),
    Zone.CHIN: (
        "The chin, at the centre. Glide from the middle of the chin down and out along the jaw."
    ),
    Zone.JAWLINE: (
        "Along the jawbone. Glide from the chin along the underside of the jaw to just "
        "below the ear."
    ),
    Zone.NECK: (
        "The sides of the neck only: never the front, over the thyroid and the windpipe. "
        "Glide from the base of the neck up to behind the ear."
    ),
}

GUIDE_FOOTNOTE = "Glides go upward and outward, with gel under the device the whole way."
