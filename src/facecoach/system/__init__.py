"""The operating system at the edge: one module per concern, each with one interface and an
implementation per OS, chosen in one place (bleak's backends are the model).

Nothing outside this package names a POSIX-only or Windows-only call (fcntl, termios,
os.O_NONBLOCK, SIGHUP, msvcrt, ...), and nothing here imports the rest of facecoach but
`facecoach.errors`: what the core needs from the OS, it asks for here.
"""
