//! The VM-owned value stack: one fixed buffer of `Value`s that holds the state (locals, value
//! stack, exception-handler stack) of every active bytecode frame, frames packed one after
//! another. It is allocated once and never reallocated, so frames can address it by index and
//! the dispatch loop can keep a raw pointer to it. The collector marks `[0, used)`.

use alloc::alloc::{alloc_zeroed, dealloc, Layout};
use core::ptr::NonNull;

use crate::value::Value;

pub struct ValueStack {
    ptr: NonNull<Value>,
    cap: usize,
}

impl ValueStack {
    /// An empty stack (no buffer yet).
    pub const fn empty() -> ValueStack {
        ValueStack {
            ptr: NonNull::dangling(),
            cap: 0,
        }
    }

    /// Allocate the buffer of `cap` values (all NULL). Does nothing if already allocated.
    pub fn ensure(&mut self, cap: usize) -> bool {
        if self.cap != 0 {
            return true;
        }
        let Ok(layout) = Layout::array::<Value>(cap) else {
            return false;
        };
        if layout.size() == 0 {
            return false;
        }
        // SAFETY: the layout has a non-zero size (checked above).
        let p = unsafe { alloc_zeroed(layout) } as *mut Value;
        match NonNull::new(p) {
            Some(p) => {
                self.ptr = p;
                self.cap = cap;
                true
            }
            None => false,
        }
    }

    #[inline(always)]
    pub fn capacity(&self) -> usize {
        self.cap
    }

    /// Base pointer of the buffer (valid for `capacity()` values).
    #[inline(always)]
    pub fn ptr(&self) -> *mut Value {
        self.ptr.as_ptr()
    }

    /// Read slot `i` (NULL if out of range).
    #[inline(always)]
    pub fn get(&self, i: usize) -> Value {
        if i < self.cap {
            // SAFETY: i < cap, and the buffer holds cap initialised Values (zero = NULL).
            unsafe { *self.ptr.as_ptr().add(i) }
        } else {
            Value::NULL
        }
    }

    /// Write slot `i` (ignored if out of range).
    #[inline(always)]
    pub fn set(&self, i: usize, v: Value) {
        if i < self.cap {
            // SAFETY: i < cap; the buffer is owned by this stack and only touched by the thread
            // running the interpreter.
            unsafe { *self.ptr.as_ptr().add(i) = v }
        }
    }

    /// The values in `[start, end)` as a slice (empty if out of range). The caller must not
    /// let anything write these slots while the slice is alive.
    #[inline(always)]
    pub fn slice(&self, start: usize, end: usize) -> &'static [Value] {
        if start <= end && end <= self.cap {
            // SAFETY: the range lies inside the buffer, which lives as long as the Vm (the
            // 'static is a promise the callers keep: slices never outlive the call they are
            // made for, and the slots are not written while they are in use).
            unsafe { core::slice::from_raw_parts(self.ptr.as_ptr().add(start), end - start) }
        } else {
            &[]
        }
    }
}

impl ValueStack {
    /// Copy `src` into slots `[start, start + src.len())`; false (nothing copied) if that
    /// range is not inside the buffer.
    #[inline]
    pub fn copy_in(&self, start: usize, src: &[core::cell::Cell<Value>]) -> bool {
        match start.checked_add(src.len()) {
            Some(end) if end <= self.cap => {
                // SAFETY: [start, end) lies inside the buffer; `src` is memory outside it (a
                // GC array), and Cell<Value> has the layout of Value.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        src.as_ptr() as *const Value,
                        self.ptr.as_ptr().add(start),
                        src.len(),
                    )
                };
                true
            }
            _ => false,
        }
    }

    /// Copy slots `[start, start + dst.len())` into `dst`; false (nothing copied) if that
    /// range is not inside the buffer.
    #[inline]
    pub fn copy_out(&self, start: usize, dst: &[core::cell::Cell<Value>]) -> bool {
        match start.checked_add(dst.len()) {
            Some(end) if end <= self.cap => {
                // SAFETY: as in copy_in; writing through the Cells' pointer is allowed (Cell
                // permits shared mutation) and no reference into them is held across it.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        self.ptr.as_ptr().add(start) as *const Value,
                        dst.as_ptr() as *mut Value,
                        dst.len(),
                    )
                };
                true
            }
            _ => false,
        }
    }
}

impl Drop for ValueStack {
    fn drop(&mut self) {
        if self.cap != 0 {
            if let Ok(layout) = Layout::array::<Value>(self.cap) {
                // SAFETY: the buffer was allocated in `ensure` with this same layout.
                unsafe { dealloc(self.ptr.as_ptr() as *mut u8, layout) };
            }
        }
    }
}
