//! A port's own filesystem: the directory tree of the machine it runs on (`VfsPosix` on the
//! host). pyrite-extmod's `vfs.VfsPosix` is written over this trait; filesystems on block
//! devices (FAT, LittleFS) do not use it.
//!
//! Paths are the port's own, `/`-separated, already translated by the caller (a `VfsPosix`
//! with a root prefixes it); relative paths are relative to the port's current directory (see
//! [`HostFs::chdir`]). Errors are errno values in MicroPython's (Linux) numbering.
//!
//! File *contents* are not part of this trait: `open()` on a `VfsPosix` goes through the
//! core's `Host::file_open` and friends with the same path, so a port that implements
//! `HostFs` must also implement those with the same view of the tree.

use alloc::string::String;
use alloc::vec::Vec;

use crate::HalResult;

/// `st_mode` type bits, as MicroPython reports them.
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFREG: u32 = 0o100000;

/// Metadata of one path (`os.stat`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// Type and permission bits (`S_IFDIR`, `S_IFREG`, ... | 0o777 bits).
    pub mode: u32,
    pub ino: u64,
    pub dev: u64,
    pub nlink: u64,
    pub uid: u32,
    pub gid: u32,
    pub size: u64,
    /// Seconds since 1970-01-01 UTC (0 if unknown).
    pub atime: i64,
    pub mtime: i64,
    pub ctime: i64,
}

/// Filesystem statistics (`os.statvfs`), in the order MicroPython returns them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatVfs {
    pub bsize: u64,
    pub frsize: u64,
    pub blocks: u64,
    pub bfree: u64,
    pub bavail: u64,
    pub files: u64,
    pub ffree: u64,
    pub favail: u64,
    pub flag: u64,
    pub namemax: u64,
}

/// One directory entry (`os.ilistdir`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirEntry {
    /// The name (no directory part), as the OS stores it (not necessarily UTF-8).
    pub name: Vec<u8>,
    /// Type bits of `st_mode` (`S_IFDIR`, `S_IFREG`, other `S_IF*` values), or 0 if unknown.
    pub kind: u32,
    /// Inode number, or 0 if the filesystem has none.
    pub ino: u64,
}

/// A filesystem the port provides directly.
pub trait HostFs {
    /// Metadata of `path` (following symbolic links). `ENOENT` if it does not exist.
    fn stat(&mut self, path: &str) -> HalResult<Stat>;
    /// Statistics of the filesystem holding `path`.
    fn statvfs(&mut self, path: &str) -> HalResult<StatVfs>;
    /// All entries of directory `path` (`""` is the current directory), in the order the OS
    /// gives them, without `.` and `..`. `ENOTDIR`/`ENOENT` as the OS reports.
    fn listdir(&mut self, path: &str) -> HalResult<Vec<DirEntry>>;
    /// Create directory `path` (`EEXIST` if something is there).
    fn mkdir(&mut self, path: &str) -> HalResult<()>;
    /// Remove the empty directory `path`.
    fn rmdir(&mut self, path: &str) -> HalResult<()>;
    /// Remove the file `path` (not a directory).
    fn remove(&mut self, path: &str) -> HalResult<()>;
    /// Rename `old` to `new`, replacing a file at `new` as the OS does.
    fn rename(&mut self, old: &str, new: &str) -> HalResult<()>;
    /// Make `path` the current directory, against which later relative paths (here and in
    /// `Host::file_open`) are resolved.
    fn chdir(&mut self, path: &str) -> HalResult<()>;
    /// The current directory as an absolute path.
    fn getcwd(&mut self) -> HalResult<String>;
    /// Flush everything written to storage (`os.sync`).
    fn sync(&mut self) {}

    // ---- the host's process environment (the unix port's `os.getenv` and friends). A port
    // without one keeps the defaults, and `os` then has no such functions' effects.

    /// Whether the environment functions below are real (the unix port: true).
    fn has_env(&self) -> bool {
        false
    }
    /// The value of environment variable `name`, if set.
    fn getenv(&mut self, name: &str) -> Option<Vec<u8>> {
        let _ = name;
        None
    }
    /// Set environment variable `name` to `value`.
    fn putenv(&mut self, name: &str, value: &str) -> HalResult<()> {
        let _ = (name, value);
        Err(crate::fs::ENODEV)
    }
    /// Remove environment variable `name` (no error if unset).
    fn unsetenv(&mut self, name: &str) -> HalResult<()> {
        let _ = name;
        Err(crate::fs::ENODEV)
    }
    /// Run `cmd` with the system shell and wait for it; the raw wait status as C's `system()`
    /// returns it.
    fn system(&mut self, cmd: &str) -> HalResult<i32> {
        let _ = cmd;
        Err(crate::fs::ENODEV)
    }
    /// The errno of the last failed OS call (`os.errno()`), and set it (`os.errno(n)`).
    fn errno(&mut self, set: Option<i32>) -> i32 {
        let _ = set;
        0
    }
}

/// errno for "no such facility".
pub const ENODEV: i32 = 19;
