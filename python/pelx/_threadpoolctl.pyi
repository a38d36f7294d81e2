"""Type stubs for pelx's threadpoolctl controller."""
from typing import Any

__all__ = ['PelxController', 'registered']

registered: bool
PelxController: Any  # a threadpoolctl.LibController subclass, or None
