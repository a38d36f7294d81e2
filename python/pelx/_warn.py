"""Warnings attributed to the caller's line, not to pelx's.

Python shows a warning once per (location, message) under its default
filter, so a warning must carry the frame of the user's code that called
pelx: then each user line warns, as NumPy's warnings do.
"""
import sys
import warnings

__all__ = ["warn", "user_stacklevel"]


def user_stacklevel():
    """The stacklevel, for a warnings.warn call made by the caller of this
    function, of the first frame outside the pelx package."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != "pelx" and not name.startswith("pelx."):
            return level
        frame = frame.f_back
        level += 1
    return level


def warn(message, category=RuntimeWarning):
    """warnings.warn(message, category) at the first frame outside pelx."""
    warnings.warn(message, category, stacklevel=user_stacklevel() + 1)
