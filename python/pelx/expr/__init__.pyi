"""Type stubs for pelx.expr (numexpr-compatible evaluate)."""
from typing import Any, Literal, Mapping

from numpy.typing import NDArray

__all__ = ['evaluate', 'validate', 're_evaluate', 'NumExpr', 'ExpressionError']

class ExpressionError(SyntaxError, ValueError): ...

_Casting = Literal["no", "equiv", "safe", "same_kind", "unsafe"]
_Order = Literal["K", "A", "C", "F"]

_Optimization = Literal["none", "moderate", "aggressive"]
_TrueDiv = bool | Literal["auto"]

def evaluate(ex: str, local_dict: Mapping[str, Any] | None = ...,
             global_dict: Mapping[str, Any] | None = ..., out: NDArray[Any] | None = ...,
             order: _Order = ..., casting: _Casting = ..., sanitize: bool | None = ...,
             _frame_depth: int = ..., disable_cache: bool = ..., *,
             optimization: _Optimization = ..., truediv: _TrueDiv = ...,
             **kwargs: Any) -> Any: ...
def validate(ex: str, local_dict: Mapping[str, Any] | None = ...,
             global_dict: Mapping[str, Any] | None = ..., out: NDArray[Any] | None = ...,
             order: _Order = ..., casting: _Casting = ..., _frame_depth: int = ...,
             sanitize: bool | None = ..., *, optimization: _Optimization = ...,
             truediv: _TrueDiv = ..., **kwargs: Any) -> Exception | None: ...
def re_evaluate(local_dict: Mapping[str, Any] | None = ...,
                global_dict: Mapping[str, Any] | None = ..., _frame_depth: int = ...) -> Any: ...

class NumExpr:
    ex: str
    input_names: tuple[str, ...]
    def __init__(self, ex: str, signature: Any = ..., sanitize: bool = ..., *,
                 optimization: _Optimization = ..., truediv: _TrueDiv = ...,
                 **kwargs: Any) -> None: ...
    def __call__(self, *args: Any, out: NDArray[Any] | None = ..., order: _Order = ...,
                 casting: _Casting = ..., **kwargs: Any) -> Any: ...
    def run(self, *args: Any, out: NDArray[Any] | None = ..., order: _Order = ...,
            casting: _Casting = ..., **kwargs: Any) -> Any: ...
