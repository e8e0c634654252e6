/* GraalPy 24.2's HPy runtime keeps a Java object for every instance of an HPy type it ever made
 * (see ../memory.md). `P()` makes an instance with a struct; `ndestroyed()` counts the calls of
 * its tp_destroy. Build: a setup.py with hpy_ext_modules=[Extension("handle_refs",
 * ["graalpy_handle_refs.c"])], `python setup.py --hpy-abi=universal build_ext --inplace`; run
 * graalpy_handle_refs.py with GraalPy. */
#include "hpy.h"

typedef struct {
    long x;
} PObject;

HPyType_HELPERS(PObject)

static long ndestroyed = 0;

HPyDef_SLOT(P_new, HPy_tp_new)
static HPy P_new_impl(HPyContext *ctx, HPy cls, const HPy *args, HPy_ssize_t nargs, HPy kw)
{
    PObject *p;
    HPy h = HPy_New(ctx, cls, &p);
    if (HPy_IsNull(h))
        return HPy_NULL;
    p->x = nargs;
    return h;
}

HPyDef_SLOT(P_destroy, HPy_tp_destroy)
static void P_destroy_impl(void *obj)
{
    ndestroyed++;
}

static HPyDef *P_defines[] = {&P_new, &P_destroy, NULL};
static HPyType_Spec P_spec = {
    .name = "handle_refs.P",
    .basicsize = sizeof(PObject),
    .builtin_shape = SHAPE(PObject),
    .defines = P_defines,
};

HPyDef_METH(nd, "ndestroyed", HPyFunc_NOARGS)
static HPy nd_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromLong(ctx, ndestroyed);
}

HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy m)
{
    return HPyHelpers_AddType(ctx, m, "P", &P_spec, NULL) ? 0 : -1;
}

static HPyDef *module_defines[] = {&nd, &mod_exec, NULL};
static HPyModuleDef moddef = {.defines = module_defines};
HPy_MODINIT(handle_refs, moddef)
