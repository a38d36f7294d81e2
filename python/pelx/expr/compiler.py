"""Compiling a parsed expression for given operand types into a VM program.

Steps, one pass each:

1. typing and constant folding: every operation gets the loop NumPy would
   pick (``ufunc.resolve_dtypes``; Python scalars stay *weak* as in NEP 50,
   so ``2.0*a`` with a float32 ``a`` is float32); operations on constants
   only are computed right away (Python's arithmetic for literals, as the
   same NumPy code would, NumPy for functions);
2. rewriting ``x**k`` for small integer constants ``k`` into multiplies
   (square and multiply);
3. common-subexpression elimination: identical (operation, loop, inputs)
   become one value (hash-consing while building);
4. register allocation: inputs are iterator operands, constants live in the
   program, every other value gets a block-sized temporary that is reused as
   soon as its last reader has run; the final operation writes straight into
   the output operand;
5. emission of the instruction list for ``pelx._core.vm_program``.

The result (:class:`Program`) is immutable and safe to share between
threads.
"""
import operator

import numpy as np

from .. import _core
from .._reduce_rules import kernel_plan
from .bytes_eval import BytesLiteral

__all__ = ["compile_expression", "Program"]

#: Exponents up to this size are rewritten into multiplications
#: (at most 2*log2(64) = 12 multiplies); larger ones use power().
MAX_POW_REWRITE = 64

# register kinds of the VM (csrc/vm/vm.h)
_OPERAND, _CONST, _TEMP = _core.VM_OPERAND, _core.VM_CONST, _core.VM_TEMP

_PY_OPS = {
    "add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
    "true_divide": operator.truediv, "floor_divide": operator.floordiv,
    "remainder": operator.mod, "power": operator.pow,
    "negative": operator.neg, "positive": operator.pos,
    "invert": operator.invert, "bitwise_and": operator.and_,
    "bitwise_or": operator.or_, "bitwise_xor": operator.xor,
    "left_shift": operator.lshift, "right_shift": operator.rshift,
    "equal": operator.eq, "not_equal": operator.ne, "less": operator.lt,
    "less_equal": operator.le, "greater": operator.gt,
    "greater_equal": operator.ge,
}

_BOOL = np.dtype(bool)
_SUPPORTED_KINDS = "biufc"


def check_dtype(name, dtype):
    """TypeError unless `dtype` is a numeric dtype the VM handles."""
    if dtype.kind not in _SUPPORTED_KINDS or dtype.byteorder not in "=|":
        if dtype.kind in _SUPPORTED_KINDS:
            return  # non-native byte order: the iterator swaps in buffers
        raise TypeError(
            f"variable {name!r} has dtype {dtype}, which expressions do not "
            "support (bool, integer, floating and complex types only)")


class _Value:
    """One SSA value. kind: 'input' (name, dtype), 'const' (python or NumPy
    scalar; dtype None while it is a weak Python scalar), 'op'."""
    __slots__ = ("kind", "dtype", "name", "const", "op", "args", "sig", "id")

    def __init__(self, kind, dtype, **kw):
        self.kind, self.dtype = kind, dtype
        self.name = kw.get("name")
        self.const = kw.get("const")
        self.op = kw.get("op")
        self.args = kw.get("args", ())
        self.sig = kw.get("sig", ())
        self.id = None

    @property
    def weak(self):
        return self.kind == "const" and self.dtype is None


class _Builder:
    def __init__(self, types):
        self.types = types      # name -> np.dtype, or python type (weak)
        self.values = []
        self.memo = {}          # structural key -> _Value (CSE)

    def _add(self, key, value):
        found = self.memo.get(key)
        if found is not None:
            return found
        value.id = len(self.values)
        self.values.append(value)
        self.memo[key] = value
        return value

    # ---- leaves ----------------------------------------------------------
    def var(self, name, dtype=None):
        t = self.types[name]
        if dtype is None:
            if not isinstance(t, np.dtype):  # weak scalar variable
                return self._add(("weakvar", name),
                                 _Value("input", None, name=name))
            dtype = t
        return self._add(("input", name, dtype.str),
                         _Value("input", dtype, name=name))

    def const(self, value):
        # Python bools stay Python objects (folding follows Python:
        # True + True == 2) and count as the bool dtype next to arrays.
        if isinstance(value, np.generic):
            key = ("const", value.dtype.str, value.tobytes())
            return self._add(key, _Value("const", value.dtype, const=value))
        key = ("const", type(value).__name__, repr(value))
        return self._add(key, _Value("const", None, const=value))

    # ---- coercion --------------------------------------------------------
    def coerce(self, v, dtype):
        """v as a value of `dtype` (a cast where needed)."""
        if v.dtype == dtype and v.dtype is not None:
            return v
        if v.kind == "const":
            # NumPy's conversion of the scalar: OverflowError for Python
            # ints that do not fit, as np.add(int8_array, 300) raises.
            arr = np.array(v.const, dtype=dtype) if v.weak else \
                np.asarray(v.const).astype(dtype)
            return self.const(arr[()])
        if v.kind == "input":
            # the iterator casts this operand in its buffers
            return self.var(v.name, dtype)
        return self._add(("cast", v.id, dtype.str),
                         _Value("op", dtype, op="cast", args=(v,),
                                sig=(v.dtype, dtype)))

    def type_of(self, v):
        """dtype, or the Python type for weak values (resolve_dtypes)."""
        if v.dtype is not None:
            return v.dtype
        if v.kind == "input":
            return self.types[v.name]
        return _BOOL if type(v.const) is bool else type(v.const)

    def op(self, name, args, sig):
        args = tuple(self.coerce(a, t) for a, t in zip(args, sig))
        key = ("op", name, tuple(a.id for a in args),
               tuple(t.str for t in sig))
        return self._add(key, _Value("op", sig[-1], op=name, args=args,
                                     sig=tuple(sig)))


def _fold(name, consts, python_op):
    """Computes an operation on constants only."""
    if python_op and all(type(c) in (bool, int, float, complex)
                         for c in consts):
        if name in ("power", "left_shift") and all(type(c) is int
                                                   for c in consts):
            base, exp = consts
            if exp > 4096 or (name == "power" and
                              abs(base) > 1 and exp * base.bit_length() > 4096):
                raise OverflowError("integer constant too large in "
                                    "expression")
            if name == "power" and exp < 0:
                raise ValueError("Integers to negative integer powers are "
                                 "not allowed.")
        return _PY_OPS[name](*consts)  # Python semantics, stays weak
    if name == "where":
        return np.where(*consts)[()]
    if name in ("real", "imag"):
        return getattr(np, name)(consts[0])[()]
    if name == "complex":
        re, im = np.asarray(consts[0]), np.asarray(consts[1])
        rt = np.result_type(re, im, 0.0)
        ct = np.result_type(rt, np.complex64)
        return (re.astype(ct) + 1j * im.astype(ct)).astype(ct)[()]
    if name == "ones_like":
        return np.ones_like(consts[0])[()]
    return getattr(np, name)(*consts)


def _promotable(b, v):
    """What numpy.result_type takes for v: a weak constant's Python value,
    else its dtype (a value of its Python type for a weak variable)."""
    if v.weak:
        return v.const
    t = b.type_of(v)
    return t if isinstance(t, np.dtype) else t(0)


def _concrete_dtype(b, v):
    """v's dtype; for a weak scalar, NumPy's dtype for a value of its
    Python type."""
    t = b.type_of(v)
    return t if isinstance(t, np.dtype) else np.result_type(t(0))


def _lower(b, node):
    """Builds the SSA values for tree `node`; returns the result value."""
    tag = node[0]
    if tag == "var":
        return b.var(node[1])
    if tag == "const":
        if type(node[1]) is bytes:
            raise BytesLiteral  # run with NumPy (bytes_eval)
        return b.const(node[1])
    _, name, children = node
    if name == "copy":
        return _lower(b, children[0])
    args = [_lower(b, c) for c in children]
    if name == "round":
        # numexpr's round: integers (and bools) are already whole and keep
        # their dtype; floats and complex round half to even (np.rint)
        if _concrete_dtype(b, args[0]).kind in "biu":
            return args[0]
        name = "rint"
    if name == "contains":
        raise TypeError("contains() takes bytes: a haystack and a needle "
                        "(arrays of dtype S or bytes literals)")
    consts = all(a.kind == "const" for a in args)
    if consts:
        return b.const(_fold(name, [a.const for a in args],
                             python_op=name in _PY_OPS))
    if name == "power" and args[1].kind == "const":
        rewritten = _pow_rewrite(b, args[0], args[1])
        if rewritten is not None:
            return rewritten
    if name == "where":
        return _where(b, *args)
    if name in ("real", "imag"):
        return _part(b, name, args[0])
    if name == "complex":
        return _complex(b, *args)
    if name == "ones_like":
        x = args[0]
        t = _concrete_dtype(b, x)
        return _where(b, b.const(True), b.coerce(b.const(np.ones((), t)[()]),
                                                 t), x, dtype=t)
    ufunc = getattr(np, name)
    types = tuple(b.type_of(a) for a in args)
    sig = ufunc.resolve_dtypes(types + (None,))
    return b.op(name, args, sig)


def _where(b, cond, x, y, dtype=None):
    if dtype is None:
        dtype = np.result_type(_promotable(b, x), _promotable(b, y))
    return b.op("where", (b.coerce(cond, _BOOL), x, y),
                (_BOOL, dtype, dtype, dtype))


def _part(b, name, x):
    t = _concrete_dtype(b, x)
    if t.kind != "c":
        if name == "real":
            return b.coerce(x, t)
        return _where(b, b.const(False), x, b.const(0), dtype=t)
    pt = np.dtype(f"f{t.itemsize // 2}")
    return b.op(name, (x,), (t, pt))


def _complex(b, re, im):
    rt = np.result_type(_promotable(b, re), _promotable(b, im), 0.0)
    if rt.itemsize not in (4, 8) or rt.kind != "f":
        rt = np.dtype(np.float64) if rt.itemsize > 8 else np.dtype(np.float32)
    ct = np.result_type(rt, np.complex64)
    return b.op("complex", (re, im), (rt, rt, ct))


def _pow_rewrite(b, x, k):
    """x**k as multiplications for integer-valued constant k, or None."""
    kv = k.const
    if isinstance(kv, (bool, np.bool_)) or not isinstance(
            kv, (int, float, np.integer, np.floating)):
        return None
    if float(kv) != int(kv) or abs(int(kv)) > MAX_POW_REWRITE:
        return None
    sig = np.power.resolve_dtypes((b.type_of(x), b.type_of(k), None))
    out = sig[-1]
    n = int(kv)
    if out.kind not in "fc" and not (out.kind in "iu" and n >= 0):
        if out.kind in "iu" and n < 0:
            raise ValueError("Integers to negative integer powers are not "
                             "allowed.")
        return None
    if out != sig[0]:
        return None  # mixed loop (e.g. float ** complex): keep power()
    if out.kind == "c" and not isinstance(kv, (int, np.integer)):
        return None  # complex ** 2.0: NumPy's power loop, not z*z
    base = b.coerce(x, out)
    if n == 0:
        return _where(b, b.const(True), b.coerce(b.const(1), out), base,
                      dtype=out)
    m, result = abs(n), None
    while m:
        if m & 1:
            result = base if result is None else \
                b.op("multiply", (result, base), (out, out, out))
        m >>= 1
        if m:
            base = b.op("multiply", (base, base), (out, out, out))
    if n < 0:
        result = b.op("true_divide", (b.coerce(b.const(1), out), result),
                      (out, out, out))
    return result


class Program:
    """A compiled expression for one set of operand types.

    Attributes
    ----------
    inputs : tuple of (name, dtype or None)
        The iterator operands in order; dtype None marks a weak Python
        scalar variable whose dtype is given per call by ``weak_dtypes``.
    result_dtype : numpy.dtype
        dtype of the elementwise result (the accumulator for reductions).
    reduce : tuple or None
        (kind, axis) of the outermost reduction.
    reduce_kernel : tuple or None
        (kernel op, values dtype, accumulator dtype) of that reduction: the
        program writes its values, of the values dtype, into the operand
        after the inputs, and the reduction kernel reduces them.
    constant : numpy scalar or Python scalar or None
        The whole expression's value when it uses no variables.
    """
    __slots__ = ("inputs", "result_dtype", "reduce", "reduce_kernel",
                 "constant", "capsule", "ninstr", "ntemps", "source_dtype")

    def __setattr__(self, name, value):
        if hasattr(self, "capsule"):
            raise AttributeError("Program is immutable")
        object.__setattr__(self, name, value)


def compile_expression(tree, types):
    """Compile parsed `tree` for operand `types` (name -> dtype, or a Python
    scalar type for weak scalar variables). Returns a :class:`Program`."""
    b = _Builder(types)
    red = None
    if tree[0] == "reduce":
        _, kind, tree, axis = tree
        red = (kind, axis)
    result = _lower(b, tree)
    prog = object.__new__(Program)
    object.__setattr__(prog, "reduce", red)
    object.__setattr__(prog, "reduce_kernel", None)
    if result.kind == "const":
        object.__setattr__(prog, "constant", result.const)
        object.__setattr__(prog, "inputs", ())
        object.__setattr__(prog, "result_dtype", None)
        object.__setattr__(prog, "source_dtype", None)
        object.__setattr__(prog, "ninstr", 0)
        object.__setattr__(prog, "ntemps", 0)
        object.__setattr__(prog, "capsule", None)
        return prog
    if result.weak or result.dtype is None:
        # a lone weak scalar variable: the value's own NumPy dtype
        result = b.coerce(result, np.result_type(types[result.name](0)))
    source = result.dtype
    plan = None
    if red is not None:
        plan = kernel_plan(red[0], result.dtype)
        result = b.coerce(result, plan[1])
    if result.kind != "op":
        # the result is an operand or a constant: copy it through
        # where(True, x, x) into the output operand
        dt = result.dtype
        result = b.op("where", (b.const(True), result, result),
                      (_BOOL, dt, dt, dt))
    _emit(prog, b, result)
    object.__setattr__(prog, "reduce", red)
    object.__setattr__(prog, "reduce_kernel", plan)
    object.__setattr__(prog, "constant", None)
    object.__setattr__(prog, "source_dtype", source)
    return prog


def _emit(prog, b, result):
    # live values, in creation (= topological) order
    live = set()
    stack = [result]
    while stack:
        v = stack.pop()
        if v.id in live:
            continue
        live.add(v.id)
        stack.extend(v.args)
    order = [v for v in b.values if v.id in live]
    ops = [v for v in order if v.kind == "op"]
    last_use = {}
    for i, v in enumerate(ops):
        for a in v.args:
            last_use[a.id] = i

    regs, reg_of, inputs = [], {}, []
    consts = bytearray()
    for v in order:
        if v.kind == "input":
            reg_of[v.id] = len(regs)
            regs.append((_OPERAND, (v.dtype or np.dtype(np.float64)).num,
                         len(inputs)))
            inputs.append((v.name, v.dtype))
        elif v.kind == "const":
            reg_of[v.id] = len(regs)
            data = np.asarray(v.const, dtype=v.dtype).tobytes()
            regs.append((_CONST, v.dtype.num, len(consts)))
            consts += data + bytes(-len(data) % 16)  # 16-byte slots
    # the output operand: the result array, or a reduction's values
    out_reg = len(regs)
    regs.append((_OPERAND, result.dtype.num, len(inputs)))
    free = {}      # itemsize -> [temp register]
    ntemps = 0
    instrs = []
    for i, v in enumerate(ops):
        # registers whose last reader is this instruction can take its
        # output (exact aliasing is safe for elementwise loops)
        for a in v.args:
            if a.kind == "op" and last_use.get(a.id) == i and \
                    reg_of[a.id] not in free.get(a.dtype.itemsize, ()):
                free.setdefault(a.dtype.itemsize, []).append(reg_of[a.id])
        if v is result:
            reg = out_reg
        elif free.get(v.dtype.itemsize):
            reg = free[v.dtype.itemsize].pop()
        else:
            reg = len(regs)
            regs.append((_TEMP, v.dtype.num, 0))
            ntemps += 1
        reg_of[v.id] = reg
        regs[reg] = (regs[reg][0], v.dtype.num, regs[reg][2])
        instrs.append((v.op, tuple(t.num for t in v.sig),
                       tuple(reg_of[a.id] for a in v.args) + (reg,)))
    capsule = _core.vm_program(regs, instrs, bytes(consts), reg_of[result.id])
    object.__setattr__(prog, "inputs", tuple(inputs))
    object.__setattr__(prog, "result_dtype", result.dtype)
    object.__setattr__(prog, "ninstr", len(instrs))
    object.__setattr__(prog, "ntemps", ntemps)
    object.__setattr__(prog, "capsule", capsule)
