"""Random shapes, strides, dtypes and keywords (hypothesis): pelx equals
NumPy, value for value and in which exception it raises."""
import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import pelx
from test_ufuncs_helpers import assert_same, numpy_call, pelx_call

DTYPES = st.sampled_from(["?", "i1", "u2", "i4", "i8", "u8", "f4", "f8",
                          "c8", "c16"])
BINARY = st.sampled_from(["add", "subtract", "multiply", "maximum", "fmin",
                          "less", "equal", "logical_xor", "bitwise_or",
                          "floor_divide", "copysign"])


@st.composite
def strided(draw, dtype, shape):
    """An array of `shape`, possibly a reversed/strided view of a larger one."""
    step = draw(st.sampled_from([1, 2, -1, -3]))
    big = tuple(s * abs(step) for s in shape)
    base = draw(hnp.arrays(dtype, big, elements={"allow_nan": True}
                           if np.dtype(dtype).kind in "fc" else None))
    sl = tuple(slice(None, None, step) for _ in shape)
    view = base[sl]
    return view if draw(st.booleans()) else view.T.copy().T


@settings(max_examples=150, deadline=None)
@given(data=st.data(), name=BINARY, dt1=DTYPES, dt2=DTYPES,
       shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                max_side=5))
def test_binary_random(data, name, dt1, dt2, shapes):
    a = data.draw(strided(dt1, shapes.input_shapes[0]))
    b = data.draw(strided(dt2, shapes.input_shapes[1]))
    with np.errstate(all="ignore"):
        exp, _ = numpy_call(name, a, b)
        res, _ = pelx_call(name, a, b)
    assert_same(res, exp, "exact", name)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), dt=DTYPES, out_dt=DTYPES,
       casting=st.sampled_from(["no", "equiv", "safe", "same_kind",
                                "unsafe"]),
       shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=6),
       use_where=st.booleans())
def test_out_casting_where_random(data, dt, out_dt, casting, shape,
                                  use_where):
    a = data.draw(strided(dt, shape))
    kw = {"casting": casting}
    if use_where:
        kw["where"] = data.draw(hnp.arrays(np.bool_, shape))
    outs = [np.zeros(shape, out_dt) for _ in range(2)]
    with np.errstate(all="ignore"):
        exp, _ = numpy_call("negative", a, out=outs[0], **kw)
        res, _ = pelx_call("negative", a, out=outs[1], **kw)
    assert_same(res, exp)
    if not isinstance(exp, Exception):
        assert res is outs[1]
        assert_same(outs[1], outs[0])
