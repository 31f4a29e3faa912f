"""facecoach: a terminal companion for at-home microcurrent facial devices."""

__version__ = "0.1.0"
