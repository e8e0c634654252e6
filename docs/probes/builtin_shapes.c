/* Probe: HPy 0.9 builtin shapes in universal mode. Each type T<shape> inherits its builtin base's
   tp_new; its struct { long tag; } is set by a method and read back; tp_destroy counts. */
#include "hpy.h"

static long destroyed = 0;

typedef struct { long tag; long check; } FObj;  HPyType_HELPERS(FObj, HPyType_BuiltinShape_Float)
typedef struct { long tag; long check; } UObj;  HPyType_HELPERS(UObj, HPyType_BuiltinShape_Unicode)
typedef struct { long tag; long check; } LObj;  HPyType_HELPERS(LObj, HPyType_BuiltinShape_List)
typedef struct { long tag; long check; } IObj;  HPyType_HELPERS(IObj, HPyType_BuiltinShape_Long)
typedef struct { long tag; long check; } TObj;  HPyType_HELPERS(TObj, HPyType_BuiltinShape_Tuple)

#define SHAPE_TYPE(P, S)                                                              \
HPyDef_METH(P##_settag, "settag", HPyFunc_O)                                          \
static HPy P##_settag_impl(HPyContext *ctx, HPy self, HPy arg) {                      \
    P##Obj *o = P##Obj_AsStruct(ctx, self);                                           \
    o->tag = HPyLong_AsLong(ctx, arg); o->check = 0x5a5a5a5a;                         \
    return HPy_Dup(ctx, ctx->h_None);                                                 \
}                                                                                     \
HPyDef_METH(P##_gettag, "gettag", HPyFunc_NOARGS)                                     \
static HPy P##_gettag_impl(HPyContext *ctx, HPy self) {                               \
    P##Obj *o = P##Obj_AsStruct(ctx, self);                                           \
    HPy items[2] = { HPyLong_FromLong(ctx, o->tag), HPyLong_FromLong(ctx, o->check) }; \
    HPy r = HPyTuple_FromArray(ctx, items, 2);                                        \
    HPy_Close(ctx, items[0]); HPy_Close(ctx, items[1]); return r;                    \
}                                                                                     \
HPyDef_SLOT(P##_destroy, HPy_tp_destroy)                                              \
static void P##_destroy_impl(void *data) { destroyed++; }                             \
static HPyDef *P##_defines[] = { &P##_settag, &P##_gettag, &P##_destroy, NULL };      \
static HPyType_Spec P##_spec = { .name = "shapes." #P, .basicsize = sizeof(P##Obj),   \
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_BASETYPE, .builtin_shape = S,          \
    .defines = P##_defines };

SHAPE_TYPE(F, HPyType_BuiltinShape_Float)
SHAPE_TYPE(U, HPyType_BuiltinShape_Unicode)
SHAPE_TYPE(L, HPyType_BuiltinShape_List)
SHAPE_TYPE(I, HPyType_BuiltinShape_Long)
SHAPE_TYPE(T, HPyType_BuiltinShape_Tuple)

HPyDef_METH(ndestroyed, "ndestroyed", HPyFunc_NOARGS)
static HPy ndestroyed_impl(HPyContext *ctx, HPy self) { return HPyLong_FromLong(ctx, destroyed); }

static int add(HPyContext *ctx, HPy m, HPyType_Spec *spec, HPy base, const char *name) {
    HPyType_SpecParam params[] = { { HPyType_SpecParam_Base, base }, { (HPyType_SpecParam_Kind)0 } };
    HPy t = HPyType_FromSpec(ctx, spec, params);
    if (HPy_IsNull(t)) return -1;
    int r = HPy_SetAttr_s(ctx, m, name, t);
    HPy_Close(ctx, t);
    return r;
}

HPyDef_SLOT(exec, HPy_mod_exec)
static int exec_impl(HPyContext *ctx, HPy m) {
    if (add(ctx, m, &F_spec, ctx->h_FloatType, "F") < 0) return -1;
    if (add(ctx, m, &U_spec, ctx->h_UnicodeType, "U") < 0) return -1;
    if (add(ctx, m, &L_spec, ctx->h_ListType, "L") < 0) return -1;
    if (add(ctx, m, &I_spec, ctx->h_LongType, "I") < 0) return -1;
    if (add(ctx, m, &T_spec, ctx->h_TupleType, "T") < 0) return -1;
    return 0;
}

static HPyDef *mod_defines[] = { &ndestroyed, &exec, NULL };
static HPyModuleDef moddef = { .defines = mod_defines };
HPy_MODINIT(shapes, moddef)
