//! Collects every `Q::name` used in the crate's sources into the static qstr table
//! (`$OUT_DIR/qstrs.rs`), so code can name interned strings as constants without a central
//! list. Names that are not Rust identifiers are spelled through SPECIAL below. The sources of
//! pyrite-extmod are scanned as well (its modules use the same table).
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

fn main() {
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
    let out = std::env::var("OUT_DIR").unwrap();
    fs::write(Path::new(&out).join("qstrs.rs"), code).unwrap();
}
