//! LittleFS (v1 and v2 on-disk formats), written from littlefs's SPEC.md.

/// State of an open LittleFS file kept by the binding between calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileHandle {
    pub size: u64,
}
