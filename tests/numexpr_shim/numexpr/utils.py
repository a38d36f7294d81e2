"""``numexpr.utils``: pelx's public names, as numexpr.utils holds the
thread and VML functions."""
from numexpr import *  # noqa: F401,F403
from numexpr import __getattr__  # noqa: F401
