//! The GC heap: one fixed-size region supplied by the port, mark-sweep, non-moving.
//!
//! Layout of the region: `[allocation table | finaliser table | padding | blocks ...]`.
//! The pool is cut into blocks of [`BLOCK_BYTES`]. The allocation table (ATB) keeps 2 bits per
//! block: FREE, HEAD (first block of an allocation), TAIL (following blocks), MARK (a head that
//! the current collection found reachable). The finaliser table (FTB) keeps 1 bit per block:
//! "call the type's finaliser when this allocation is swept". The plain-data table (PTB) keeps
//! 1 bit per head block: "this allocation holds only bytes, never references" (byte arrays:
//! bytearray/array/BytesIO storage). Plain allocations are not scanned when marking, and they
//! are the only heap memory that raw-address writes (`uctypes`) may change: see
//! [`Heap::read_at`] / [`Heap::write_at`], the checked access API for raw addresses.
//!
//! Marking is conservative: every word of a reachable allocation that equals the address of a
//! HEAD block is a reference (so objects need no trace functions). Roots are given by the VM as
//! word ranges; the native stack is scanned too (see [`Heap::scan_native_stack`]), where interior
//! pointers also keep their allocation alive.

use alloc::vec::Vec;
use core::ptr::NonNull;

/// Bytes per block: two words on 64-bit hosts, four on 32-bit targets.
pub const BLOCK_BYTES: usize = 16;
const WORD: usize = core::mem::size_of::<usize>();
const BLOCKS_PER_ATB: usize = 4;

const AT_FREE: u8 = 0;
const AT_HEAD: u8 = 1;
const AT_TAIL: u8 = 2;
const AT_MARK: u8 = 3;

const MARK_STACK_SIZE: usize = 256;
/// The mark stack grows up to this many entries before marking falls back to rescanning the
/// heap for marked-but-unscanned blocks (a wide list would otherwise overflow a small stack
/// and cost a whole-heap pass per overflow).
const MARK_STACK_MAX: usize = 32 * 1024;
/// An explicitly freed run at most this many blocks below the next-fit point is reused by the
/// next allocations (see [`Heap::free`]).
const REUSE_WINDOW: usize = 4096;

/// Heap statistics (`gc.mem_alloc()`, `micropython.mem_info()`).
#[derive(Clone, Copy, Debug, Default)]
pub struct HeapInfo {
    pub total: usize,
    pub used: usize,
    pub free: usize,
    /// Blocks in the largest free run.
    pub max_free: usize,
    /// Number of 1-block and 2-block allocations.
    pub num_1block: usize,
    pub num_2block: usize,
    /// Blocks in the largest allocation.
    pub max_block: usize,
}

/// The GC heap.
pub struct Heap {
    atb: NonNull<u8>,
    ftb: NonNull<u8>,
    ptb: NonNull<u8>,
    pool: usize,
    n_blocks: usize,
    /// Lowest block index that might be free.
    first_free: usize,
    /// Where the next allocation starts looking (block after the previous allocation).
    next_fit: usize,
    /// Blocks `next_fit..bump_hi` are known to be free: allocations that fit there take them
    /// without a search.
    bump_hi: usize,
    used_blocks: usize,
    region_len: usize,
    mark_stack: Vec<usize>,
    mark_overflow: bool,
    /// Nesting count of `heap_lock()`.
    pub lock_depth: u32,
    /// Automatic collection enabled (`gc.enable()/disable()`).
    pub auto_collect: bool,
    /// Collect when this many bytes were allocated since the last collection (`gc.threshold()`),
    /// or never if None.
    pub threshold: Option<usize>,
    allocated_since_collect: usize,
    /// Footprint policy (0 = off): besides collecting when the heap is full, collect once
    /// `max(allowance, bytes live after the last collection)` bytes were allocated since it.
    /// Allocation restarts from the bottom after each collection, so the heap's touched pages
    /// stay near the live data plus the allowance instead of the whole heap. The allowance
    /// grows with the bytes allocated so far (an eighth of them) from `soft_min / 4` up to
    /// `soft_min`: a program that allocates little touches little (as with MicroPython, whose
    /// heap use is at most what was allocated), one that allocates much collects less often.
    soft_min: usize,
    soft_limit: usize,
    /// Bytes allocated since start (saturating; drives the allowance).
    allocated_total: usize,
    /// Blocks at or above this index are all free (bounds the sweep).
    high_water: usize,
    /// Number of collections so far.
    pub collections: usize,
    /// High-water mark of used bytes since start (for benchmarks).
    pub peak_used: usize,
}

/// What went wrong when allocating.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AllocError {
    /// Not enough contiguous free memory (even after a collection, if the caller did one).
    NoMemory,
    /// `micropython.heap_lock()` is in force.
    Locked,
}

impl Heap {
    /// Make a heap in `region`. The region must live as long as the heap and everything that
    /// may hold pointers into it (in practice, for the rest of the program).
    ///
    /// # Safety
    /// `region` must be valid for reads and writes for the heap's lifetime and not be used by
    /// anything else.
    pub unsafe fn new(region: *mut u8, len: usize) -> Heap {
        // Blocks need 1/4 byte of ATB + 1/8 byte of FTB + 1/8 byte of PTB each.
        let start = region as usize;
        let align_up = |x: usize| (x + BLOCK_BYTES - 1) & !(BLOCK_BYTES - 1);
        let mut n_blocks = (len * 8) / (BLOCK_BYTES * 8 + 2 + 1 + 1);
        loop {
            let atb_len = n_blocks.div_ceil(BLOCKS_PER_ATB);
            let ftb_len = n_blocks.div_ceil(8);
            let pool = align_up(start + atb_len + 2 * ftb_len);
            if n_blocks == 0 || pool + n_blocks * BLOCK_BYTES <= start + len {
                let atb_ptr = region;
                // SAFETY: atb_len + 2 * ftb_len <= len by the loop condition, so all three
                // tables lie inside the caller's region.
                let ftb_ptr = unsafe { region.add(atb_len) };
                // SAFETY: as above (the PTB follows the FTB, which has the same length).
                let ptb_ptr = unsafe { region.add(atb_len + ftb_len) };
                // SAFETY: the tables lie inside the region (above) and are contiguous; clearing
                // them marks every block free.
                unsafe { clear_untouched(atb_ptr, atb_len + 2 * ftb_len) };
                return Heap {
                    // SAFETY: region is a valid, hence non-null, pointer.
                    atb: unsafe { NonNull::new_unchecked(atb_ptr) },
                    // SAFETY: derived from a non-null in-bounds pointer.
                    ftb: unsafe { NonNull::new_unchecked(ftb_ptr) },
                    // SAFETY: derived from a non-null in-bounds pointer.
                    ptb: unsafe { NonNull::new_unchecked(ptb_ptr) },
                    pool,
                    n_blocks,
                    first_free: 0,
                    next_fit: 0,
                    bump_hi: 0,
                    used_blocks: 0,
                    region_len: len,
                    mark_stack: Vec::with_capacity(MARK_STACK_SIZE),
                    mark_overflow: false,
                    lock_depth: 0,
                    auto_collect: true,
                    threshold: None,
                    allocated_since_collect: 0,
                    soft_min: 0,
                    soft_limit: usize::MAX,
                    allocated_total: 0,
                    high_water: 0,
                    collections: 0,
                    peak_used: 0,
                };
            }
            n_blocks -= 1;
        }
    }

    /// Size of the region the port gave (what `-X heapsize=` asked for).
    pub fn region_len(&self) -> usize {
        self.region_len
    }
    /// Bytes usable for objects.
    pub fn total_bytes(&self) -> usize {
        self.n_blocks * BLOCK_BYTES
    }
    pub fn used_bytes(&self) -> usize {
        self.used_blocks * BLOCK_BYTES
    }
    pub fn free_bytes(&self) -> usize {
        (self.n_blocks - self.used_blocks) * BLOCK_BYTES
    }
    /// True if `addr` lies in the block pool.
    #[inline(always)]
    pub fn contains(&self, addr: usize) -> bool {
        addr >= self.pool && addr < self.pool + self.n_blocks * BLOCK_BYTES
    }
    /// True if a collection should run before the next allocation of `nbytes`.
    pub fn wants_collect(&self, nbytes: usize) -> bool {
        if cfg!(feature = "gc-stress") {
            return true;
        }
        match self.threshold {
            Some(t) if self.auto_collect => self.allocated_since_collect + nbytes > t,
            _ => self.auto_collect && self.allocated_since_collect + nbytes > self.soft_limit,
        }
    }

    /// Bytes from the start of the pool to the end of the highest allocation that may be live
    /// (the part of the heap that has been touched since the last collection, roughly).
    pub fn high_water_bytes(&self) -> usize {
        self.high_water * BLOCK_BYTES
    }

    /// Turn on the footprint policy (see `soft_min`): a port whose heap pages cost real memory
    /// only when touched (a host process) sets this; a board with a static heap leaves it off.
    pub fn set_soft_min(&mut self, bytes: usize) {
        self.soft_min = bytes;
        self.soft_limit = if bytes == 0 {
            usize::MAX
        } else {
            self.allowance()
        };
    }

    /// Bytes the footprint policy lets the program allocate between collections (see
    /// `soft_min`).
    fn allowance(&self) -> usize {
        (self.allocated_total / 8).clamp(self.soft_min / 4, self.soft_min)
    }

    #[inline(always)]
    fn atb_get(&self, block: usize) -> u8 {
        // SAFETY: callers pass block < n_blocks; the ATB holds n_blocks/4 rounded up bytes.
        let byte = unsafe { *self.atb.as_ptr().add(block / BLOCKS_PER_ATB) };
        (byte >> ((block % BLOCKS_PER_ATB) * 2)) & 3
    }
    #[inline(always)]
    fn atb_set(&mut self, block: usize, v: u8) {
        let shift = (block % BLOCKS_PER_ATB) * 2;
        // SAFETY: as in atb_get.
        unsafe {
            let p = self.atb.as_ptr().add(block / BLOCKS_PER_ATB);
            *p = (*p & !(3 << shift)) | (v << shift);
        }
    }
    #[inline(always)]
    fn ftb_get(&self, block: usize) -> bool {
        // SAFETY: block < n_blocks; the FTB holds n_blocks/8 rounded up bytes.
        unsafe { (*self.ftb.as_ptr().add(block / 8) >> (block % 8)) & 1 != 0 }
    }
    #[inline(always)]
    fn ptb_get(&self, block: usize) -> bool {
        // SAFETY: block < n_blocks; the PTB holds n_blocks/8 rounded up bytes.
        unsafe { (*self.ptb.as_ptr().add(block / 8) >> (block % 8)) & 1 != 0 }
    }
    #[inline(always)]
    fn ptb_set(&mut self, block: usize, v: bool) {
        // SAFETY: as in ptb_get.
        unsafe {
            let p = self.ptb.as_ptr().add(block / 8);
            if v {
                *p |= 1 << (block % 8);
            } else {
                *p &= !(1 << (block % 8));
            }
        }
    }
    #[inline(always)]
    fn ftb_set(&mut self, block: usize, v: bool) {
        // SAFETY: as in ftb_get.
        unsafe {
            let p = self.ftb.as_ptr().add(block / 8);
            if v {
                *p |= 1 << (block % 8);
            } else {
                *p &= !(1 << (block % 8));
            }
        }
    }
    #[inline(always)]
    fn block_addr(&self, block: usize) -> usize {
        self.pool + block * BLOCK_BYTES
    }
    #[inline(always)]
    fn block_of(&self, addr: usize) -> usize {
        (addr - self.pool) / BLOCK_BYTES
    }

    /// Allocate `nbytes` of zeroed memory, aligned to BLOCK_BYTES. Does not collect: the VM
    /// collects and retries when this fails.
    #[inline(never)]
    pub fn alloc(&mut self, nbytes: usize, finaliser: bool) -> Result<NonNull<u8>, AllocError> {
        if self.lock_depth > 0 {
            return Err(AllocError::Locked);
        }
        let n = nbytes.max(1).div_ceil(BLOCK_BYTES);
        let start = if self.next_fit + n <= self.bump_hi {
            self.next_fit
        } else {
            match self.search(n) {
                Some(s) => s,
                None => return Err(AllocError::NoMemory),
            }
        };
        Ok(self.take(start, n, finaliser))
    }

    /// Allocate from the known-free run at `next_fit` only (None: use [`Heap::alloc`]). The
    /// VM's allocation fast path.
    #[inline(always)]
    pub fn alloc_fast(&mut self, nbytes: usize, finaliser: bool) -> Option<NonNull<u8>> {
        let n = nbytes.max(1).div_ceil(BLOCK_BYTES);
        if self.lock_depth > 0 || self.next_fit + n > self.bump_hi {
            return None;
        }
        Some(self.take(self.next_fit, n, finaliser))
    }

    /// Make the free blocks `start..start + n` an allocation (zeroed) and return its address.
    #[inline(always)]
    fn take(&mut self, start: usize, n: usize, finaliser: bool) -> NonNull<u8> {
        let i = start + n - 1;
        self.set_run(start, n);
        if finaliser {
            self.ftb_set(start, true);
        }
        self.ptb_set(start, false);
        self.next_fit = i + 1;
        if i + 1 > self.high_water {
            self.high_water = i + 1;
        }
        self.used_blocks += n;
        self.allocated_since_collect += n * BLOCK_BYTES;
        let used = self.used_bytes();
        if used > self.peak_used {
            self.peak_used = used;
        }
        let addr = self.block_addr(start);
        // SAFETY: blocks start..=i are inside the pool and were free, so nothing else
        // uses them; zeroing keeps stale pointers from being traced.
        unsafe { core::ptr::write_bytes(addr as *mut u8, 0, n * BLOCK_BYTES) };
        // SAFETY: pool addresses are non-null.
        unsafe { NonNull::new_unchecked(addr as *mut u8) }
    }

    /// Find `n` free blocks for `alloc` when the known-free run at `next_fit` is too short, and
    /// note how far the free run after them extends.
    #[inline(never)]
    fn search(&mut self, n: usize) -> Option<usize> {
        // Next fit: continue after the previous allocation, then wrap around to first_free.
        // (Scanning from first_free every time is quadratic when a small hole stays below a
        // run of large allocations, e.g. big-int arithmetic.)
        let hint = self.next_fit.max(self.first_free);
        let mut found = self.find_run(hint, self.n_blocks, n);
        if found.is_none() && hint > self.first_free {
            found = self.find_run(self.first_free, (hint + n).min(self.n_blocks), n);
        }
        let start = found?;
        // The free run goes on past the allocation up to `e` (looked at up to a bound, so the
        // cost stays proportional to the blocks that later allocations take from it).
        let nb = self.n_blocks;
        let cap = (start + n).saturating_add(1024).min(nb);
        let mut e = start + n;
        while e < cap {
            if e.is_multiple_of(BLOCKS_PER_ATB) && e + BLOCKS_PER_ATB <= nb {
                // SAFETY: e + 4 <= n_blocks, so the byte index is inside the ATB.
                if unsafe { *self.atb.as_ptr().add(e / BLOCKS_PER_ATB) } == 0 {
                    e += BLOCKS_PER_ATB;
                    continue;
                }
            }
            if self.atb_get(e) != AT_FREE {
                break;
            }
            e += 1;
        }
        self.bump_hi = e;
        Some(start)
    }

    /// First run of `n` free blocks starting in `from..to` (the run may not extend past the
    /// pool). When the scan starts at `first_free`, moves `first_free` up to the first free
    /// block seen (past the run if the run starts there).
    ///
    /// Works a whole ATB byte (four blocks) at a time where it can: all-free bytes extend the
    /// run by four, bytes without a free block are skipped.
    fn find_run(&mut self, from: usize, to: usize, n: usize) -> Option<usize> {
        let from_first = from == self.first_free;
        let nb = self.n_blocks;
        let atb = self.atb.as_ptr();
        let mut run = 0usize;
        let mut i = from;
        let mut first_seen_free = usize::MAX;
        while i < nb && (run > 0 || i < to) {
            if i.is_multiple_of(BLOCKS_PER_ATB) && i + BLOCKS_PER_ATB <= nb {
                // SAFETY: i + 4 <= n_blocks, so the byte index is inside the ATB.
                let byte = unsafe { *atb.add(i / BLOCKS_PER_ATB) };
                if byte == 0 {
                    if first_seen_free == usize::MAX {
                        first_seen_free = i;
                    }
                    if run + BLOCKS_PER_ATB >= n {
                        return Some(self.found_run(from_first, first_seen_free, i - run, n));
                    }
                    run += BLOCKS_PER_ATB;
                    i += BLOCKS_PER_ATB;
                    continue;
                }
                // A field is free when both of its bits are clear.
                if run == 0 && !(byte | (byte >> 1)) & 0x55 == 0 {
                    i += BLOCKS_PER_ATB;
                    continue;
                }
            }
            if self.atb_get(i) == AT_FREE {
                if first_seen_free == usize::MAX {
                    first_seen_free = i;
                }
                run += 1;
                if run == n {
                    return Some(self.found_run(from_first, first_seen_free, i + 1 - n, n));
                }
            } else {
                run = 0;
            }
            i += 1;
        }
        if from_first {
            if first_seen_free != usize::MAX {
                self.first_free = first_seen_free;
            } else if to >= nb {
                self.first_free = nb;
            }
        }
        None
    }

    /// `find_run` found `n` free blocks at `start`: update `first_free` if the scan began there.
    #[inline(always)]
    fn found_run(
        &mut self,
        from_first: bool,
        first_seen_free: usize,
        start: usize,
        n: usize,
    ) -> usize {
        if from_first {
            self.first_free = if first_seen_free == start {
                start + n
            } else {
                first_seen_free
            };
        }
        start
    }

    /// Mark blocks `start..start + n` as one allocation (HEAD then TAILs), whole ATB bytes at a
    /// time in the middle. The blocks must be free.
    #[inline(always)]
    fn set_run(&mut self, start: usize, n: usize) {
        self.atb_set(start, AT_HEAD);
        let end = start + n;
        let mut b = start + 1;
        while b < end && !b.is_multiple_of(BLOCKS_PER_ATB) {
            self.atb_set(b, AT_TAIL);
            b += 1;
        }
        while b + BLOCKS_PER_ATB <= end {
            // SAFETY: b + 4 <= end <= n_blocks, so the byte index is inside the ATB; the four
            // blocks are free (the whole byte is zero), so writing all tails is correct.
            unsafe { *self.atb.as_ptr().add(b / BLOCKS_PER_ATB) = 0xaa };
            b += BLOCKS_PER_ATB;
        }
        while b < end {
            self.atb_set(b, AT_TAIL);
            b += 1;
        }
    }

    /// Number of bytes in the allocation starting at `addr` (0 if `addr` is not a head).
    pub fn alloc_size(&self, addr: usize) -> usize {
        if !self.contains(addr) || !(addr - self.pool).is_multiple_of(BLOCK_BYTES) {
            return 0;
        }
        let b = self.block_of(addr);
        if self.atb_get(b) != AT_HEAD && self.atb_get(b) != AT_MARK {
            return 0;
        }
        let mut e = b + 1;
        while e < self.n_blocks && self.atb_get(e) == AT_TAIL {
            e += 1;
        }
        (e - b) * BLOCK_BYTES
    }

    /// Grow or shrink an allocation in place if possible. Returns true on success.
    pub fn try_resize_in_place(&mut self, addr: usize, new_bytes: usize) -> bool {
        let old = self.alloc_size(addr);
        if old == 0 {
            return false;
        }
        let b = self.block_of(addr);
        let old_n = old / BLOCK_BYTES;
        let new_n = new_bytes.max(1).div_ceil(BLOCK_BYTES);
        if new_n <= old_n {
            for x in b + new_n..b + old_n {
                self.atb_set(x, AT_FREE);
            }
            self.used_blocks -= old_n - new_n;
            if b + new_n < self.first_free {
                self.first_free = b + new_n;
            }
            return true;
        }
        if b + new_n > self.n_blocks {
            return false;
        }
        if (b + old_n..b + new_n).any(|x| self.atb_get(x) != AT_FREE) {
            return false;
        }
        if self.lock_depth > 0 {
            return false;
        }
        for x in b + old_n..b + new_n {
            self.atb_set(x, AT_TAIL);
        }
        // Keep the known-free run at next_fit free.
        let (x, y) = (b + old_n, b + new_n);
        if x < self.bump_hi && y > self.next_fit {
            if x <= self.next_fit {
                self.next_fit = y;
                self.bump_hi = self.bump_hi.max(y);
            } else {
                self.bump_hi = x;
            }
        }
        let grow = new_n - old_n;
        if b + new_n > self.high_water {
            self.high_water = b + new_n;
        }
        self.used_blocks += grow;
        self.allocated_since_collect += grow * BLOCK_BYTES;
        let start = self.block_addr(b + old_n);
        // SAFETY: the grown blocks were free and lie inside the pool.
        unsafe { core::ptr::write_bytes(start as *mut u8, 0, grow * BLOCK_BYTES) };
        if self.used_bytes() > self.peak_used {
            self.peak_used = self.used_bytes();
        }
        true
    }

    /// Free an allocation explicitly (e.g. a buffer the owner replaced). Ignores non-heads.
    pub fn free(&mut self, addr: usize) {
        if !self.contains(addr) || !(addr - self.pool).is_multiple_of(BLOCK_BYTES) {
            return;
        }
        let b = self.block_of(addr);
        if self.atb_get(b) != AT_HEAD {
            return;
        }
        self.atb_set(b, AT_FREE);
        self.ftb_set(b, false);
        let mut e = b + 1;
        while e < self.n_blocks && self.atb_get(e) == AT_TAIL {
            self.atb_set(e, AT_FREE);
            e += 1;
        }
        self.used_blocks -= e - b;
        if b < self.first_free {
            self.first_free = b;
        }
        // Reuse the freed run soon (a grown list or dict table freeing its old storage) instead
        // of advancing into untouched pages, but only when it is near where allocation goes on:
        // an allocation that does not fit there scans upward from it, so the window bounds the
        // extra scanning.
        // Blocks b..e are free now; with e == next_fit they join the known-free run there.
        if b < self.next_fit && self.next_fit - b <= REUSE_WINDOW {
            self.bump_hi = if e >= self.next_fit {
                self.bump_hi.max(e)
            } else {
                e
            };
            self.next_fit = b;
        }
    }

    // ---- checked access through raw addresses (uctypes) ----

    /// Mark the allocation starting at `addr` as plain data: it holds only bytes, never
    /// references (so marking skips it, and raw-address writes may change it). Ignores
    /// addresses that are not the head of an allocation.
    pub fn mark_plain(&mut self, addr: usize) {
        if !self.contains(addr) || !(addr - self.pool).is_multiple_of(BLOCK_BYTES) {
            return;
        }
        let b = self.block_of(addr);
        if matches!(self.atb_get(b), AT_HEAD | AT_MARK) {
            self.ptb_set(b, true);
        }
    }

    /// The live allocation containing `addr`: (first byte, size in bytes, plain data).
    pub fn allocation_containing(&self, addr: usize) -> Option<(usize, usize, bool)> {
        if !self.contains(addr) {
            return None;
        }
        let mut b = self.block_of(addr);
        loop {
            match self.atb_get(b) {
                AT_HEAD | AT_MARK => break,
                AT_TAIL if b > 0 => {
                    // Skip whole ATB bytes of tails (0b10 in all four slots).
                    // SAFETY: b < n_blocks, so the byte index is inside the ATB.
                    let byte = unsafe { *self.atb.as_ptr().add(b / BLOCKS_PER_ATB) };
                    if b % BLOCKS_PER_ATB == BLOCKS_PER_ATB - 1 && byte == 0xaa && b >= 4 {
                        b -= BLOCKS_PER_ATB;
                    } else {
                        b -= 1;
                    }
                }
                _ => return None,
            }
        }
        let mut e = b + 1;
        while e < self.n_blocks && self.atb_get(e) == AT_TAIL {
            e += 1;
        }
        Some((self.block_addr(b), (e - b) * BLOCK_BYTES, self.ptb_get(b)))
    }

    /// Check that the `len` bytes at `addr` lie inside one live allocation (a plain-data one
    /// if `write`), and return them as a pointer. Zero-length ranges are always valid (the
    /// pointer is then dangling and must not be dereferenced). This is the only way raw
    /// addresses from Python (`uctypes`) reach memory: anything else is refused, so such an
    /// address can never read outside the heap, nor overwrite an object's header or references.
    pub fn checked_range(&self, addr: usize, len: usize, write: bool) -> Option<NonNull<u8>> {
        if len == 0 {
            return Some(NonNull::dangling());
        }
        let end = addr.checked_add(len)?;
        let (start, size, plain) = self.allocation_containing(addr)?;
        if end > start + size || (write && !plain) {
            return None;
        }
        NonNull::new(addr as *mut u8)
    }

    /// Copy `out.len()` bytes from `addr` into `out`; false (nothing copied) if the range is
    /// not inside one live allocation.
    pub fn read_at(&self, addr: usize, out: &mut [u8]) -> bool {
        let Some(p) = self.checked_range(addr, out.len(), false) else {
            return false;
        };
        if !out.is_empty() {
            // SAFETY: checked_range proved [addr, addr+len) lies inside a live allocation in the
            // pool, which is initialised memory (zeroed when allocated); `out` is Rust memory
            // outside the pool, so the ranges do not overlap. A byte copy has no alignment needs.
            unsafe { core::ptr::copy_nonoverlapping(p.as_ptr(), out.as_mut_ptr(), out.len()) };
        }
        true
    }

    /// Copy `data` to `addr`; false (nothing written) unless the range lies inside one live
    /// plain-data allocation.
    pub fn write_at(&mut self, addr: usize, data: &[u8]) -> bool {
        let Some(p) = self.checked_range(addr, data.len(), true) else {
            return false;
        };
        if !data.is_empty() {
            // SAFETY: checked_range proved the range lies inside a live plain-data allocation:
            // storage that holds only bytes (any value is valid, no references or headers to
            // corrupt); `data` is Rust memory outside the pool, so the ranges do not overlap.
            unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), p.as_ptr(), data.len()) };
        }
        true
    }

    // ---- collection ----

    /// Start a collection: call `mark_*` for every root, then `finish_collect`.
    pub fn begin_collect(&mut self) {
        self.mark_stack.clear();
        self.mark_overflow = false;
    }

    /// Mark one candidate word (exact pointer to a head block).
    #[inline]
    pub fn mark_word(&mut self, w: usize) {
        if self.contains(w) && (w - self.pool).is_multiple_of(BLOCK_BYTES) {
            let b = self.block_of(w);
            if self.atb_get(b) == AT_HEAD {
                self.atb_set(b, AT_MARK);
                self.push_mark(b);
            }
        }
    }

    /// Mark a candidate word that may point anywhere inside an allocation (native stack).
    fn mark_interior(&mut self, w: usize) {
        if !self.contains(w) {
            return;
        }
        let mut b = self.block_of(w);
        loop {
            match self.atb_get(b) {
                AT_HEAD => {
                    self.atb_set(b, AT_MARK);
                    self.push_mark(b);
                    return;
                }
                AT_TAIL if b > 0 => b -= 1,
                _ => return,
            }
        }
    }

    /// Push a marked block for scanning, or note the overflow.
    #[inline]
    fn push_pending(&mut self, b: usize) {
        let st = &mut self.mark_stack;
        if st.len() < st.capacity()
            || (st.len() < MARK_STACK_MAX && st.try_reserve(st.len().max(MARK_STACK_SIZE)).is_ok())
        {
            st.push(b);
        } else {
            self.mark_overflow = true;
        }
    }

    fn push_mark(&mut self, b: usize) {
        self.push_pending(b);
        self.drain_marks();
    }

    fn drain_marks(&mut self) {
        // Only the outermost call drains; nested pushes just add to the stack.
        while let Some(b) = self.mark_stack.pop() {
            self.scan_block_run(b);
        }
    }

    fn scan_block_run(&mut self, b: usize) {
        if self.ptb_get(b) {
            // Plain data: bytes, never references.
            return;
        }
        let mut e = b + 1;
        while e < self.n_blocks && self.atb_get(e) == AT_TAIL {
            e += 1;
        }
        let start = self.block_addr(b);
        let words = (e - b) * BLOCK_BYTES / WORD;
        for k in 0..words {
            // SAFETY: the words lie inside blocks b..e of the pool, which belong to a live allocation.
            let w = unsafe { *((start + k * WORD) as *const usize) };
            if self.contains(w) && (w - self.pool).is_multiple_of(BLOCK_BYTES) {
                let c = self.block_of(w);
                if self.atb_get(c) == AT_HEAD {
                    self.atb_set(c, AT_MARK);
                    self.push_pending(c);
                }
            }
        }
    }

    /// Mark every word in `[start, end)` (word-aligned addresses outside the heap, e.g. a root
    /// array in Rust memory). Exact pointers only.
    ///
    /// # Safety
    /// The range must be readable memory.
    pub unsafe fn mark_range(&mut self, start: usize, end: usize) {
        let mut p = (start + WORD - 1) & !(WORD - 1);
        while p + WORD <= end {
            // SAFETY: the caller guarantees the range is readable; p is aligned and inside it.
            let w = unsafe { *(p as *const usize) };
            self.mark_word(w);
            p += WORD;
        }
    }

    /// Mark everything referenced from `values`.
    pub fn mark_values(&mut self, values: &[crate::value::Value]) {
        for v in values {
            self.mark_word(v.word());
        }
    }

    /// Scan the native stack from the current stack pointer up to `stack_top` (an address in the
    /// outermost frame of the thread running Python code), with callee-saved registers spilled
    /// first so values held only in registers are seen.
    #[inline(never)]
    pub fn scan_native_stack(&mut self, stack_top: usize) {
        let regs = spill_registers();
        let sp = &regs as *const _ as usize;
        for &r in regs.iter() {
            self.mark_interior(r);
        }
        if stack_top > sp {
            let mut p = sp & !(WORD - 1);
            while p + WORD <= stack_top {
                // SAFETY: [sp, stack_top) is this thread's live native stack: readable memory.
                let w = unsafe { core::ptr::read_volatile(p as *const usize) };
                self.mark_interior(w);
                p += WORD;
            }
        }
        core::hint::black_box(&regs);
    }

    /// Finish a collection: complete marking, then sweep. `finalise` is called with the address
    /// of each unreachable allocation that asked for a finaliser, before it is freed.
    pub fn finish_collect(&mut self, finalise: &mut dyn FnMut(usize)) {
        self.drain_marks();
        while self.mark_overflow {
            self.mark_overflow = false;
            for b in 0..self.high_water.min(self.n_blocks) {
                if self.atb_get(b) == AT_MARK {
                    self.scan_block_run(b);
                    self.drain_marks();
                }
            }
        }
        // Sweep, one ATB byte (four blocks) at a time. `freeing`: the blocks being walked are
        // tails of an unreachable allocation.
        let mut freed = 0;
        let mut first_free = usize::MAX;
        let mut last_used = 0;
        let end = self.high_water.min(self.n_blocks);
        let atb = self.atb.as_ptr();
        let mut freeing = false;
        let mut bi = 0;
        while bi * BLOCKS_PER_ATB < end {
            let b0 = bi * BLOCKS_PER_ATB;
            // SAFETY: b0 < end <= n_blocks, so the byte index is inside the ATB.
            let byte = unsafe { *atb.add(bi) };
            bi += 1;
            if byte == 0 {
                freeing = false;
                if first_free == usize::MAX {
                    first_free = b0;
                }
                continue;
            }
            if byte == 0xaa {
                // Four tails.
                if freeing {
                    // SAFETY: as above.
                    unsafe { *atb.add(bi - 1) = 0 };
                    freed += BLOCKS_PER_ATB;
                } else {
                    last_used = b0 + BLOCKS_PER_ATB;
                }
                continue;
            }
            let mut out = byte;
            for k in 0..BLOCKS_PER_ATB {
                let sh = 2 * k;
                let b = b0 + k;
                match (byte >> sh) & 3 {
                    AT_FREE => {
                        // (Blocks at or past `end` in the last byte are free too.)
                        freeing = false;
                        if first_free == usize::MAX {
                            first_free = b;
                        }
                    }
                    AT_TAIL => {
                        if freeing {
                            out &= !(3 << sh);
                            freed += 1;
                        } else {
                            last_used = b + 1;
                        }
                    }
                    AT_MARK => {
                        out = (out & !(3 << sh)) | (AT_HEAD << sh);
                        freeing = false;
                        last_used = b + 1;
                    }
                    _ => {
                        // An unreachable head.
                        if self.ftb_get(b) {
                            self.ftb_set(b, false);
                            finalise(self.block_addr(b));
                        }
                        out &= !(3 << sh);
                        freed += 1;
                        freeing = true;
                        if first_free == usize::MAX {
                            first_free = b;
                        }
                    }
                }
            }
            // SAFETY: as above.
            unsafe { *atb.add(bi - 1) = out };
        }
        self.used_blocks -= freed;
        self.high_water = last_used;
        self.first_free = if first_free == usize::MAX {
            end
        } else {
            first_free.min(self.n_blocks)
        };
        self.allocated_total = self
            .allocated_total
            .saturating_add(self.allocated_since_collect);
        if self.soft_min != 0 {
            self.soft_limit = self.allowance().max(self.used_bytes());
        }
        self.next_fit = 0;
        self.bump_hi = 0;
        self.allocated_since_collect = 0;
        self.collections += 1;
    }

    /// Statistics for mem_info.
    pub fn info(&self) -> HeapInfo {
        let mut info = HeapInfo {
            total: self.total_bytes(),
            used: self.used_bytes(),
            free: self.free_bytes(),
            ..Default::default()
        };
        let mut b = 0;
        let mut free_run = 0;
        while b < self.n_blocks {
            match self.atb_get(b) {
                AT_FREE => {
                    free_run += 1;
                    info.max_free = info.max_free.max(free_run);
                    b += 1;
                }
                _ => {
                    free_run = 0;
                    let mut e = b + 1;
                    while e < self.n_blocks && self.atb_get(e) == AT_TAIL {
                        e += 1;
                    }
                    let n = e - b;
                    if n == 1 {
                        info.num_1block += 1;
                    } else if n == 2 {
                        info.num_2block += 1;
                    }
                    info.max_block = info.max_block.max(n);
                    b = e;
                }
            }
        }
        info
    }
}

/// Zero `len` bytes at `p`, writing only words that are not zero already. A host heap region
/// comes from fresh anonymous memory whose untouched pages read as zero without occupying RAM;
/// writing them would make the whole table (1/16 of the heap size) resident at start-up.
///
/// # Safety
/// `p..p+len` must be valid for reads and writes.
unsafe fn clear_untouched(p: *mut u8, len: usize) {
    const CHUNK: usize = 8 * WORD;
    let mut i = 0;
    // Bytes up to the first chunk-aligned address, then whole chunks, then the tail.
    while i < len && !(p as usize + i).is_multiple_of(CHUNK) {
        // SAFETY: i < len, inside the caller's range.
        unsafe { p.add(i).write(0) };
        i += 1;
    }
    while i + CHUNK <= len {
        // SAFETY: p+i is chunk-aligned (hence word-aligned) and the chunk lies inside the range.
        unsafe {
            let w = p.add(i) as *mut [usize; 8];
            if (*w).iter().fold(0, |acc, &x| acc | x) != 0 {
                w.write([0; 8]);
            }
        }
        i += CHUNK;
    }
    while i < len {
        // SAFETY: i < len, inside the caller's range.
        unsafe { p.add(i).write(0) };
        i += 1;
    }
}

/// Copy the callee-saved registers into an array on the stack so a conservative scan sees them.
#[inline(always)]
fn spill_registers() -> [usize; 12] {
    #[allow(unused_mut)]
    let mut regs = [0usize; 12];
    #[cfg(target_arch = "x86_64")]
    // SAFETY: stores six registers into the local array, which has room for twelve words.
    unsafe {
        core::arch::asm!(
            "mov [{0}], rbx", "mov [{0} + 8], rbp", "mov [{0} + 16], r12",
            "mov [{0} + 24], r13", "mov [{0} + 32], r14", "mov [{0} + 40], r15",
            in(reg) regs.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "x86")]
    // SAFETY: stores four registers into the local array.
    unsafe {
        core::arch::asm!(
            "mov [{0}], ebx", "mov [{0} + 4], esi", "mov [{0} + 8], edi", "mov [{0} + 12], ebp",
            in(reg) regs.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: stores x19-x29 (eleven registers) into the local array.
    unsafe {
        core::arch::asm!(
            "stp x19, x20, [{0}]", "stp x21, x22, [{0}, #16]", "stp x23, x24, [{0}, #32]",
            "stp x25, x26, [{0}, #48]", "stp x27, x28, [{0}, #64]", "str x29, [{0}, #80]",
            in(reg) regs.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "riscv32")]
    // SAFETY: stores s0-s11 (twelve registers) into the local array.
    unsafe {
        core::arch::asm!(
            "sw s0, 0({0})", "sw s1, 4({0})", "sw s2, 8({0})", "sw s3, 12({0})",
            "sw s4, 16({0})", "sw s5, 20({0})", "sw s6, 24({0})", "sw s7, 28({0})",
            "sw s8, 32({0})", "sw s9, 36({0})", "sw s10, 40({0})", "sw s11, 44({0})",
            in(reg) regs.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    #[cfg(target_arch = "riscv64")]
    // SAFETY: stores s0-s11 (twelve registers) into the local array.
    unsafe {
        core::arch::asm!(
            "sd s0, 0({0})", "sd s1, 8({0})", "sd s2, 16({0})", "sd s3, 24({0})",
            "sd s4, 32({0})", "sd s5, 40({0})", "sd s6, 48({0})", "sd s7, 56({0})",
            "sd s8, 64({0})", "sd s9, 72({0})", "sd s10, 80({0})", "sd s11, 88({0})",
            in(reg) regs.as_mut_ptr(), options(nostack, preserves_flags)
        );
    }
    core::hint::black_box(regs)
}
