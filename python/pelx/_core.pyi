"""Type stub for the C extension pelx._core (internal: use the pelx API)."""
from typing import Any


def __getattr__(name: str) -> Any: ...
