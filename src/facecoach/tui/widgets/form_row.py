"""A labelled control on one line, as the settings, the routine editor and its zones use."""

from textual.containers import Horizontal


class FormRow(Horizontal):
    """A label, its control and what follows it (a switch's state, a Try button), in columns
    that line up from row to row. A screen sets its own label width (`#editor-body >
    FormRow Label`): its rules name more than these do, so they win."""

    DEFAULT_CSS = """
    FormRow { height: auto; }
    FormRow Label { width: 28; padding: 1 1 0 0; }
    FormRow Input { width: 16; }
    FormRow Select { width: 1fr; max-width: 30; }  /* narrower where 30 does not fit */
    FormRow .switch-state { width: auto; padding: 1 1 0 1; }
    FormRow Button.try { margin: 1 0 0 1; min-width: 6; }
    """
