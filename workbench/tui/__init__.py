"""The review TUI (Textual). Only this package imports Textual."""

import os

# Textual paints at most once per tick of a 1/FPS timer, and after a frame the
# next one may wait up to two ticks. At the default 60 a held key (terminal
# auto-repeat, a key every ~33 ms) often waits 17-33 ms for its frame; at 120
# the wait halves. Frames are only painted when something changed, so an idle
# screen costs nothing more. The user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
