/* The four benchmark functions, hand-written in HPy C (HPy 0.9.0).
 *
 * Built twice by setup_c.py with hpy.devel: as `hpy_peer` for the universal ABI (one .hpy0.so for
 * CPython, PyPy and GraalPy) and as `hpy_peer_cpy` for the CPython ABI (PEER_NAME selects the name).
 *
 * HPy 0.9.0 has no buffer *consumer* API (no HPyObject_GetBuffer): `bytes` is read in place with
 * HPyBytes_AsString; any other buffer is copied with `bytes(memoryview(obj))` in the universal build,
 * and read in place through the C API's PyObject_GetBuffer in the CPython-ABI build.
 */
#include <stdint.h>
#include "hpy.h"

#ifndef PEER_NAME
#define PEER_NAME hpy_peer
#endif

static HPy add_checked(HPyContext *ctx, long long a, long long b)
{
    long long sum;
    if (__builtin_add_overflow(a, b, &sum)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "add() result does not fit in int64");
        return HPy_NULL;
    }
    return HPyLong_FromInt64_t(ctx, sum);
}

static uint64_t sum_u8(const unsigned char *p, HPy_ssize_t n)
{
    uint64_t total = 0;
    for (HPy_ssize_t i = 0; i < n; i++)
        total += p[i];
    return total;
}

HPyDef_METH(noop, "noop", HPyFunc_NOARGS)
static HPy noop_impl(HPyContext *ctx, HPy self)
{
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(add, "add", HPyFunc_VARARGS)
static HPy add_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    long long a, b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "LL:add", &a, &b))
        return HPy_NULL;
    return add_checked(ctx, a, b);
}

HPyDef_METH(add_kw, "add_kw", HPyFunc_KEYWORDS)
static HPy add_kw_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs, HPy kwnames)
{
    static const char *names[] = {"a", "b", NULL};
    long long a, b;
    if (!HPyArg_ParseKeywords(ctx, NULL, args, nargs, kwnames, "LL:add_kw", names, &a, &b))
        return HPy_NULL;
    return add_checked(ctx, a, b);
}

HPyDef_METH(sum_bytes, "sum_bytes", HPyFunc_O)
static HPy sum_bytes_impl(HPyContext *ctx, HPy self, HPy obj)
{
    if (HPyBytes_Check(ctx, obj))
        return HPyLong_FromUInt64_t(ctx, sum_u8((const unsigned char *)HPyBytes_AsString(ctx, obj),
                                                HPyBytes_Size(ctx, obj)));
#ifdef HPY_ABI_CPYTHON
    PyObject *o = HPy_AsPyObject(ctx, obj);
    Py_buffer view;
    int failed = PyObject_GetBuffer(o, &view, PyBUF_SIMPLE);
    Py_DECREF(o);
    if (failed)
        return HPy_NULL;
    uint64_t total = sum_u8(view.buf, view.len);
    PyBuffer_Release(&view);
    return HPyLong_FromUInt64_t(ctx, total);
#else
    HPy mv = HPy_NULL, copy = HPy_NULL, result = HPy_NULL;
    HPy args = HPyTuple_Pack(ctx, 1, obj);
    if (HPy_IsNull(args))
        return HPy_NULL;
    mv = HPy_CallTupleDict(ctx, ctx->h_MemoryViewType, args, HPy_NULL);
    HPy_Close(ctx, args);
    if (HPy_IsNull(mv))
        return HPy_NULL;
    args = HPyTuple_Pack(ctx, 1, mv);
    if (!HPy_IsNull(args)) {
        copy = HPy_CallTupleDict(ctx, ctx->h_BytesType, args, HPy_NULL);
        HPy_Close(ctx, args);
    }
    if (!HPy_IsNull(copy)) {
        result = HPyLong_FromUInt64_t(ctx, sum_u8((const unsigned char *)HPyBytes_AsString(ctx, copy),
                                                  HPyBytes_Size(ctx, copy)));
        HPy_Close(ctx, copy);
    }
    HPy_Close(ctx, mv);
    return result;
#endif
}

static HPyDef *defines[] = {&noop, &add, &add_kw, &sum_bytes, NULL};

static HPyModuleDef moddef = {
    .doc = "Benchmark peer: hand-written HPy C",
    .defines = defines,
};

/* One more level of macro so that PEER_NAME is expanded before HPy_MODINIT pastes it. */
#define PEER_MODINIT(name, def) HPy_MODINIT(name, def)
PEER_MODINIT(PEER_NAME, moddef)
