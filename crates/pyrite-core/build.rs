//! Collects every `Q::name` used in the crate's sources into the static qstr table
//! (`$OUT_DIR/qstrs.rs`), so code can name interned strings as constants without a central
//! list. Names that are not Rust identifiers are spelled through SPECIAL below. The sources of
//! pyrite-extmod are scanned as well (its modules use the same table).
//!
//! It also compiles every Python file under `frozen/` to .mpy bytes with pyrite-compiler and
//! writes the table of frozen modules (`$OUT_DIR/frozen.rs`, see `crate::frozen`). A frozen
//! file that does not compile fails the build with the compiler's message.
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// Constant name -> string, for qstrs that are not identifiers.
const SPECIAL: &[(&str, &str)] = &[
    ("EMPTY", ""),
    ("LT_MODULE", "<module>"),
    ("LT_LAMBDA", "<lambda>"),
    ("LT_LISTCOMP", "<listcomp>"),
    ("LT_DICTCOMP", "<dictcomp>"),
    ("LT_SETCOMP", "<setcomp>"),
    ("LT_GENEXPR", "<genexpr>"),
    ("LT_STDIN", "<stdin>"),
    ("LT_STRING", "<string>"),
    ("DOT_FROZEN", ".frozen"),
    ("DOT_PY", ".py"),
    ("DOT_MPY", ".mpy"),
    ("SLASH", "/"),
    ("DOT", "."),
    // Keywords that cannot be raw identifiers (other keywords are spelled Q::r#type, Q::r#in...).
    ("SELF", "self"),
    ("SUPER", "super"),
    ("CRATE", "crate"),
];

fn scan(dir: &Path, out: &mut BTreeMap<String, String>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            scan(&p, out);
        } else if p.extension().map(|x| x == "rs").unwrap_or(false) {
            println!("cargo:rerun-if-changed={}", p.display());
            let src = fs::read_to_string(&p).unwrap_or_default();
            let b = src.as_bytes();
            let mut i = 0;
            while let Some(pos) = src[i..].find("Q::") {
                let s = i + pos;
                i = s + 3;
                if s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
                    continue;
                }
                let mut j = i;
                let raw = src[j..].starts_with("r#");
                if raw {
                    j += 2;
                }
                let st = j;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if j == st || b[st].is_ascii_digit() {
                    continue;
                }
                let ident = &src[st..j];
                let konst = if raw {
                    format!("r#{}", ident)
                } else {
                    ident.to_string()
                };
                let text = SPECIAL
                    .iter()
                    .find(|(k, _)| *k == ident)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_else(|| ident.to_string());
                out.insert(konst, text);
            }
        }
    }
}

/// Every `.py` file under `dir`, as paths relative to `root` with `/` separators, sorted.
fn frozen_sources(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            frozen_sources(root, &p, out);
        } else if p.extension().map(|x| x == "py").unwrap_or(false) {
            if let Ok(rel) = p.strip_prefix(root) {
                let parts: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }
}

/// Compile frozen/ into `$OUT_DIR/frozen.rs`: `FROZEN: &[(&str, &[u8])]`, name -> .mpy bytes,
/// sorted by name (names like `asyncio/core.py`).
fn build_frozen(out_dir: &Path) {
    let root = Path::new("frozen");
    println!("cargo:rerun-if-changed=frozen");
    let mut files = Vec::new();
    frozen_sources(root, root, &mut files);
    files.sort();
    let bits: u8 = std::env::var("CARGO_CFG_TARGET_POINTER_WIDTH")
        .ok()
        .and_then(|w| w.parse::<u8>().ok())
        .unwrap_or(32)
        .saturating_sub(1)
        .min(63);
    let opts = pyrite_compiler::Options {
        opt_level: 0,
        small_int_bits: bits,
        // frozen modules are .mpy: no native/viper code
        native: false,
    };
    let mpy_dir = out_dir.join("frozen");
    let mut code = String::from(
        "/// Frozen modules: name (relative to `.frozen/`) -> .mpy bytes, sorted by name.\n\
         pub static FROZEN: &[(&str, &[u8])] = &[\n",
    );
    for (i, name) in files.iter().enumerate() {
        let path = root.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        let src = match fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) => panic!("frozen module {}: cannot read: {}", path.display(), e),
        };
        let m = match pyrite_compiler::compile(&src, name, pyrite_compiler::Mode::File, &opts) {
            Ok(m) => m,
            Err(e) => panic!(
                "frozen module {} does not compile: line {}: {:?}: {}",
                path.display(),
                e.line,
                e.kind,
                e.msg
            ),
        };
        let bytes = pyrite_compiler::write_mpy(&m, bits);
        fs::create_dir_all(&mpy_dir).unwrap();
        let f = mpy_dir.join(format!("{}.mpy", i));
        fs::write(&f, bytes).unwrap();
        code.push_str(&format!(
            "    ({:?}, include_bytes!({:?})),\n",
            name,
            f.display().to_string()
        ));
    }
    code.push_str("];\n");
    fs::write(out_dir.join("frozen.rs"), code).unwrap();
}

fn main() {
    let out = std::env::var("OUT_DIR").unwrap();
    build_frozen(Path::new(&out));
    let mut names = BTreeMap::new();
    for (k, v) in SPECIAL {
        names.insert(k.to_string(), v.to_string());
    }
    scan(Path::new("src"), &mut names);
    println!("cargo:rerun-if-changed=src");
    // pyrite-extmod (no_std modules over pyrite-hal) names its qstrs the same way; they live in
    // this one static table so module code can use `Q::name` constants too.
    scan(Path::new("../pyrite-extmod/src"), &mut names);
    println!("cargo:rerun-if-changed=../pyrite-extmod/src");
    // Sort by text so interning can binary-search the static table.
    let mut by_text: Vec<(String, String)> = names.into_iter().collect();
    by_text.sort_by(|a, b| a.1.cmp(&b.1));
    by_text.dedup_by(|a, b| a.1 == b.1 && a.0 == b.0);
    let mut code = String::new();
    code.push_str("/// Static qstrs, sorted by text.\npub static STATIC_QSTRS: &[&str] = &[\n");
    // Several constant names may share one text (e.g. r#type and type can't both exist, but
    // specials could collide); the table keeps one entry per distinct text.
    let mut texts: Vec<String> = Vec::new();
    for (_, t) in &by_text {
        if texts.last() != Some(t) {
            texts.push(t.clone());
        }
    }
    for t in &texts {
        code.push_str(&format!("    {:?},\n", t));
    }
    code.push_str("];\n\n/// Names of static qstrs.\n#[allow(non_upper_case_globals, non_snake_case)]\npub mod Q {\n    use super::Qstr;\n");
    for (k, t) in &by_text {
        let idx = texts.iter().position(|x| x == t).unwrap();
        code.push_str(&format!("    pub const {}: Qstr = Qstr({});\n", k, idx));
    }
    code.push_str("}\n");
    fs::write(Path::new(&out).join("qstrs.rs"), code).unwrap();
}
