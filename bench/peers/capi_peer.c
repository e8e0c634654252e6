/* The four benchmark functions, hand-written against CPython's C API (vectorcall-style
 * METH_FASTCALL, the buffer protocol). Builds for CPython and, through cpyext, for PyPy. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

static PyObject *add_checked(long long a, long long b)
{
    long long sum;
    if (__builtin_add_overflow(a, b, &sum)) {
        PyErr_SetString(PyExc_OverflowError, "add() result does not fit in int64");
        return NULL;
    }
    return PyLong_FromLongLong(sum);
}

static PyObject *noop(PyObject *self, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *add(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "add() takes exactly 2 arguments (%zd given)", nargs);
        return NULL;
    }
    long long a = PyLong_AsLongLong(args[0]);
    if (a == -1 && PyErr_Occurred())
        return NULL;
    long long b = PyLong_AsLongLong(args[1]);
    if (b == -1 && PyErr_Occurred())
        return NULL;
    return add_checked(a, b);
}

/* add_kw(a, b): each parameter by position or by keyword. */
static PyObject *add_kw(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    static const char *const names[2] = {"a", "b"};
    PyObject *slots[2] = {NULL, NULL};
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (nargs > 2) {
        PyErr_Format(PyExc_TypeError, "add_kw() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        slots[i] = args[i];
    for (Py_ssize_t k = 0; k < nkw; k++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, k);
        int j = 0;
        while (j < 2 && PyUnicode_CompareWithASCIIString(key, names[j]) != 0)
            j++;
        if (j == 2 || slots[j] != NULL) {
            PyErr_Format(PyExc_TypeError, "add_kw() got an unexpected or repeated argument '%U'", key);
            return NULL;
        }
        slots[j] = args[nargs + k];
    }
    if (slots[0] == NULL || slots[1] == NULL) {
        PyErr_SetString(PyExc_TypeError, "add_kw() missing a required argument");
        return NULL;
    }
    long long a = PyLong_AsLongLong(slots[0]);
    if (a == -1 && PyErr_Occurred())
        return NULL;
    long long b = PyLong_AsLongLong(slots[1]);
    if (b == -1 && PyErr_Occurred())
        return NULL;
    return add_checked(a, b);
}

static PyObject *sum_bytes(PyObject *self, PyObject *obj)
{
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    const unsigned char *p = view.buf;
    uint64_t total = 0;
    for (Py_ssize_t i = 0; i < view.len; i++)
        total += p[i];
    PyBuffer_Release(&view);
    return PyLong_FromUnsignedLongLong(total);
}

static PyMethodDef methods[] = {
    {"noop", noop, METH_NOARGS, NULL},
    {"add", (PyCFunction)(void (*)(void))add, METH_FASTCALL, NULL},
    {"add_kw", (PyCFunction)(void (*)(void))add_kw, METH_FASTCALL | METH_KEYWORDS, NULL},
    {"sum_bytes", sum_bytes, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "capi_peer", "Benchmark peer: hand-written C API", -1, methods,
};

PyMODINIT_FUNC PyInit_capi_peer(void)
{
    return PyModule_Create(&module);
}
