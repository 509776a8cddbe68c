//! One small sort for the whole interpreter's internal (non-Python) sorting: `[T]::sort*` from
//! core is monomorphised per element type into several KB each (driftsort/ipnsort with their
//! small-sort networks), so every place that sorts names, numbers or pairs used to cost
//! 3-11 KB of code. Here the algorithm (heapsort: O(n log n), no allocation) is compiled once,
//! over indices through one callback; each element type adds only a tiny closure.
//!
//! Not stable: use it where equal elements are indistinguishable or cannot occur (sorting
//! distinct names, plain integers, pairs with distinct first fields).

/// Sorts `v` ascending by `less`.
pub fn sort_by<T>(v: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    heapsort(v.len(), &mut |i, j, swap| {
        if swap {
            if i < v.len() && j < v.len() {
                v.swap(i, j);
            }
            false
        } else {
            match (v.get(i), v.get(j)) {
                (Some(a), Some(b)) => less(a, b),
                _ => false,
            }
        }
    });
}

/// Sorts `v` ascending by `Ord`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, |a, b| a < b);
}

/// Heapsort over `n` positions. `op(i, j, false)` answers "element i < element j";
/// `op(i, j, true)` swaps elements i and j.
#[inline(never)]
fn heapsort(n: usize, op: &mut dyn FnMut(usize, usize, bool) -> bool) {
    fn sift(op: &mut dyn FnMut(usize, usize, bool) -> bool, mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && op(child, child + 1, false) {
                child += 1;
            }
            if !op(root, child, false) {
                return;
            }
            op(root, child, true);
            root = child;
        }
    }
    for i in (0..n / 2).rev() {
        sift(op, i, n);
    }
    for end in (1..n).rev() {
        op(0, end, true);
        sift(op, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    #[test]
    fn sorts_like_core() {
        let mut seed = 12345u32;
        for n in 0..70 {
            let mut v: Vec<i64> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
                    i64::from((seed >> 16) % 50) - 25
                })
                .collect();
            let mut w = v.clone();
            sort(&mut v);
            w.sort();
            assert_eq!(v, w);
        }
        let mut s = alloc::vec!["b", "a", "d", "c", "a"];
        sort_by(&mut s, |a, b| a < b);
        assert_eq!(s, ["a", "a", "b", "c", "d"]);
    }
}
