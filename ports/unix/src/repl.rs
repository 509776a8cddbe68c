//! The consoles `pyrite` serves the core's REPL ([`pyrite_core::repl`]) on:
//! - a terminal (stdin is a tty): raw-ish mode set with `stty` while reading a line, the
//!   terminal's own mode restored while code runs (so Ctrl-C raises SIGINT, as MicroPython's
//!   unix port does); Ctrl-D exits.
//! - `--board`: stdin/stdout used like a board's UART (for `socat pty,raw,echo=0,... EXEC:`):
//!   output lines end in `\r\n`, a Ctrl-C byte interrupts running code, Ctrl-D soft-resets,
//!   end of input exits.
//! - `--board-tcp=PORT`: the same board console served to one TCP client at a time on
//!   127.0.0.1:PORT (mpremote's `socket://127.0.0.1:PORT`).

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use pyrite_core::repl::{Console, Exit, Repl};
use pyrite_core::Vm;

use crate::sys::{self, Condvar, Mutex};

/// Where board-console output goes: a descriptor (stdout or the current TCP client), or -1 to
/// discard it while no client is connected.
pub type Sink = Arc<Mutex<i32>>;

/// Write `data` to `sink` with lone `\n` written as `\r\n`.
pub fn write_crlf(sink: &Sink, data: &[u8]) {
    let mut out = Vec::with_capacity(data.len() + 8);
    let mut prev = 0u8;
    for &b in data {
        if b == b'\n' && prev != b'\r' {
            out.push(b'\r');
        }
        out.push(b);
        prev = b;
    }
    write_raw(sink, &out);
}

/// Write `data` to `sink` unchanged (binary output).
pub fn write_raw(sink: &Sink, data: &[u8]) {
    let fd = sink.lock();
    if *fd >= 0 {
        let _ = sys::write_all(*fd, data);
    }
}

/// Bytes received on the board console, filled by a reader thread.
#[derive(Default)]
pub struct ByteQueue {
    state: Mutex<(VecDeque<u8>, bool)>,
    ready: Condvar,
}

impl ByteQueue {
    fn push(&self, data: &[u8]) {
        let mut s = self.state.lock();
        s.0.extend(data.iter().copied());
        self.ready.notify_all();
    }
    fn close(&self) {
        let mut s = self.state.lock();
        s.1 = true;
        self.ready.notify_all();
    }
    /// Next byte, waiting; None at end of input.
    fn pop(&self) -> Option<u8> {
        let mut s = self.state.lock();
        loop {
            if let Some(b) = s.0.pop_front() {
                return Some(b);
            }
            if s.1 {
                return None;
            }
            s = self.ready.wait(s);
        }
    }
    fn try_pop(&self) -> Option<u8> {
        self.state.lock().0.pop_front()
    }
    /// Wait up to `timeout_ms` milliseconds for input (or the end of input); true if a read
    /// would not block.
    pub fn wait_readable(&self, timeout_ms: u64) -> bool {
        let s = self.state.lock();
        if !s.0.is_empty() || s.1 || timeout_ms == 0 {
            return !s.0.is_empty() || s.1;
        }
        let s = self.ready.wait_timeout_ms(s, timeout_ms);
        !s.0.is_empty() || s.1
    }
    /// For `sys.stdin` reads: wait for at least one byte; 0 at end of input or when Ctrl-C is
    /// pending (the VM then raises KeyboardInterrupt).
    pub fn read_into(&self, buf: &mut [u8], pending: &AtomicBool) -> usize {
        let mut s = self.state.lock();
        loop {
            if !s.0.is_empty() {
                let mut n = 0;
                while n < buf.len() {
                    match s.0.pop_front() {
                        Some(b) => {
                            buf[n] = b;
                            n += 1;
                            if b == b'\n' || b == b'\r' {
                                break;
                            }
                        }
                        None => break,
                    }
                }
                return n;
            }
            if s.1 || pending.load(Ordering::Relaxed) {
                return 0;
            }
            s = self.ready.wait_timeout_ms(s, 20);
        }
    }
}

/// Stack of the console's reader threads.
const READER_STACK: usize = 128 * 1024;

/// State shared between the board console, its reader threads and the host.
#[derive(Clone)]
pub struct Board {
    pub queue: Arc<ByteQueue>,
    pub sink: Sink,
    /// True while code runs: a Ctrl-C byte then interrupts instead of being queued.
    pub executing: Arc<AtomicBool>,
    pub pending: &'static AtomicBool,
    pub disabled: &'static AtomicBool,
}

impl Board {
    pub fn new(pending: &'static AtomicBool, disabled: &'static AtomicBool) -> Board {
        Board {
            queue: Arc::new(ByteQueue::default()),
            sink: Arc::new(Mutex::new(1)),
            executing: Arc::new(AtomicBool::new(false)),
            pending,
            disabled,
        }
    }

    /// Feed bytes from descriptor `src` into the queue on a thread; `close_at_end` ends the
    /// console when `src` ends (stdin), otherwise the next client may continue (TCP).
    pub fn spawn_reader(&self, src: i32, close_at_end: bool) {
        let b = self.clone();
        let reader = move || {
            let mut buf = [0u8; 512];
            loop {
                let n = match sys::read(src, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => n.min(buf.len()),
                    Err(libc::EINTR) => continue,
                    Err(_) => break,
                };
                let data = &buf[..n];
                if b.executing.load(Ordering::Relaxed) && !b.disabled.load(Ordering::Relaxed) {
                    // Ctrl-C interrupts running code and is not queued.
                    let mut rest = Vec::with_capacity(n);
                    for &c in data {
                        if c == 0x03 {
                            b.pending.store(true, Ordering::Relaxed);
                            // input typed before the interrupt is discarded, as on a UART
                            b.queue.state.lock().0.clear();
                            rest.clear();
                        } else {
                            rest.push(c);
                        }
                    }
                    b.queue.push(&rest);
                } else {
                    b.queue.push(data);
                }
            }
            if close_at_end {
                b.queue.close();
            }
            0
        };
        if let Ok(t) = sys::spawn(READER_STACK, Box::new(reader)) {
            t.detach();
        }
    }

    /// Serve the console on 127.0.0.1:`port`, one client at a time. The error is the OS's
    /// text for why the port cannot be listened on.
    pub fn serve_tcp(&self, port: u16) -> Result<(), alloc::string::String> {
        let listener = sys::tcp_listen(port).map_err(sys::os_error)?;
        let b = self.clone();
        let server = move || loop {
            let Ok(client) = sys::tcp_accept(listener) else {
                continue;
            };
            *b.sink.lock() = client;
            // one client at a time: read until it disconnects
            let mut buf = [0u8; 512];
            loop {
                let n = match sys::read(client, &mut buf) {
                    Ok(0) => break,
                    Ok(n) => n.min(buf.len()),
                    Err(libc::EINTR) => continue,
                    Err(_) => break,
                };
                b.feed(&buf[..n]);
            }
            *b.sink.lock() = -1;
            let _ = sys::close(client);
        };
        match sys::spawn(READER_STACK, Box::new(server)) {
            Ok(t) => {
                t.detach();
                Ok(())
            }
            Err(e) => {
                let _ = sys::close(listener);
                Err(sys::os_error(e))
            }
        }
    }

    fn feed(&self, data: &[u8]) {
        if self.executing.load(Ordering::Relaxed) && !self.disabled.load(Ordering::Relaxed) {
            let rest: Vec<u8> = data.iter().copied().filter(|&c| c != 0x03).collect();
            if rest.len() != data.len() {
                self.pending.store(true, Ordering::Relaxed);
            }
            self.queue.push(&rest);
        } else {
            self.queue.push(data);
        }
    }
}

/// The board console as the core's REPL sees it.
pub struct BoardConsole {
    pub board: Board,
}

impl Console for BoardConsole {
    fn read_byte(&mut self) -> Option<u8> {
        self.board.queue.pop()
    }
    fn poll_byte(&mut self) -> Option<u8> {
        self.board.queue.try_pop()
    }
    fn write(&mut self, data: &[u8]) {
        write_raw(&self.board.sink, data);
    }
    fn crlf(&self) -> bool {
        true
    }
    fn enter_exec(&mut self) {
        self.board.pending.store(false, Ordering::Relaxed);
        self.board.executing.store(true, Ordering::Relaxed);
    }
    fn leave_exec(&mut self) {
        self.board.executing.store(false, Ordering::Relaxed);
    }
}

/// A terminal on stdin/stdout, switched between line-editing mode (no echo, no canonical
/// input, no signals) and its original mode (while code runs, so Ctrl-C raises SIGINT).
pub struct TtyConsole {
    saved: Option<sys::Termios>,
}

impl TtyConsole {
    pub fn new() -> TtyConsole {
        let c = TtyConsole {
            saved: sys::tc_get(),
        };
        c.raw();
        c
    }
    fn raw(&self) {
        if let Some(orig) = &self.saved {
            let mut t = *orig;
            t.c_lflag &= !(libc::ICANON | libc::ECHO | libc::ISIG | libc::IEXTEN);
            t.c_iflag &= !(libc::ICRNL | libc::IXON | libc::INLCR);
            t.c_cc[libc::VMIN] = 1;
            t.c_cc[libc::VTIME] = 0;
            sys::tc_set(&t);
        }
    }
    fn restore(&self) {
        if let Some(t) = &self.saved {
            sys::tc_set(t);
        }
    }
}

impl Drop for TtyConsole {
    fn drop(&mut self) {
        self.restore();
    }
}

impl Console for TtyConsole {
    fn read_byte(&mut self) -> Option<u8> {
        let mut b = [0u8; 1];
        loop {
            match sys::read(0, &mut b) {
                Ok(0) => return None,
                Ok(_) => return Some(b[0]),
                Err(libc::EINTR) => continue,
                Err(_) => return None,
            }
        }
    }
    fn write(&mut self, data: &[u8]) {
        let _ = sys::write_all(1, data);
    }
    fn enter_exec(&mut self) {
        self.restore();
    }
    fn leave_exec(&mut self) {
        self.raw();
    }
}

/// Run the REPL on `con` until it exits; a soft reset drops the interpreter and makes a new one
/// with `make_vm`. Returns the exit status.
pub fn run(
    mut vm: Box<Vm>,
    make_vm: &mut dyn FnMut() -> Option<Box<Vm>>,
    con: &mut dyn Console,
    banner: &str,
    board: bool,
) -> i32 {
    let mut repl = Repl::new(banner);
    repl.ctrl_d_soft_reset = board;
    loop {
        let mut exit = repl.run(&mut vm, con);
        // machine.soft_reset()/reset() end the program with SystemExit; on a board that is a
        // soft reset, not the end of the REPL.
        if board
            && matches!(exit, Exit::Code(_))
            && pyrite_extmod::machine::take_soft_reset_request()
        {
            exit = Exit::SoftReset;
        }
        match exit {
            Exit::Code(c) => {
                pyrite_core::modules::sys::run_atexit(&mut vm);
                return c;
            }
            Exit::SoftReset => {
                pyrite_core::modules::sys::run_atexit(&mut vm);
                drop(vm);
                vm = match make_vm() {
                    Some(v) => v,
                    None => return 1,
                };
                con.write(b"MPY: soft reboot\r\n");
            }
        }
    }
}
