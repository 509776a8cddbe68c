//! The bytecode interpreter: loading compiled code into function objects, frames, the dispatch
//! loop, calls and argument binding, generators, exception unwinding and tracebacks.

use crate::value::Value;
use crate::vm::Vm;

/// Interpreter state kept in the Vm.
#[derive(Default)]
pub struct InterpState {}

/// Mark everything the interpreter state refers to.
pub fn mark_roots(_vm: &mut Vm) {}

/// A small argument buffer on the native stack (scanned conservatively by the collector).
pub struct ArgBuf {
    len: usize,
    items: [Value; 16],
}

impl Default for ArgBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl ArgBuf {
    pub fn new() -> ArgBuf {
        ArgBuf {
            len: 0,
            items: [Value::NULL; 16],
        }
    }
    /// Append; values past the inline capacity are dropped (callers with more arguments must
    /// use a GC list instead).
    pub fn push(&mut self, v: Value) {
        if self.len < self.items.len() {
            self.items[self.len] = v;
            self.len += 1;
        }
    }
    pub fn extend(&mut self, vs: &[Value]) {
        for &v in vs {
            self.push(v);
        }
    }
    pub fn as_slice(&self) -> &[Value] {
        &self.items[..self.len]
    }
}
