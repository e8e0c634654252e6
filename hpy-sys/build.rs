//! Generates the HPy bindings from the *installed* `hpy==0.9.0` headers.
//!
//! The headers are found through `hpy.devel` of a Python interpreter:
//! `OXHPY_HPY_DEVEL=/path/to/hpy/devel` overrides the search; otherwise the interpreter named by
//! `OXHPY_PYTHON`, `PYO3_PYTHON` (set by setuptools-rust) or `python3` is asked. Nothing of HPy is
//! copied into this repository. Dependents get the folder as `DEP_HPY_DEVEL` (`links = "hpy"`).

use std::env;
use std::path::{Path, PathBuf};
use std::process::{exit, Command};

const HPY_VERSION: &str = "0.9.0";

fn fail(msg: &str) -> ! {
    eprintln!("\nerror: hpy-sys cannot build: {msg}\n");
    exit(1);
}

fn python() -> String {
    ["OXHPY_PYTHON", "PYO3_PYTHON"]
        .iter()
        .find_map(|v| env::var(v).ok().filter(|s| !s.is_empty()))
        .unwrap_or_else(|| "python3".into())
}

fn locate_devel() -> PathBuf {
    if let Some(dir) = env::var_os("OXHPY_HPY_DEVEL") {
        return PathBuf::from(dir);
    }
    let py = python();
    let script = "import hpy.devel, os, hpy.devel.version as v; \
                  print(os.path.dirname(hpy.devel.__file__)); print(v.__version__)";
    let out = Command::new(&py).args(["-c", script]).output().unwrap_or_else(|e| {
        fail(&format!("could not run `{py}` ({e}). Set OXHPY_PYTHON to a Python that has hpy=={HPY_VERSION}, or OXHPY_HPY_DEVEL to its hpy/devel folder."))
    });
    if !out.status.success() {
        fail(&format!(
            "`{py}` has no `hpy.devel`. Install it with `{py} -m pip install hpy=={HPY_VERSION}`, \
             or set OXHPY_PYTHON / OXHPY_HPY_DEVEL.\n{}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let dir = PathBuf::from(lines.next().unwrap_or_default());
    let version = lines.next().unwrap_or_default();
    if version != HPY_VERSION {
        fail(&format!(
            "`{py}` has hpy {version}; oxhpy targets exactly hpy=={HPY_VERSION}."
        ));
    }
    dir
}

fn generate(include: &Path, out: &Path) {
    let header = include.join("hpy.h");
    let builder = bindgen::Builder::default()
        .header(header.to_string_lossy())
        .clang_arg(format!("-I{}", include.display()))
        .clang_arg("-DHPY_ABI_UNIVERSAL")
        .allowlist_type("_?HPy.*|cpy_.*")
        .allowlist_var("HPY_.*|HPy_.*|_Py_TPFLAGS_.*")
        .prepend_enum_name(false)
        .derive_default(true)
        .layout_tests(true)
        .generate_comments(false);
    // bindgen loads libclang at run time and panics if it is missing: turn that into one clear line.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || builder.generate()));
    let _ = std::panic::take_hook();
    match result {
        Ok(Ok(bindings)) => bindings.write_to_file(out).expect("write bindings.rs"),
        Ok(Err(e)) => fail(&format!("bindgen could not parse {}: {e}", header.display())),
        Err(_) => fail(
            "libclang was not found (bindgen needs it). On Debian/Ubuntu: `apt-get install libclang-dev`; \
             elsewhere set LIBCLANG_PATH to the folder holding libclang.so.",
        ),
    }
}

fn main() {
    for v in [
        "OXHPY_HPY_DEVEL",
        "OXHPY_PYTHON",
        "PYO3_PYTHON",
        "LIBCLANG_PATH",
    ] {
        println!("cargo:rerun-if-env-changed={v}");
    }
    let devel = locate_devel();
    let include = devel.join("include");
    if !include.join("hpy.h").is_file() {
        fail(&format!(
            "{} has no include/hpy.h: not an hpy.devel folder.",
            devel.display()
        ));
    }
    println!("cargo:rerun-if-changed={}", include.join("hpy.h").display());
    println!("cargo:devel={}", devel.display());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("bindings.rs");
    generate(&include, &out);
}
