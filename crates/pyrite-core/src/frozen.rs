//! Frozen modules: the Python files under `crates/pyrite-core/frozen/`, compiled to .mpy by
//! build.rs and embedded in the binary. The import system finds them through the `.frozen`
//! entry of `sys.path`, as MicroPython does: a path `.frozen/NAME` is a frozen package when some
//! frozen file lies under `NAME/`, and `.frozen/NAME.py` a frozen module. Nothing is decoded
//! until a module is imported.

use crate::host::PathKind;

include!(concat!(env!("OUT_DIR"), "/frozen.rs"));

/// The `sys.path` entry that names the frozen modules.
pub const PREFIX: &str = ".frozen";

/// The part of `path` after `.frozen/`, if it names something inside the frozen set.
pub fn strip(path: &str) -> Option<&str> {
    path.strip_prefix(PREFIX)?.strip_prefix('/')
}

/// The .mpy bytes of frozen file `name` (e.g. `asyncio/core.py`).
pub fn get(name: &str) -> Option<&'static [u8]> {
    FROZEN
        .binary_search_by(|(n, _)| (*n).cmp(name))
        .ok()
        .and_then(|i| FROZEN.get(i))
        .map(|(_, b)| *b)
}

/// What `rel` (a path relative to `.frozen/`) is: a file (exact name), a directory (a prefix of
/// some frozen file's name), or missing.
pub fn kind(rel: &str) -> PathKind {
    if rel.is_empty() {
        return PathKind::Dir;
    }
    if get(rel).is_some() {
        return PathKind::File;
    }
    let is_dir = FROZEN.iter().any(|(n, _)| {
        n.len() > rel.len() && n.starts_with(rel) && n.as_bytes().get(rel.len()) == Some(&b'/')
    });
    if is_dir {
        PathKind::Dir
    } else {
        PathKind::Missing
    }
}

/// Names of all frozen files (for `help('modules')`-style listings and tests).
pub fn names() -> impl Iterator<Item = &'static str> {
    FROZEN.iter().map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_valid_mpy() {
        for w in FROZEN.windows(2) {
            assert!(w[0].0 < w[1].0, "{} >= {}", w[0].0, w[1].0);
        }
        for (name, bytes) in FROZEN {
            assert!(name.ends_with(".py"));
            assert!(pyrite_compiler::read_mpy(bytes).is_ok(), "{name}");
        }
    }

    #[test]
    fn lookup() {
        assert_eq!(strip(".frozen/asyncio"), Some("asyncio"));
        assert_eq!(strip(".frozenx/asyncio"), None);
        assert_eq!(strip("asyncio"), None);
        assert_eq!(kind("asyncio"), PathKind::Dir);
        assert_eq!(kind("asyncio/__init__.py"), PathKind::File);
        assert_eq!(kind("asyncio/core.py"), PathKind::File);
        assert_eq!(kind("asyncio/core"), PathKind::Missing);
        assert_eq!(kind("asyncio/__init__.mpy"), PathKind::Missing);
        assert_eq!(kind("async"), PathKind::Missing);
        assert_eq!(kind("uasyncio.py"), PathKind::File);
        assert!(get("asyncio/core.py").is_some());
        assert!(names().any(|n| n == "asyncio/stream.py"));
    }
}
