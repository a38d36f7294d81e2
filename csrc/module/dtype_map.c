/* dtype_map.c — see dtype_map.h. */
#include "module/numpy_api.h"
#include "module/bindings.h"


#include "module/dtype_map.h"

int pelx_pel_dtype_by_kind(const PyArray_Descr *d) {
    const int size = (int)PyDataType_ELSIZE(d);
    switch (d->kind) {
    case 'b': return PEL_BOOL;
    case 'i':
        return size == 1 ? PEL_INT8 : size == 2 ? PEL_INT16
             : size == 4 ? PEL_INT32 : size == 8 ? PEL_INT64 : -1;
    case 'u':
        return size == 1 ? PEL_UINT8 : size == 2 ? PEL_UINT16
             : size == 4 ? PEL_UINT32 : size == 8 ? PEL_UINT64 : -1;
    case 'f': return size == 4 ? PEL_FLOAT32 : size == 8 ? PEL_FLOAT64 : -1;
    case 'c':
        return size == 8 ? PEL_COMPLEX64 : size == 16 ? PEL_COMPLEX128 : -1;
    default: return -1;
    }
}

int pelx_pel_dtype(const PyArray_Descr *d) {
    if (d->type_num >= NPY_NTYPES_LEGACY || !PyArray_ISNBO(d->byteorder))
        return -1;
    return pelx_pel_dtype_by_kind(d);
}

int pelx_typenum(pel_dtype t) {
    static const int typenum[PEL_NDTYPES] = {
        [PEL_BOOL] = NPY_BOOL,       [PEL_INT8] = NPY_INT8,
        [PEL_UINT8] = NPY_UINT8,     [PEL_INT16] = NPY_INT16,
        [PEL_UINT16] = NPY_UINT16,   [PEL_INT32] = NPY_INT32,
        [PEL_UINT32] = NPY_UINT32,   [PEL_INT64] = NPY_INT64,
        [PEL_UINT64] = NPY_UINT64,   [PEL_FLOAT32] = NPY_FLOAT32,
        [PEL_FLOAT64] = NPY_FLOAT64, [PEL_COMPLEX64] = NPY_COMPLEX64,
        [PEL_COMPLEX128] = NPY_COMPLEX128,
    };
    return typenum[t];
}
