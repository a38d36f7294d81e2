"""The dtypes pelx has loops for (elementwise and reductions), as error
messages and docstrings name them."""

#: The pel_dtype list of csrc/kernels/kernels.h, in NumPy's names.
SUPPORTED = ("bool, int8, int16, int32, int64, uint8, uint16, uint32, "
             "uint64, float32, float64, complex64, complex128")
