//! The host directory tree as a [`HostFs`] (MicroPython's `VfsPosix`), and the process
//! environment (`os.getenv`, `os.system`...).

use alloc::string::String;
use alloc::vec::Vec;

use pyrite_hal::fs::{DirEntry, HostFs, Stat, StatVfs};
use pyrite_hal::HalResult;

use crate::sys;

#[derive(Default)]
pub struct UnixFs {}

const EINVAL: i32 = 22;

/// `""` means the current directory.
fn p(path: &str) -> &str {
    if path.is_empty() {
        "."
    } else {
        path
    }
}

impl HostFs for UnixFs {
    fn stat(&mut self, path: &str) -> HalResult<Stat> {
        let m = sys::stat(p(path))?;
        Ok(Stat {
            mode: m.st_mode,
            ino: m.st_ino,
            dev: m.st_dev,
            nlink: m.st_nlink as u64,
            uid: m.st_uid,
            gid: m.st_gid,
            size: m.st_size as u64,
            atime: m.st_atime,
            mtime: m.st_mtime,
            ctime: m.st_ctime,
        })
    }

    fn statvfs(&mut self, path: &str) -> HalResult<StatVfs> {
        let sb = sys::statvfs(p(path))?;
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
        Ok(sys::read_dir(p(path))?
            .into_iter()
            .map(|e| DirEntry {
                name: e.name,
                kind: e.kind,
                ino: e.ino,
            })
            .collect())
    }

    fn mkdir(&mut self, path: &str) -> HalResult<()> {
        sys::mkdir(path)
    }

    fn rmdir(&mut self, path: &str) -> HalResult<()> {
        sys::rmdir(path)
    }

    fn remove(&mut self, path: &str) -> HalResult<()> {
        sys::unlink(path)
    }

    fn rename(&mut self, old: &str, new: &str) -> HalResult<()> {
        sys::rename(old, new)
    }

    fn chdir(&mut self, path: &str) -> HalResult<()> {
        sys::chdir(p(path))
    }

    fn getcwd(&mut self) -> HalResult<String> {
        let d = sys::getcwd()?;
        Ok(String::from_utf8_lossy(&d).into_owned())
    }

    fn sync(&mut self) {
        sys::sync();
    }

    fn has_env(&self) -> bool {
        true
    }

    fn getenv(&mut self, name: &str) -> Option<Vec<u8>> {
        if name.is_empty() || name.contains('=') || name.contains('\0') {
            return None;
        }
        sys::getenv(name)
    }

    fn putenv(&mut self, name: &str, value: &str) -> HalResult<()> {
        if name.is_empty() || name.contains('=') || name.contains('\0') || value.contains('\0') {
            return Err(EINVAL);
        }
        sys::setenv(name, value)
    }

    fn unsetenv(&mut self, name: &str) -> HalResult<()> {
        if name.is_empty() || name.contains('=') || name.contains('\0') {
            return Err(EINVAL);
        }
        sys::unsetenv(name)
    }

    fn system(&mut self, cmd: &str) -> HalResult<i32> {
        sys::system(cmd)
    }

    fn errno(&mut self, set: Option<i32>) -> i32 {
        if let Some(v) = set {
            sys::set_errno(v);
        }
        sys::errno()
    }
}
