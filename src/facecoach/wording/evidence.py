"""What is known: what the studies behind microcurrent claims measured, with their citations.

Said once, here: `facecoach evidence`, the app's "What is known" page and the README (a test
checks that the README carries every citation) show these words. Each citation was checked
against public records of the paper (PubMed, the publisher or the journal) before it was
written. Nothing here claims an effect.
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Study:
    """One study a microcurrent claim leans on, and what it did and did not measure."""

    claim: str
    """The claim, as marketing says it, that cites this study."""
    citation: str
    """Authors, title, journal, year, volume and pages, as a library would cite it."""
    link: str
    """Where the paper's record can be read (a DOI or PubMed address)."""
    measured: str
    """What the study measured, on whom, for how long."""
    does_not_show: str
    """Why its result is not a result for a home microcurrent device on a face."""


EVIDENCE_TITLE = "What is known"

EVIDENCE_INTRO = (
    "facecoach helps you keep a routine; it makes no claim that microcurrent changes the face, "
    "and none of this is medical advice. Here is what the studies most often cited for "
    "microcurrent claims measured, and what they did not."
)

STUDIES: tuple[Study, ...] = (
    Study(
        claim='"Microcurrent raises the skin\'s energy (ATP) by 500%."',
        citation=(
            "Cheng N, Van Hoof H, Bockx E, Hoogmartens MJ, Mulier JC, De Dijcker FJ, Sansen WM, "
            "De Loecker W. The effects of electric currents on ATP generation, protein "
            "synthesis, and membrane transport in rat skin. Clin Orthop Relat Res. "
            "1982;(171):264-272."
        ),
        link="https://pubmed.ncbi.nlm.nih.gov/7140077/",
        measured=(
            "Pieces of skin taken from young rats and kept in a dish (in vitro), with direct "
            "currents of 10 to 1000 microamperes passed through them: the ATP in that tissue "
            "and the building of proteins went up."
        ),
        does_not_show=(
            "No living animal, no person, no face and no home device were studied: it says "
            "nothing about what a device does to human skin, or to how a face looks."
        ),
    ),
    Study(
        claim='"A randomised controlled trial showed facial toning."',
        citation=(
            "Kavanagh S, Newell J, Hennessy M, Sadick N. Use of a neuromuscular electrical "
            "stimulation device for facial muscle toning: a randomized, controlled trial. "
            "J Cosmet Dermatol. 2012;11(4):261-266."
        ),
        link="https://doi.org/10.1111/jocd.12007",
        measured=(
            "108 healthy women, 12 weeks, 20 minutes a day, 5 days a week, with a neuromuscular "
            "electrical stimulation (EMS) headset, against women with no treatment: the "
            "thickness of one cheek muscle on ultrasound, and how the women rated their own "
            "faces."
        ),
        does_not_show=(
            "EMS makes muscles contract, with far stronger currents than microcurrent: it is "
            "not a result for microcurrent devices. The women's own ratings could not be "
            "blinded: each knew whether she used the device."
        ),
    ),
    Study(
        claim='"Microcurrent reduces wrinkles."',
        citation=(
            "Saniee F, Ghafarian Shirazi HR, Khademi Kalantari K, et al. Consider of "
            "Micro-Current's effect to variation of facial wrinkle trend, randomized clinical "
            "trial study. Life Sci J. 2012;9(3)."
        ),
        link="https://www.researchgate.net/publication/230642269",
        measured=(
            "30 women under 45, 30 sessions of microcurrent of 20 minutes each; their wrinkles "
            "in photos from before, after and a month later, rated by three blinded reviewers."
        ),
        does_not_show=(
            "Every woman was treated: there was no control group, so a change from the season, "
            "skin care, or how the photos were taken cannot be told apart from the device's."
        ),
    ),
)

UNKNOWN: tuple[str, ...] = (
    "Whether home microcurrent devices change how a face looks, compared with people who do "
    "not use them: none of the studies most cited for them is such a trial.",
    "How long any change would last, and which settings (current, program, minutes), if any, "
    "matter.",
    "Results, if any, would need regular use; facecoach helps with the habit, not the result.",
)


def evidence_text() -> str:
    """The whole page as plain text, for the terminal and the app alike."""
    parts = [EVIDENCE_INTRO]
    for number, study in enumerate(STUDIES, start=1):
        parts.append(
            f"{number}. {study.claim}\n"
            f"   Measured: {study.measured}\n"
            f"   Does not show: {study.does_not_show}\n"
            f"   Source: {study.citation} {study.link}"
        )
    parts.append("Not known:\n" + "\n".join(f"  - {line}" for line in UNKNOWN))
    return "\n\n".join(parts)
