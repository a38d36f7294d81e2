"""Type stubs for pelx.expr (numexpr-compatible evaluate)."""
from typing import Any, Literal, Mapping

from numpy.typing import NDArray

__all__ = ['evaluate', 're_evaluate', 'NumExpr']

_Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]
_Order = Literal["K", "A", "C", "F"]

def evaluate(ex: str, local_dict: Mapping[str, Any] | None = ...,
             global_dict: Mapping[str, Any] | None = ..., out: NDArray[Any] | None = ...,
             order: _Order = ..., casting: _Casting = ..., _frame_depth: int = ...) -> Any: ...
def re_evaluate(local_dict: Mapping[str, Any] | None = ...,
                global_dict: Mapping[str, Any] | None = ..., _frame_depth: int = ...) -> Any: ...

class NumExpr:
    ex: str
    input_names: tuple[str, ...]
    def __init__(self, ex: str, signature: Any = ...) -> None: ...
    def __call__(self, *args: Any, out: NDArray[Any] | None = ..., order: _Order = ...,
                 casting: _Casting = ..., **kwargs: Any) -> Any: ...
