//! Round trips and corrupt images over an in-memory device.

extern crate std;

use super::*;

struct Ram {
    data: Vec<u8>,
    bs: u32,
}

impl Dev for Ram {
    fn block_size(&self) -> u32 {
        self.bs
    }
    fn block_count(&self) -> u32 {
        (self.data.len() / self.bs as usize) as u32
    }
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> FsResult<()> {
        let a = (block * self.bs + off) as usize;
        buf.copy_from_slice(self.data.get(a..a + buf.len()).ok_or(EIO)?);
        Ok(())
    }
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> FsResult<()> {
        let a = (block * self.bs + off) as usize;
        self.data
            .get_mut(a..a + data.len())
            .ok_or(EIO)?
            .copy_from_slice(data);
        Ok(())
    }
    fn erase(&mut self, _block: u32) -> FsResult<()> {
        Ok(())
    }
    fn sync(&mut self) -> FsResult<()> {
        Ok(())
    }
}

fn ram(blocks: u32) -> (Ram, Cfg) {
    let r = Ram {
        data: vec![0; (blocks * 512) as usize],
        bs: 512,
    };
    (r, Cfg::new(512, blocks, 32, 32))
}

fn write(fs: &mut Lfs<Ram>, path: &[&str], data: &[u8]) {
    let (parent, e) = fs.resolve(path).unwrap();
    let name = path[path.len() - 1].as_bytes();
    let mut e = match e {
        Some(e) => e,
        None => {
            let e = MEntry {
                kind: TYPE_REG,
                name: name.to_vec(),
                st: Struct::Inline(Vec::new()),
                attrs: Vec::new(),
            };
            fs.insert(parent, e.clone()).unwrap();
            e
        }
    };
    let end = e.size() as u64;
    e.st = fs.write_file(&e, end, data).unwrap();
    fs.replace_entry(parent, name, e).unwrap();
}

fn read(fs: &mut Lfs<Ram>, path: &[&str]) -> Vec<u8> {
    let e = fs.resolve(path).unwrap().1.unwrap();
    let mut buf = vec![0; e.size() as usize];
    let n = fs.read_file(&e, 0, &mut buf).unwrap();
    assert_eq!(n, buf.len());
    buf
}

#[test]
fn crc_matches_littlefs() {
    // littlefs's CRC is the usual CRC-32 without the final inversion.
    assert_eq!(!crc32(0xffff_ffff, b"123456789"), 0xcbf4_3926);
}

#[test]
fn round_trip() {
    let (mut dev, cfg) = ram(120);
    let mut fs = Lfs::new(&mut dev, cfg);
    fs.format().unwrap();
    fs.mount_check().unwrap();
    let root = fs.root().unwrap();
    fs.mkdir(root, b"d", Vec::new()).unwrap();
    let big: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    for chunk in big.chunks(3000) {
        write(&mut fs, &["d", "big"], chunk);
    }
    for i in 0..40 {
        let n = std::format!("f{}", i);
        write(&mut fs, &[&n], n.as_bytes());
    }
    assert_eq!(read(&mut fs, &["d", "big"]), big);
    for i in 0..40 {
        let n = std::format!("f{}", i);
        assert_eq!(read(&mut fs, &[&n]), n.as_bytes());
    }
    // The root split into several pairs to hold 41 entries.
    let dp = fs.dir_pairs(root).unwrap();
    assert!(dp.len() > 1);
    let names: Vec<Vec<u8>> = fs.list(root).unwrap().into_iter().map(|e| e.name).collect();
    assert_eq!(names.len(), 41);
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| name_cmp(a, b));
    assert_eq!(names, sorted);
    // Remove the big file: its blocks are free again.
    let before = fs.used_blocks().unwrap();
    let d = match fs.resolve(&["d"]).unwrap().1.unwrap().st {
        Struct::Dir(p) => p,
        _ => panic!(),
    };
    fs.remove_entry(d, b"big").unwrap();
    assert!(fs.used_blocks().unwrap() + 35 < before);
}

#[test]
fn corrupt_images_are_errors() {
    let (mut dev, cfg) = ram(40);
    {
        let mut fs = Lfs::new(&mut dev, cfg);
        fs.format().unwrap();
        write(&mut fs, &["x"], &[7u8; 5000]);
    }
    // A flipped byte in the superblock pair: that commit's CRC fails; no older one exists.
    let mut bad = Ram {
        data: dev.data.clone(),
        bs: 512,
    };
    for b in 0..2 {
        bad.data[b * 512 + 20] ^= 0x55;
    }
    assert_eq!(Lfs::new(&mut bad, cfg).mount_check().err(), Some(ECORRUPT));
    // Garbage everywhere.
    let mut junk = Ram {
        data: (0..40 * 512).map(|i| (i * 7 % 253) as u8).collect(),
        bs: 512,
    };
    assert!(Lfs::new(&mut junk, cfg).mount_check().is_err());
    // A file whose head points past the device.
    let mut fs = Lfs::new(&mut dev, cfg);
    let e = fs.resolve(&["x"]).unwrap().1.unwrap();
    let mut e2 = e.clone();
    e2.st = Struct::Ctz {
        head: 1000,
        size: 5000,
    };
    let mut buf = [0u8; 10];
    assert!(fs.read_file(&e2, 0, &mut buf).is_err());
    // A tail that points back at the superblock pair is a loop.
    let root = fs.root().unwrap();
    fs.update_pair(root, |p| {
        p.tail = Some((true, [0, 1]));
        Ok(())
    })
    .unwrap();
    assert!(fs.list(root).is_err());
    assert!(fs.used_blocks().is_err());
}
