//! The inline API of `hpy.h`, universal ABI: each function calls through the context.
//!
//! bindgen emits none of these (`static inline` in C). The table below lists every one of them as
//! `kind Name = ctx_member(params) -> ret;`. `kind` says how the member is reached:
//! * `fixed`: at its HPy 0.9.0 offset, identical on every interpreter;
//! * `shifted`: one of the 19 members that PyPy 3.11 moved, read through [`crate::layout`];
//! * `null`: like `fixed`, but the C wrapper returns `HPy_NULL` after a `void` call.
//!
//! Each argument's type is checked by the compiler against the bindgen-generated `HPyContext`
//! member, so a mismatch with the installed headers fails to build.
use crate::*;
use core::ffi::{c_char, c_int, c_long, c_void};

macro_rules! member {
    (fixed, $ctx:ident, $m:ident) => {
        // SAFETY: the caller passes a live context; the member is at its 0.9.0 offset.
        unsafe { (*$ctx).$m }
    };
    (shifted, $ctx:ident, $m:ident) => {
        // SAFETY: `layout::shifted` returns a view whose `$m` lies at the member's real offset.
        unsafe { (*crate::layout::shifted($ctx)).$m }
    };
}

#[cold]
#[inline(never)]
fn missing(name: &str) -> ! {
    panic!("this interpreter's HPy context has no `{name}`")
}

macro_rules! api {
    ($( $kind:ident $name:ident = $m:ident ( $($a:ident : $t:ty),* ) $(-> $r:ty)? ; )*) => {$(
        api!(@one $kind $name = $m ( $($a : $t),* ) $(-> $r)?);
    )*};
    (@one null $name:ident = $m:ident ( $($a:ident : $t:ty),* )) => {
        #[doc = concat!("`", stringify!($name), "`: calls `ctx->", stringify!($m), "`, returns `HPy_NULL`.")]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext, $($a: $t),*) -> HPy {
            match member!(fixed, ctx, $m) {
                // SAFETY: the caller's contract: a live context and valid arguments for `$m`.
                Some(f) => unsafe { f(ctx, $($a),*) },
                None => missing(stringify!($m)),
            }
            HPy_NULL
        }
    };
    (@one $kind:ident $name:ident = $m:ident ( $($a:ident : $t:ty),* ) $(-> $r:ty)?) => {
        #[doc = concat!("`", stringify!($name), "`: calls `ctx->", stringify!($m), "`.")]
        #[inline(always)]
        pub unsafe fn $name(ctx: *mut HPyContext, $($a: $t),*) $(-> $r)? {
            match member!($kind, ctx, $m) {
                // SAFETY: the caller's contract: a live context and valid arguments for `$m`.
                Some(f) => unsafe { f(ctx, $($a),*) },
                None => missing(stringify!($m)),
            }
        }
    };
}

api! {
    fixed HPy_Dup = ctx_Dup(h: HPy) -> HPy;
    fixed HPy_Close = ctx_Close(h: HPy);
    fixed HPyLong_FromInt32_t = ctx_Long_FromInt32_t(value: i32) -> HPy;
    fixed HPyLong_FromUInt32_t = ctx_Long_FromUInt32_t(value: u32) -> HPy;
    fixed HPyLong_FromInt64_t = ctx_Long_FromInt64_t(v: i64) -> HPy;
    fixed HPyLong_FromUInt64_t = ctx_Long_FromUInt64_t(v: u64) -> HPy;
    fixed HPyLong_FromSize_t = ctx_Long_FromSize_t(value: usize) -> HPy;
    fixed HPyLong_FromSsize_t = ctx_Long_FromSsize_t(value: HPy_ssize_t) -> HPy;
    fixed HPyLong_AsInt32_t = ctx_Long_AsInt32_t(h: HPy) -> i32;
    fixed HPyLong_AsUInt32_t = ctx_Long_AsUInt32_t(h: HPy) -> u32;
    fixed HPyLong_AsUInt32_tMask = ctx_Long_AsUInt32_tMask(h: HPy) -> u32;
    fixed HPyLong_AsInt64_t = ctx_Long_AsInt64_t(h: HPy) -> i64;
    fixed HPyLong_AsUInt64_t = ctx_Long_AsUInt64_t(h: HPy) -> u64;
    fixed HPyLong_AsUInt64_tMask = ctx_Long_AsUInt64_tMask(h: HPy) -> u64;
    fixed HPyLong_AsSize_t = ctx_Long_AsSize_t(h: HPy) -> usize;
    fixed HPyLong_AsSsize_t = ctx_Long_AsSsize_t(h: HPy) -> HPy_ssize_t;
    fixed HPyLong_AsVoidPtr = ctx_Long_AsVoidPtr(h: HPy) -> *mut c_void;
    fixed HPyLong_AsDouble = ctx_Long_AsDouble(h: HPy) -> f64;
    fixed HPyFloat_FromDouble = ctx_Float_FromDouble(v: f64) -> HPy;
    fixed HPyFloat_AsDouble = ctx_Float_AsDouble(h: HPy) -> f64;
    fixed HPyBool_FromBool = ctx_Bool_FromBool(v: bool) -> HPy;
    fixed HPy_Length = ctx_Length(h: HPy) -> HPy_ssize_t;
    fixed HPyNumber_Check = ctx_Number_Check(h: HPy) -> c_int;
    fixed HPy_Add = ctx_Add(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Subtract = ctx_Subtract(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Multiply = ctx_Multiply(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_MatrixMultiply = ctx_MatrixMultiply(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_FloorDivide = ctx_FloorDivide(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_TrueDivide = ctx_TrueDivide(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Remainder = ctx_Remainder(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Divmod = ctx_Divmod(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Power = ctx_Power(h1: HPy, h2: HPy, h3: HPy) -> HPy;
    fixed HPy_Negative = ctx_Negative(h1: HPy) -> HPy;
    fixed HPy_Positive = ctx_Positive(h1: HPy) -> HPy;
    fixed HPy_Absolute = ctx_Absolute(h1: HPy) -> HPy;
    fixed HPy_Invert = ctx_Invert(h1: HPy) -> HPy;
    fixed HPy_Lshift = ctx_Lshift(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Rshift = ctx_Rshift(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_And = ctx_And(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Xor = ctx_Xor(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Or = ctx_Or(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_Index = ctx_Index(h1: HPy) -> HPy;
    fixed HPy_Long = ctx_Long(h1: HPy) -> HPy;
    fixed HPy_Float = ctx_Float(h1: HPy) -> HPy;
    fixed HPy_InPlaceAdd = ctx_InPlaceAdd(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceSubtract = ctx_InPlaceSubtract(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceMultiply = ctx_InPlaceMultiply(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceMatrixMultiply = ctx_InPlaceMatrixMultiply(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceFloorDivide = ctx_InPlaceFloorDivide(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceTrueDivide = ctx_InPlaceTrueDivide(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceRemainder = ctx_InPlaceRemainder(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlacePower = ctx_InPlacePower(h1: HPy, h2: HPy, h3: HPy) -> HPy;
    fixed HPy_InPlaceLshift = ctx_InPlaceLshift(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceRshift = ctx_InPlaceRshift(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceAnd = ctx_InPlaceAnd(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceXor = ctx_InPlaceXor(h1: HPy, h2: HPy) -> HPy;
    fixed HPy_InPlaceOr = ctx_InPlaceOr(h1: HPy, h2: HPy) -> HPy;
    fixed HPyCallable_Check = ctx_Callable_Check(h: HPy) -> c_int;
    fixed HPy_CallTupleDict = ctx_CallTupleDict(callable: HPy, args: HPy, kw: HPy) -> HPy;
    shifted HPy_Call = ctx_Call(callable: HPy, args: *const HPy, nargs: usize, kwnames: HPy) -> HPy;
    shifted HPy_CallMethod = ctx_CallMethod(name: HPy, args: *const HPy, nargs: usize, kwnames: HPy) -> HPy;
    null HPyErr_SetString = ctx_Err_SetString(h_type: HPy, utf8_message: *const c_char);
    null HPyErr_SetObject = ctx_Err_SetObject(h_type: HPy, h_value: HPy);
    fixed HPyErr_SetFromErrnoWithFilename = ctx_Err_SetFromErrnoWithFilename(h_type: HPy, filename_fsencoded: *const c_char) -> HPy;
    null HPyErr_SetFromErrnoWithFilenameObjects = ctx_Err_SetFromErrnoWithFilenameObjects(h_type: HPy, filename1: HPy, filename2: HPy);
    fixed HPyErr_Occurred = ctx_Err_Occurred() -> c_int;
    fixed HPyErr_ExceptionMatches = ctx_Err_ExceptionMatches(exc: HPy) -> c_int;
    null HPyErr_NoMemory = ctx_Err_NoMemory();
    fixed HPyErr_Clear = ctx_Err_Clear();
    fixed HPyErr_NewException = ctx_Err_NewException(utf8_name: *const c_char, base: HPy, dict: HPy) -> HPy;
    fixed HPyErr_NewExceptionWithDoc = ctx_Err_NewExceptionWithDoc(utf8_name: *const c_char, utf8_doc: *const c_char, base: HPy, dict: HPy) -> HPy;
    fixed HPyErr_WarnEx = ctx_Err_WarnEx(category: HPy, utf8_message: *const c_char, stack_level: HPy_ssize_t) -> c_int;
    fixed HPyErr_WriteUnraisable = ctx_Err_WriteUnraisable(obj: HPy);
    fixed HPy_IsTrue = ctx_IsTrue(h: HPy) -> c_int;
    fixed HPyType_FromSpec = ctx_Type_FromSpec(spec: *mut HPyType_Spec, params: *mut HPyType_SpecParam) -> HPy;
    fixed HPyType_GenericNew = ctx_Type_GenericNew(type_: HPy, args: *const HPy, nargs: HPy_ssize_t, kw: HPy) -> HPy;
    fixed HPy_GetAttr = ctx_GetAttr(obj: HPy, name: HPy) -> HPy;
    fixed HPy_GetAttr_s = ctx_GetAttr_s(obj: HPy, utf8_name: *const c_char) -> HPy;
    fixed HPy_HasAttr = ctx_HasAttr(obj: HPy, name: HPy) -> c_int;
    fixed HPy_HasAttr_s = ctx_HasAttr_s(obj: HPy, utf8_name: *const c_char) -> c_int;
    fixed HPy_SetAttr = ctx_SetAttr(obj: HPy, name: HPy, value: HPy) -> c_int;
    fixed HPy_SetAttr_s = ctx_SetAttr_s(obj: HPy, utf8_name: *const c_char, value: HPy) -> c_int;
    fixed HPy_GetItem = ctx_GetItem(obj: HPy, key: HPy) -> HPy;
    fixed HPy_GetItem_i = ctx_GetItem_i(obj: HPy, idx: HPy_ssize_t) -> HPy;
    fixed HPy_GetItem_s = ctx_GetItem_s(obj: HPy, utf8_key: *const c_char) -> HPy;
    fixed HPy_Contains = ctx_Contains(container: HPy, key: HPy) -> c_int;
    fixed HPy_SetItem = ctx_SetItem(obj: HPy, key: HPy, value: HPy) -> c_int;
    fixed HPy_SetItem_i = ctx_SetItem_i(obj: HPy, idx: HPy_ssize_t, value: HPy) -> c_int;
    fixed HPy_SetItem_s = ctx_SetItem_s(obj: HPy, utf8_key: *const c_char, value: HPy) -> c_int;
    fixed HPy_DelItem = ctx_DelItem(obj: HPy, key: HPy) -> c_int;
    fixed HPy_DelItem_i = ctx_DelItem_i(obj: HPy, idx: HPy_ssize_t) -> c_int;
    fixed HPy_DelItem_s = ctx_DelItem_s(obj: HPy, utf8_key: *const c_char) -> c_int;
    fixed HPy_Type = ctx_Type(obj: HPy) -> HPy;
    fixed HPy_TypeCheck = ctx_TypeCheck(obj: HPy, type_: HPy) -> c_int;
    shifted HPyType_GetName = ctx_Type_GetName(type_: HPy) -> *const c_char;
    shifted HPyType_IsSubtype = ctx_Type_IsSubtype(sub: HPy, type_: HPy) -> c_int;
    fixed HPy_Is = ctx_Is(obj: HPy, other: HPy) -> c_int;
    fixed _HPy_AsStruct_Object = ctx_AsStruct_Object(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Legacy = ctx_AsStruct_Legacy(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Type = ctx_AsStruct_Type(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Long = ctx_AsStruct_Long(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Float = ctx_AsStruct_Float(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Unicode = ctx_AsStruct_Unicode(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_Tuple = ctx_AsStruct_Tuple(h: HPy) -> *mut c_void;
    fixed _HPy_AsStruct_List = ctx_AsStruct_List(h: HPy) -> *mut c_void;
    fixed _HPyType_GetBuiltinShape = ctx_Type_GetBuiltinShape(h_type: HPy) -> HPyType_BuiltinShape;
    fixed HPy_Repr = ctx_Repr(obj: HPy) -> HPy;
    fixed HPy_Str = ctx_Str(obj: HPy) -> HPy;
    fixed HPy_ASCII = ctx_ASCII(obj: HPy) -> HPy;
    fixed HPy_Bytes = ctx_Bytes(obj: HPy) -> HPy;
    fixed HPy_RichCompare = ctx_RichCompare(v: HPy, w: HPy, op: c_int) -> HPy;
    fixed HPy_RichCompareBool = ctx_RichCompareBool(v: HPy, w: HPy, op: c_int) -> c_int;
    fixed HPy_Hash = ctx_Hash(obj: HPy) -> HPy_hash_t;
    fixed HPyBytes_Check = ctx_Bytes_Check(h: HPy) -> c_int;
    fixed HPyBytes_Size = ctx_Bytes_Size(h: HPy) -> HPy_ssize_t;
    fixed HPyBytes_GET_SIZE = ctx_Bytes_GET_SIZE(h: HPy) -> HPy_ssize_t;
    fixed HPyBytes_AsString = ctx_Bytes_AsString(h: HPy) -> *const c_char;
    fixed HPyBytes_AS_STRING = ctx_Bytes_AS_STRING(h: HPy) -> *const c_char;
    fixed HPyBytes_FromString = ctx_Bytes_FromString(bytes: *const c_char) -> HPy;
    fixed HPyBytes_FromStringAndSize = ctx_Bytes_FromStringAndSize(bytes: *const c_char, len: HPy_ssize_t) -> HPy;
    fixed HPyUnicode_FromString = ctx_Unicode_FromString(utf8: *const c_char) -> HPy;
    fixed HPyUnicode_Check = ctx_Unicode_Check(h: HPy) -> c_int;
    fixed HPyUnicode_AsASCIIString = ctx_Unicode_AsASCIIString(h: HPy) -> HPy;
    fixed HPyUnicode_AsLatin1String = ctx_Unicode_AsLatin1String(h: HPy) -> HPy;
    fixed HPyUnicode_AsUTF8String = ctx_Unicode_AsUTF8String(h: HPy) -> HPy;
    fixed HPyUnicode_AsUTF8AndSize = ctx_Unicode_AsUTF8AndSize(h: HPy, size: *mut HPy_ssize_t) -> *const c_char;
    fixed HPyUnicode_FromWideChar = ctx_Unicode_FromWideChar(w: *const wchar_t, size: HPy_ssize_t) -> HPy;
    fixed HPyUnicode_DecodeFSDefault = ctx_Unicode_DecodeFSDefault(v: *const c_char) -> HPy;
    fixed HPyUnicode_DecodeFSDefaultAndSize = ctx_Unicode_DecodeFSDefaultAndSize(v: *const c_char, size: HPy_ssize_t) -> HPy;
    fixed HPyUnicode_EncodeFSDefault = ctx_Unicode_EncodeFSDefault(h: HPy) -> HPy;
    fixed HPyUnicode_ReadChar = ctx_Unicode_ReadChar(h: HPy, index: HPy_ssize_t) -> HPy_UCS4;
    fixed HPyUnicode_DecodeASCII = ctx_Unicode_DecodeASCII(ascii: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy;
    fixed HPyUnicode_DecodeLatin1 = ctx_Unicode_DecodeLatin1(latin1: *const c_char, size: HPy_ssize_t, errors: *const c_char) -> HPy;
    shifted HPyUnicode_FromEncodedObject = ctx_Unicode_FromEncodedObject(obj: HPy, encoding: *const c_char, errors: *const c_char) -> HPy;
    shifted HPyUnicode_Substring = ctx_Unicode_Substring(str: HPy, start: HPy_ssize_t, end: HPy_ssize_t) -> HPy;
    fixed HPyList_Check = ctx_List_Check(h: HPy) -> c_int;
    fixed HPyList_New = ctx_List_New(len: HPy_ssize_t) -> HPy;
    fixed HPyList_Append = ctx_List_Append(h_list: HPy, h_item: HPy) -> c_int;
    fixed HPyDict_Check = ctx_Dict_Check(h: HPy) -> c_int;
    fixed HPyDict_New = ctx_Dict_New() -> HPy;
    shifted HPyDict_Keys = ctx_Dict_Keys(h: HPy) -> HPy;
    shifted HPyDict_Copy = ctx_Dict_Copy(h: HPy) -> HPy;
    fixed HPyTuple_Check = ctx_Tuple_Check(h: HPy) -> c_int;
    fixed HPyTuple_FromArray = ctx_Tuple_FromArray(items: *mut HPy, n: HPy_ssize_t) -> HPy;
    shifted HPySlice_Unpack = ctx_Slice_Unpack(slice: HPy, start: *mut HPy_ssize_t, stop: *mut HPy_ssize_t, step: *mut HPy_ssize_t) -> c_int;
    fixed HPyImport_ImportModule = ctx_Import_ImportModule(utf8_name: *const c_char) -> HPy;
    shifted HPyCapsule_New = ctx_Capsule_New(pointer: *mut c_void, utf8_name: *const c_char, destructor: *mut HPyCapsule_Destructor) -> HPy;
    shifted HPyCapsule_Get = ctx_Capsule_Get(capsule: HPy, key: _HPyCapsule_key, utf8_name: *const c_char) -> *mut c_void;
    shifted HPyCapsule_IsValid = ctx_Capsule_IsValid(capsule: HPy, utf8_name: *const c_char) -> c_int;
    shifted HPyCapsule_Set = ctx_Capsule_Set(capsule: HPy, key: _HPyCapsule_key, value: *mut c_void) -> c_int;
    fixed HPy_FromPyObject = ctx_FromPyObject(obj: *mut cpy_PyObject) -> HPy;
    fixed HPy_AsPyObject = ctx_AsPyObject(h: HPy) -> *mut cpy_PyObject;
    fixed _HPy_CallRealFunctionFromTrampoline = ctx_CallRealFunctionFromTrampoline(sig: HPyFunc_Signature, func: HPyCFunction, args: *mut c_void);
    fixed HPyListBuilder_New = ctx_ListBuilder_New(size: HPy_ssize_t) -> HPyListBuilder;
    fixed HPyListBuilder_Set = ctx_ListBuilder_Set(builder: HPyListBuilder, index: HPy_ssize_t, h_item: HPy);
    fixed HPyListBuilder_Build = ctx_ListBuilder_Build(builder: HPyListBuilder) -> HPy;
    fixed HPyListBuilder_Cancel = ctx_ListBuilder_Cancel(builder: HPyListBuilder);
    fixed HPyTupleBuilder_New = ctx_TupleBuilder_New(size: HPy_ssize_t) -> HPyTupleBuilder;
    fixed HPyTupleBuilder_Set = ctx_TupleBuilder_Set(builder: HPyTupleBuilder, index: HPy_ssize_t, h_item: HPy);
    fixed HPyTupleBuilder_Build = ctx_TupleBuilder_Build(builder: HPyTupleBuilder) -> HPy;
    fixed HPyTupleBuilder_Cancel = ctx_TupleBuilder_Cancel(builder: HPyTupleBuilder);
    fixed HPyTracker_New = ctx_Tracker_New(size: HPy_ssize_t) -> HPyTracker;
    fixed HPyTracker_Add = ctx_Tracker_Add(ht: HPyTracker, h: HPy) -> c_int;
    fixed HPyTracker_ForgetAll = ctx_Tracker_ForgetAll(ht: HPyTracker);
    fixed HPyTracker_Close = ctx_Tracker_Close(ht: HPyTracker);
    fixed HPyField_Store = ctx_Field_Store(target_object: HPy, target_field: *mut HPyField, h: HPy);
    fixed HPyField_Load = ctx_Field_Load(source_object: HPy, source_field: HPyField) -> HPy;
    fixed HPy_ReenterPythonExecution = ctx_ReenterPythonExecution(state: HPyThreadState);
    fixed HPy_LeavePythonExecution = ctx_LeavePythonExecution() -> HPyThreadState;
    fixed HPyGlobal_Store = ctx_Global_Store(global: *mut HPyGlobal, h: HPy);
    fixed HPyGlobal_Load = ctx_Global_Load(global: HPyGlobal) -> HPy;
    fixed _HPy_Dump = ctx_Dump(h: HPy);
    shifted HPy_Compile_s = ctx_Compile_s(utf8_source: *const c_char, utf8_filename: *const c_char, kind: HPy_SourceKind) -> HPy;
    shifted HPy_EvalCode = ctx_EvalCode(code: HPy, globals: HPy, locals: HPy) -> HPy;
    shifted HPyContextVar_New = ctx_ContextVar_New(name: *const c_char, default_value: HPy) -> HPy;
    shifted HPyContextVar_Get = ctx_ContextVar_Get(context_var: HPy, default_value: HPy, result: *mut HPy) -> i32;
    shifted HPyContextVar_Set = ctx_ContextVar_Set(context_var: HPy, value: HPy) -> HPy;
    shifted HPy_SetCallFunction = ctx_SetCallFunction(h: HPy, func: *mut HPyCallFunction) -> c_int;
}

/// `HPy_New` (misc_trampolines.h): a new instance of `h_type` and a pointer to its payload.
#[inline(always)]
pub unsafe fn HPy_New(ctx: *mut HPyContext, h_type: HPy, data: *mut *mut c_void) -> HPy {
    // SAFETY: the caller passes a live context, a type handle and a place for the payload pointer.
    match unsafe { (*ctx).ctx_New } {
        // SAFETY: as above.
        Some(f) => unsafe { f(ctx, h_type, data) },
        None => missing("ctx_New"),
    }
}

/// `HPy_FatalError`: print `message` and abort the process. Never returns.
pub unsafe fn HPy_FatalError(ctx: *mut HPyContext, message: *const c_char) -> ! {
    // SAFETY: the caller passes a live context and a NUL-terminated message.
    if let Some(f) = unsafe { (*ctx).ctx_FatalError } {
        // SAFETY: as above.
        unsafe { f(ctx, message) };
    }
    std::process::abort()
}

/// `HPyCapsule_GetPointer` (misc_trampolines.h).
#[inline(always)]
pub unsafe fn HPyCapsule_GetPointer(
    ctx: *mut HPyContext,
    capsule: HPy,
    name: *const c_char,
) -> *mut c_void {
    // SAFETY: the caller's contract (HPyCapsule_Get's).
    unsafe { HPyCapsule_Get(ctx, capsule, HPyCapsule_key_Pointer, name) }
}

/// `HPyCapsule_GetName` (misc_trampolines.h).
#[inline(always)]
pub unsafe fn HPyCapsule_GetName(ctx: *mut HPyContext, capsule: HPy) -> *const c_char {
    // SAFETY: the caller's contract (HPyCapsule_Get's).
    unsafe { HPyCapsule_Get(ctx, capsule, HPyCapsule_key_Name, core::ptr::null()) as *const c_char }
}

/// `HPyLong_FromLong` (inline_helpers.h).
#[inline(always)]
pub unsafe fn HPyLong_FromLong(ctx: *mut HPyContext, value: c_long) -> HPy {
    #[allow(clippy::unnecessary_cast)] // c_long is i32 on some platforms
    // SAFETY: the caller passes a live context.
    unsafe {
        HPyLong_FromInt64_t(ctx, value as i64)
    }
}

/// `HPy_TypeCheck_g` (inline_helpers.h): `HPy_TypeCheck` against a type kept in an `HPyGlobal`.
#[inline(always)]
pub unsafe fn HPy_TypeCheck_g(ctx: *mut HPyContext, obj: HPy, type_: HPyGlobal) -> c_int {
    // SAFETY: the caller passes a live context, a live object and a global holding a type; the
    // loaded handle is closed before returning.
    unsafe {
        let t = HPyGlobal_Load(ctx, type_);
        let res = HPy_TypeCheck(ctx, obj, t);
        HPy_Close(ctx, t);
        res
    }
}
