"""Type stubs for pelx.map (user C kernels)."""
from typing import Any, Callable, Literal

from numpy.typing import ArrayLike, DTypeLike, NDArray

__all__ = ['map']

MAX_SCALAR_ARGS: int
ACCEPTED: str
HOW_TO_COMPILE: str

def map(kernel: Any, *arrays: ArrayLike, out: NDArray[Any] | None = ...,
        dtype: DTypeLike | None = ...,
        casting: Literal["no", "equiv", "safe", "same_kind", "unsafe"] = ...,
        progress: bool | Callable[[int, int], object] = ...) -> Any: ...
