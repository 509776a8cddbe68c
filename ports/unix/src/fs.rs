//! The host directory tree as a [`HostFs`] (MicroPython's `VfsPosix`), and the process
//! environment (`os.getenv`, `os.system`...).

use std::ffi::{CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirEntryExt, FileTypeExt, MetadataExt};

use pyrite_hal::fs::{DirEntry, HostFs, Stat, StatVfs, S_IFDIR, S_IFREG};
use pyrite_hal::HalResult;

#[derive(Default)]
pub struct UnixFs {}

const EIO: i32 = 5;
const EINVAL: i32 = 22;

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(EIO)
}

/// `""` means the current directory.
fn p(path: &str) -> &str {
    if path.is_empty() {
        "."
    } else {
        path
    }
}

fn cstr(s: &str) -> HalResult<CString> {
    CString::new(s).map_err(|_| EINVAL)
}

fn kind_bits(t: std::fs::FileType) -> u32 {
    if t.is_dir() {
        S_IFDIR
    } else if t.is_file() {
        S_IFREG
    } else if t.is_symlink() {
        0o120000
    } else if t.is_fifo() {
        0o010000
    } else if t.is_char_device() {
        0o020000
    } else if t.is_block_device() {
        0o060000
    } else if t.is_socket() {
        0o140000
    } else {
        0
    }
}

impl HostFs for UnixFs {
    fn stat(&mut self, path: &str) -> HalResult<Stat> {
        let m = std::fs::metadata(p(path)).map_err(|e| errno(&e))?;
        Ok(Stat {
            mode: m.mode(),
            ino: m.ino(),
            dev: m.dev(),
            nlink: m.nlink(),
            uid: m.uid(),
            gid: m.gid(),
            size: m.size(),
            atime: m.atime(),
            mtime: m.mtime(),
            ctime: m.ctime(),
        })
    }

    fn statvfs(&mut self, path: &str) -> HalResult<StatVfs> {
        let c = cstr(p(path))?;
        // SAFETY: `statvfs` is plain data for which all-zero bytes are a valid value.
        let mut sb: libc::statvfs = unsafe { core::mem::zeroed() };
        // SAFETY: `c` is a NUL-terminated string and `sb` a writable statvfs, as the call needs.
        let r = unsafe { libc::statvfs(c.as_ptr(), &mut sb) };
        if r != 0 {
            return Err(errno(&std::io::Error::last_os_error()));
        }
        Ok(StatVfs {
            bsize: sb.f_bsize as u64,
            frsize: sb.f_frsize as u64,
            blocks: sb.f_blocks as u64,
            bfree: sb.f_bfree as u64,
            bavail: sb.f_bavail as u64,
            files: sb.f_files as u64,
            ffree: sb.f_ffree as u64,
            favail: sb.f_favail as u64,
            flag: sb.f_flag as u64,
            namemax: sb.f_namemax as u64,
        })
    }

    fn listdir(&mut self, path: &str) -> HalResult<Vec<DirEntry>> {
        let rd = std::fs::read_dir(p(path)).map_err(|e| errno(&e))?;
        let mut out = Vec::new();
        for e in rd {
            let e = e.map_err(|e| errno(&e))?;
            let kind = e.file_type().map(kind_bits).unwrap_or(0);
            out.push(DirEntry {
                name: e.file_name().as_bytes().to_vec(),
                kind,
                ino: e.ino(),
            });
        }
        Ok(out)
    }

    fn mkdir(&mut self, path: &str) -> HalResult<()> {
        std::fs::create_dir(path).map_err(|e| errno(&e))
    }

    fn rmdir(&mut self, path: &str) -> HalResult<()> {
        std::fs::remove_dir(path).map_err(|e| errno(&e))
    }

    fn remove(&mut self, path: &str) -> HalResult<()> {
        std::fs::remove_file(path).map_err(|e| errno(&e))
    }

    fn rename(&mut self, old: &str, new: &str) -> HalResult<()> {
        std::fs::rename(old, new).map_err(|e| errno(&e))
    }

    fn chdir(&mut self, path: &str) -> HalResult<()> {
        std::env::set_current_dir(p(path)).map_err(|e| errno(&e))
    }

    fn getcwd(&mut self) -> HalResult<String> {
        let d = std::env::current_dir().map_err(|e| errno(&e))?;
        Ok(String::from_utf8_lossy(d.as_os_str().as_bytes()).into_owned())
    }

    fn sync(&mut self) {
        // SAFETY: sync() takes no arguments and cannot fail.
        unsafe { libc::sync() };
    }

    fn has_env(&self) -> bool {
        true
    }

    fn getenv(&mut self, name: &str) -> Option<Vec<u8>> {
        if name.is_empty() || name.contains('=') || name.contains('\0') {
            return None;
        }
        std::env::var_os(name).map(|v| v.as_bytes().to_vec())
    }

    fn putenv(&mut self, name: &str, value: &str) -> HalResult<()> {
        if name.is_empty() || name.contains('=') || name.contains('\0') || value.contains('\0') {
            return Err(EINVAL);
        }
        std::env::set_var(OsStr::new(name), OsStr::new(value));
        Ok(())
    }

    fn unsetenv(&mut self, name: &str) -> HalResult<()> {
        if name.is_empty() || name.contains('=') || name.contains('\0') {
            return Err(EINVAL);
        }
        std::env::remove_var(OsStr::new(name));
        Ok(())
    }

    fn system(&mut self, cmd: &str) -> HalResult<i32> {
        let c = cstr(cmd)?;
        // SAFETY: `c` is a NUL-terminated command string.
        let r = unsafe { libc::system(c.as_ptr()) };
        if r == -1 {
            return Err(errno(&std::io::Error::last_os_error()));
        }
        Ok(r)
    }

    fn errno(&mut self, set: Option<i32>) -> i32 {
        // SAFETY: __errno_location returns the calling thread's errno slot, valid for the
        // thread's lifetime.
        unsafe {
            let p = libc::__errno_location();
            if let Some(v) = set {
                *p = v;
            }
            *p
        }
    }
}
