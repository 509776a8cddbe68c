//! Runs the Python programs in tests/thread/ (green threads, `_thread`) through the core with
//! a host that has a real clock, and compares their output with the expected output (the
//! `.exp` file, or CPython's). Under `--features gc-stress` this collects at every allocation,
//! so any thread state the collector does not see shows up as corrupted data.
mod common;

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pyrite_core::host::{Host, PathKind};
use pyrite_core::Vm;

struct ClockHost {
    out: Rc<RefCell<String>>,
    start: Instant,
}

impl Host for ClockHost {
    fn write(&mut self, _fd: u8, data: &[u8]) {
        self.out
            .borrow_mut()
            .push_str(&String::from_utf8_lossy(data));
    }
    fn read_stdin(&mut self, _buf: &mut [u8]) -> usize {
        0
    }
    fn path_kind(&mut self, _path: &str) -> PathKind {
        PathKind::Missing
    }
    fn read_file(&mut self, _path: &str) -> Option<Vec<u8>> {
        None
    }
    fn ticks_us(&mut self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }
    fn time_ns(&mut self) -> Option<u64> {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| d.as_nanos() as u64)
    }
    fn sleep_us(&mut self, us: u64) -> bool {
        std::thread::sleep(Duration::from_micros(us));
        false
    }
}

fn run_program(src: &str) -> String {
    let size = 2 << 20;
    let mut region = vec![0u8; size].into_boxed_slice();
    let out = Rc::new(RefCell::new(String::new()));
    let host = ClockHost {
        out: out.clone(),
        start: Instant::now(),
    };
    let config = pyrite_core::Config {
        stack_limit: 6 * 1024 * 1024,
        path: vec![String::new()],
        ..Default::default()
    };
    // SAFETY: `region` outlives the Vm (the Vm is dropped at the end of this function, before
    // the region).
    let mut vm =
        unsafe { Vm::new(region.as_mut_ptr(), region.len(), Box::new(host), config) }.expect("vm");
    let top = 0usize;
    vm.set_stack_top(&top as *const usize as usize + 4096);
    pyrite_core::interp::init(&mut vm).unwrap();
    let g = common::main_globals(&mut vm);
    let r = pyrite_core::interp::exec_source(&mut vm, src, "t.py", pyrite_compiler::Mode::File, g);
    vm.roots.pop();
    if let Err(e) = r {
        let mut s = String::new();
        let _ = pyrite_core::types::exception::print_exception(&mut vm, e.0, &mut s);
        out.borrow_mut().push_str(&s);
    }
    drop(vm);
    drop(region);
    let o = out.borrow().clone();
    o
}

#[test]
fn thread_programs() {
    common::big_stack(|| {
        let mut failed = Vec::new();
        let progs = common::area_programs("thread", &[]);
        for p in &progs {
            let src = std::fs::read_to_string(p).unwrap();
            let want = common::expected_output(p);
            let got = run_program(&src);
            if got != want {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                eprintln!("==== {} differs\n--- got\n{}--- want\n{}", name, got, want);
                failed.push(name);
            }
        }
        assert!(failed.is_empty(), "failed: {:?}", failed);
    });
}
