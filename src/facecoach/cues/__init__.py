"""Cues: what the session says off the screen (a tone, a phrase, a notification) and when.

Pure: session events in, cues out, and the tones as sound data. Playing, speaking and notifying
are the channels' business (`facecoach.companion.cue_channels`).
"""
