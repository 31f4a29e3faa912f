"""Cue channels: the ways a cue reaches a user who is looking into a mirror (tones, a voice,
the terminal, the desktop, a command of their own), each behind one small interface, run by one
dispatcher so that a slow or broken channel never holds up the session or another channel."""
