//! Round trips and corrupt images over an in-memory device.

extern crate std;

use super::*;
use alloc::string::ToString;

struct Ram {
    data: Vec<u8>,
    ss: usize,
}

impl Ram {
    fn new(sectors: usize) -> Ram {
        Ram {
            data: vec![0; sectors * 512],
            ss: 512,
        }
    }
}

impl BlockDev for Ram {
    fn sector_size(&self) -> usize {
        self.ss
    }
    fn read(&mut self, lba: u64, buf: &mut [u8]) -> FsResult<()> {
        let o = lba as usize * self.ss;
        buf.copy_from_slice(self.data.get(o..o + buf.len()).ok_or(EIO)?);
        Ok(())
    }
    fn write(&mut self, lba: u64, buf: &[u8]) -> FsResult<()> {
        let o = lba as usize * self.ss;
        self.data
            .get_mut(o..o + buf.len())
            .ok_or(EIO)?
            .copy_from_slice(buf);
        Ok(())
    }
    fn sync(&mut self) -> FsResult<()> {
        Ok(())
    }
}

fn create(fs: &mut Fs<Ram>, path: &[&str], data: &[u8]) -> FsResult<()> {
    let (parent, e) = fs.resolve(path)?;
    assert!(e.is_none());
    let mut st = FileState {
        loc: fs.create_entry(parent, path[path.len() - 1], ATTR_ARCHIVE, 0)?,
        ..Default::default()
    };
    fs.write_file(&mut st, 0, data)?;
    fs.flush()
}

fn read_all(fs: &mut Fs<Ram>, path: &[&str]) -> FsResult<Vec<u8>> {
    let e = fs.resolve(path)?.1.ok_or(ENOENT)?;
    let mut st = FileState {
        loc: e.loc,
        cluster: e.cluster,
        size: e.size,
        ..Default::default()
    };
    let mut buf = vec![0; e.size as usize];
    let n = fs.read_file(&mut st, 0, &mut buf)?;
    buf.truncate(n);
    Ok(buf)
}

#[test]
fn layouts_match_micropython() {
    // (sectors, sectors per cluster, FAT sectors, clusters) as MicroPython's mkfs makes them.
    for &(n, spc, fsz, ncl) in &[
        (50u64, 1u32, 1u32, 16u32),
        (1000, 1, 3, 964),
        (4096, 2, 7, 2028),
        (8192, 4, 7, 2038),
        (8400, 2, 17, 4175),
        (65536, 8, 33, 8183),
        (4194304, 128, 129, 32766),
    ] {
        let l = layout_fat16(n, 512).unwrap();
        assert_eq!((l.spc, l.fat_size), (spc, fsz), "{}", n);
        let data = n - 1 - fsz as u64 - 32;
        assert_eq!(data / spc as u64, ncl as u64, "{}", n);
    }
    assert!(layout_fat16(8388608, 512).is_none());
    let l = layout_fat32(8388608, 512).unwrap();
    assert_eq!((l.spc, l.rsv, l.fat_size, l.base), (64, 32, 1025, 63));
}

#[test]
fn round_trip() {
    let mut dev = Ram::new(2000);
    mkfs(&mut dev, 2000, 1).unwrap();
    let vol = mount(&mut dev).unwrap();
    assert_eq!(vol.ftype, FatType::Fat12);
    let mut fs = Fs::new(&mut dev, vol);
    let root = fs.root();
    fs.mkdir(root, "A directory with a long name").unwrap();
    let big: Vec<u8> = (0..100_000u32).map(|i| (i * 7) as u8).collect();
    create(&mut fs, &["A directory with a long name", "big.bin"], &big).unwrap();
    for i in 0..40 {
        let name = std::format!("file {} é.txt", i);
        create(&mut fs, &[&name], name.as_bytes()).unwrap();
    }
    fs.flush().unwrap();
    drop(fs);
    let vol = mount(&mut dev).unwrap();
    let mut fs = Fs::new(&mut dev, vol);
    assert_eq!(
        read_all(&mut fs, &["a directory with a LONG name", "BIG.BIN"]).unwrap(),
        big
    );
    for i in 0..40 {
        let name = std::format!("file {} é.txt", i);
        assert_eq!(read_all(&mut fs, &[&name]).unwrap(), name.as_bytes());
    }
    let names: Vec<String> = fs
        .list(fs.root())
        .unwrap()
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert_eq!(names.len(), 41);
    assert_eq!(names[0], "A directory with a long name".to_string());
    // Remove everything; all clusters come back.
    let before = fs.free_clusters().unwrap();
    for e in fs.list(fs.root()).unwrap() {
        if e.is_dir() {
            let d = fs.entry_dir(&e).unwrap();
            for x in fs.list(d).unwrap() {
                fs.delete_entry(&x).unwrap();
                fs.free_entry_data(&x).unwrap();
            }
        }
        fs.delete_entry(&e).unwrap();
        fs.free_entry_data(&e).unwrap();
    }
    fs.flush().unwrap();
    fs.free = None;
    let after = fs.free_clusters().unwrap();
    assert!(after > before);
    assert_eq!(after, fs.vol.nclusters);
}

#[test]
fn short_names() {
    let p = name::plan("foo_file.txt").unwrap();
    assert_eq!(p.short.unwrap(), (*b"FOO_FILETXT", 0x18));
    assert!(!p.needs_lfn);
    let p = name::plan("Mixed.txt").unwrap();
    assert!(p.needs_lfn);
    assert_eq!(&name::with_tail(&p.basis, 1), b"MIXED~1 TXT");
    assert_eq!(name::plan("a/b").err(), Some(EINVAL));
    assert_eq!(name::sfn_display(b"FOO_FILETXT", 0x18), "foo_file.txt");
}

#[test]
fn corrupt_images_are_errors() {
    // Garbage boot sector.
    let mut dev = Ram::new(100);
    for (i, b) in dev.data.iter_mut().enumerate() {
        *b = (i * 31 % 251) as u8;
    }
    assert_eq!(mount(&mut dev).err(), Some(ENODEV));

    // A directory chain that loops, and a file whose chain is short or loops.
    let mut dev = Ram::new(400);
    mkfs(&mut dev, 400, 1).unwrap();
    let vol = mount(&mut dev).unwrap();
    let mut fs = Fs::new(&mut dev, vol);
    let root = fs.root();
    fs.mkdir(root, "d").unwrap();
    create(&mut fs, &["f"], &[1u8; 3000]).unwrap();
    let d = fs.resolve(&["d"]).unwrap().1.unwrap();
    let f = fs.resolve(&["f"]).unwrap().1.unwrap();
    fs.fat_set(d.cluster, d.cluster).unwrap();
    let second = fs.next(f.cluster).unwrap().unwrap();
    fs.fat_set(second, f.cluster).unwrap();
    fs.flush().unwrap();
    let dd = fs.entry_dir(&d).unwrap();
    assert_eq!(fs.list(dd).err(), Some(EIO));
    assert_eq!(fs.free_run(dd, 3).err(), Some(EIO));
    // The file's chain loops back on itself: reading stops at its size.
    assert!(read_all(&mut fs, &["f"]).is_ok());
    // Point the file at a cluster past the end.
    fs.fat_set(second, 0xff0).unwrap();
    assert_eq!(read_all(&mut fs, &["f"]).err(), Some(EIO));
    let mut st = FileState {
        loc: f.loc,
        cluster: 5000,
        size: 10,
        ..Default::default()
    };
    let mut b = [0u8; 10];
    assert_eq!(fs.read_file(&mut st, 0, &mut b).err(), Some(EIO));
}

#[test]
fn fills_up_with_enospc() {
    let mut dev = Ram::new(60);
    mkfs(&mut dev, 60, 1).unwrap();
    let vol = mount(&mut dev).unwrap();
    let mut fs = Fs::new(&mut dev, vol);
    let root = fs.root();
    let mut st = FileState {
        loc: fs.create_entry(root, "big", ATTR_ARCHIVE, 0).unwrap(),
        ..Default::default()
    };
    let r = fs.write_file(&mut st, 0, &[7u8; 60 * 512]);
    assert_eq!(r.err(), Some(ENOSPC));
    assert_eq!(fs.free_clusters().unwrap(), 0);
    assert_eq!(st.size, vol.nclusters * 512);
}
