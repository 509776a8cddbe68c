//! The consoles `pyrite` serves the core's REPL ([`pyrite_core::repl`]) on:
//! - a terminal (stdin is a tty): raw-ish mode set with `stty` while reading a line, the
//!   terminal's own mode restored while code runs (so Ctrl-C raises SIGINT, as MicroPython's
//!   unix port does); Ctrl-D exits.
//! - `--board`: stdin/stdout used like a board's UART (for `socat pty,raw,echo=0,... EXEC:`):
//!   output lines end in `\r\n`, a Ctrl-C byte interrupts running code, Ctrl-D soft-resets,
//!   end of input exits.
//! - `--board-tcp=PORT`: the same board console served to one TCP client at a time on
//!   127.0.0.1:PORT (mpremote's `socket://127.0.0.1:PORT`).

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use pyrite_core::repl::{Console, Exit, Repl};
use pyrite_core::Vm;

/// Where board-console output goes (stdout or the current TCP client).
pub type Sink = Arc<Mutex<Box<dyn Write + Send>>>;

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
    if let Ok(mut w) = sink.lock() {
        let _ = w.write_all(&out);
        let _ = w.flush();
    }
}

/// Write `data` to `sink` unchanged (binary output).
pub fn write_raw(sink: &Sink, data: &[u8]) {
    if let Ok(mut w) = sink.lock() {
        let _ = w.write_all(data);
        let _ = w.flush();
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
        if let Ok(mut s) = self.state.lock() {
            s.0.extend(data.iter().copied());
            self.ready.notify_all();
        }
    }
    fn close(&self) {
        if let Ok(mut s) = self.state.lock() {
            s.1 = true;
            self.ready.notify_all();
        }
    }
    /// Next byte, waiting; None at end of input.
    fn pop(&self) -> Option<u8> {
        let mut s = self.state.lock().ok()?;
        loop {
            if let Some(b) = s.0.pop_front() {
                return Some(b);
            }
            if s.1 {
                return None;
            }
            s = self.ready.wait(s).ok()?;
        }
    }
    fn try_pop(&self) -> Option<u8> {
        self.state.lock().ok()?.0.pop_front()
    }
    /// Wait up to `timeout` for input (or the end of input); true if a read would not block.
    pub fn wait_readable(&self, timeout: Duration) -> bool {
        let Ok(s) = self.state.lock() else {
            return true;
        };
        if !s.0.is_empty() || s.1 {
            return true;
        }
        match self.ready.wait_timeout(s, timeout) {
            Ok((s, _)) => !s.0.is_empty() || s.1,
            Err(_) => true,
        }
    }
    /// For `sys.stdin` reads: wait for at least one byte; 0 at end of input or when Ctrl-C is
    /// pending (the VM then raises KeyboardInterrupt).
    pub fn read_into(&self, buf: &mut [u8], pending: &AtomicBool) -> usize {
        let Ok(mut s) = self.state.lock() else {
            return 0;
        };
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
            match self.ready.wait_timeout(s, Duration::from_millis(20)) {
                Ok((g, _)) => s = g,
                Err(_) => return 0,
            }
        }
    }
}

/// State shared between the board console, its reader threads and the host.
#[derive(Clone)]
pub struct Board {
    pub queue: Arc<ByteQueue>,
    pub sink: Sink,
    /// True while code runs: a Ctrl-C byte then interrupts instead of being queued.
    pub executing: Arc<AtomicBool>,
    pub pending: Arc<AtomicBool>,
    pub disabled: Arc<AtomicBool>,
}

impl Board {
    pub fn new(pending: Arc<AtomicBool>, disabled: Arc<AtomicBool>) -> Board {
        Board {
            queue: Arc::new(ByteQueue::default()),
            sink: Arc::new(Mutex::new(Box::new(std::io::stdout()))),
            executing: Arc::new(AtomicBool::new(false)),
            pending,
            disabled,
        }
    }

    /// Feed bytes from `src` into the queue on a thread; `close_at_end` ends the console when
    /// `src` ends (stdin), otherwise the next client may continue (TCP).
    pub fn spawn_reader<R: Read + Send + 'static>(&self, mut src: R, close_at_end: bool) {
        let b = self.clone();
        let _ = std::thread::Builder::new()
            .name("console".into())
            .spawn(move || {
                let mut buf = [0u8; 512];
                loop {
                    let n = match src.read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
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
                                if let Ok(mut s) = b.queue.state.lock() {
                                    s.0.clear();
                                }
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
            });
    }

    /// Serve the console on 127.0.0.1:`port`, one client at a time.
    pub fn serve_tcp(&self, port: u16) -> std::io::Result<()> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", port))?;
        let b = self.clone();
        std::thread::Builder::new()
            .name("console-tcp".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let _ = stream.set_nodelay(true);
                    let Ok(w) = stream.try_clone() else { continue };
                    if let Ok(mut s) = b.sink.lock() {
                        *s = Box::new(w);
                    }
                    // one client at a time: read until it disconnects
                    let mut src = stream;
                    let mut buf = [0u8; 512];
                    loop {
                        let n = match src.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        b.feed(&buf[..n]);
                    }
                    if let Ok(mut s) = b.sink.lock() {
                        *s = Box::new(std::io::sink());
                    }
                }
            })?;
        Ok(())
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
    saved: Option<libc::termios>,
}

fn tc_get() -> Option<libc::termios> {
    // SAFETY: termios is plain old data, so all-zero is a valid value; tcgetattr writes only
    // into the struct we pass.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        if libc::tcgetattr(0, &mut t) == 0 {
            Some(t)
        } else {
            None
        }
    }
}

fn tc_set(t: &libc::termios) {
    // SAFETY: `t` is a valid termios obtained from tcgetattr (possibly with flags changed);
    // tcsetattr only reads it.
    unsafe {
        libc::tcsetattr(0, libc::TCSADRAIN, t);
    }
}

impl TtyConsole {
    pub fn new() -> TtyConsole {
        let c = TtyConsole { saved: tc_get() };
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
            tc_set(&t);
        }
    }
    fn restore(&self) {
        if let Some(t) = &self.saved {
            tc_set(t);
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
        let _ = std::io::stdout().flush();
        let mut b = [0u8; 1];
        loop {
            match std::io::stdin().lock().read(&mut b) {
                Ok(0) => return None,
                Ok(_) => return Some(b[0]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => return None,
            }
        }
    }
    fn write(&mut self, data: &[u8]) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(data);
        let _ = out.flush();
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
