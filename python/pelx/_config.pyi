"""Type stubs for pelx.show_config."""
from typing import Any, Literal, overload

__all__ = ['show_config']

@overload
def show_config(return_dict: Literal[False] = ...) -> None: ...
@overload
def show_config(return_dict: Literal[True]) -> dict[str, dict[str, Any]]: ...
