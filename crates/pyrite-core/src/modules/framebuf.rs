//! The `framebuf` module: `FrameBuffer(buffer, width, height, format[, stride])`, drawing
//! into any writable buffer object, as MicroPython's docs/library/framebuf.rst describes.
//!
//! Pixel formats (the module constants): MONO_VLSB (a byte is 8 vertical pixels, bit 0 at the
//! top; rows of bytes `stride` apart), MONO_HLSB / MONO_HMSB (a byte is 8 horizontal pixels,
//! most / least significant bit leftmost), RGB565 (16-bit little-endian words), GS2_HMSB
//! (4 pixels a byte, leftmost in the low bits), GS4_HMSB (2 pixels a byte, leftmost in the high
//! nibble), GS8 (a byte a pixel).
//!
//! The object keeps the buffer object, not a pointer: every operation fetches the buffer anew
//! and every byte access is bounds-checked, so a buffer that shrank after construction, or
//! any coordinates, never touch memory outside it. Shapes are clipped to the frame.
//! `blit` accepts another FrameBuffer (or an instance of a Python subclass) or a tuple
//! `(buffer, width, height, format[, stride])`, with an optional transparent `key` and a
//! `palette` frame buffer mapping source colours. The ellipse is drawn with Kennedy's
//! integer algorithm and filled polygons with scan-line node sorting, so the pixels chosen
//! match MicroPython's (ellipse radii are taken as absolute values, at most 2^20; coordinates
//! are clamped to +-2^31). The 8x8 font was derived from the text MicroPython renders (see
//! tools/gen-framebuf-font.py).

use crate::types::arg;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{
    flags, with_buffer_read, with_buffer_write, BufferFlags, BufferInfo, BuiltinFn, Kw, Type,
};
use crate::qstr::Q;
use crate::types;
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;
use super::BuiltinModuleDef;

const MVLSB: u8 = 0;
const RGB565: u8 = 1;
const GS4_HMSB: u8 = 2;
const MHLSB: u8 = 3;
const MHMSB: u8 = 4;
const GS2_HMSB: u8 = 5;
const GS8: u8 = 6;

/// Ellipse quadrant mask bits and the fill flag.
const Q_ALL: u32 = 0xf;
const E_FILL: u32 = 0x10;

/// Glyphs for characters 32..=127: 8 column bytes each, bit 0 at the top.
static FONT: [u8; 768] = [
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4f, 0x4f, 0x00, 0x00, 0x00,
    0x00, 0x07, 0x07, 0x00, 0x00, 0x07, 0x07, 0x00, 0x14, 0x7f, 0x7f, 0x14, 0x14, 0x7f, 0x7f, 0x14,
    0x00, 0x24, 0x2e, 0x6b, 0x6b, 0x3a, 0x12, 0x00, 0x00, 0x63, 0x33, 0x18, 0x0c, 0x66, 0x63, 0x00,
    0x00, 0x32, 0x7f, 0x4d, 0x4d, 0x77, 0x72, 0x50, 0x00, 0x00, 0x00, 0x04, 0x06, 0x03, 0x01, 0x00,
    0x00, 0x00, 0x1c, 0x3e, 0x63, 0x41, 0x00, 0x00, 0x00, 0x00, 0x41, 0x63, 0x3e, 0x1c, 0x00, 0x00,
    0x08, 0x2a, 0x3e, 0x1c, 0x1c, 0x3e, 0x2a, 0x08, 0x00, 0x08, 0x08, 0x3e, 0x3e, 0x08, 0x08, 0x00,
    0x00, 0x00, 0x80, 0xe0, 0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x00,
    0x00, 0x00, 0x00, 0x60, 0x60, 0x00, 0x00, 0x00, 0x00, 0x40, 0x60, 0x30, 0x18, 0x0c, 0x06, 0x02,
    0x00, 0x3e, 0x7f, 0x49, 0x45, 0x7f, 0x3e, 0x00, 0x00, 0x40, 0x44, 0x7f, 0x7f, 0x40, 0x40, 0x00,
    0x00, 0x62, 0x73, 0x51, 0x49, 0x4f, 0x46, 0x00, 0x00, 0x22, 0x63, 0x49, 0x49, 0x7f, 0x36, 0x00,
    0x00, 0x18, 0x18, 0x14, 0x16, 0x7f, 0x7f, 0x10, 0x00, 0x27, 0x67, 0x45, 0x45, 0x7d, 0x39, 0x00,
    0x00, 0x3e, 0x7f, 0x49, 0x49, 0x7b, 0x32, 0x00, 0x00, 0x03, 0x03, 0x79, 0x7d, 0x07, 0x03, 0x00,
    0x00, 0x36, 0x7f, 0x49, 0x49, 0x7f, 0x36, 0x00, 0x00, 0x26, 0x6f, 0x49, 0x49, 0x7f, 0x3e, 0x00,
    0x00, 0x00, 0x00, 0x24, 0x24, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0xe4, 0x64, 0x00, 0x00, 0x00,
    0x00, 0x08, 0x1c, 0x36, 0x63, 0x41, 0x41, 0x00, 0x00, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x00,
    0x00, 0x41, 0x41, 0x63, 0x36, 0x1c, 0x08, 0x00, 0x00, 0x02, 0x03, 0x51, 0x59, 0x0f, 0x06, 0x00,
    0x00, 0x3e, 0x7f, 0x41, 0x4d, 0x4f, 0x2e, 0x00, 0x00, 0x7c, 0x7e, 0x0b, 0x0b, 0x7e, 0x7c, 0x00,
    0x00, 0x7f, 0x7f, 0x49, 0x49, 0x7f, 0x36, 0x00, 0x00, 0x3e, 0x7f, 0x41, 0x41, 0x63, 0x22, 0x00,
    0x00, 0x7f, 0x7f, 0x41, 0x63, 0x3e, 0x1c, 0x00, 0x00, 0x7f, 0x7f, 0x49, 0x49, 0x41, 0x41, 0x00,
    0x00, 0x7f, 0x7f, 0x09, 0x09, 0x01, 0x01, 0x00, 0x00, 0x3e, 0x7f, 0x41, 0x49, 0x7b, 0x3a, 0x00,
    0x00, 0x7f, 0x7f, 0x08, 0x08, 0x7f, 0x7f, 0x00, 0x00, 0x00, 0x41, 0x7f, 0x7f, 0x41, 0x00, 0x00,
    0x00, 0x20, 0x60, 0x41, 0x7f, 0x3f, 0x01, 0x00, 0x00, 0x7f, 0x7f, 0x1c, 0x36, 0x63, 0x41, 0x00,
    0x00, 0x7f, 0x7f, 0x40, 0x40, 0x40, 0x40, 0x00, 0x00, 0x7f, 0x7f, 0x06, 0x0c, 0x06, 0x7f, 0x7f,
    0x00, 0x7f, 0x7f, 0x0e, 0x1c, 0x7f, 0x7f, 0x00, 0x00, 0x3e, 0x7f, 0x41, 0x41, 0x7f, 0x3e, 0x00,
    0x00, 0x7f, 0x7f, 0x09, 0x09, 0x0f, 0x06, 0x00, 0x00, 0x1e, 0x3f, 0x21, 0x61, 0x7f, 0x5e, 0x00,
    0x00, 0x7f, 0x7f, 0x19, 0x39, 0x6f, 0x46, 0x00, 0x00, 0x26, 0x6f, 0x49, 0x49, 0x7b, 0x32, 0x00,
    0x00, 0x01, 0x01, 0x7f, 0x7f, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x7f, 0x40, 0x40, 0x7f, 0x3f, 0x00,
    0x00, 0x1f, 0x3f, 0x60, 0x60, 0x3f, 0x1f, 0x00, 0x00, 0x7f, 0x7f, 0x30, 0x18, 0x30, 0x7f, 0x7f,
    0x00, 0x63, 0x77, 0x1c, 0x1c, 0x77, 0x63, 0x00, 0x00, 0x07, 0x0f, 0x78, 0x78, 0x0f, 0x07, 0x00,
    0x00, 0x61, 0x71, 0x59, 0x4d, 0x47, 0x43, 0x00, 0x00, 0x00, 0x7f, 0x7f, 0x41, 0x41, 0x00, 0x00,
    0x00, 0x02, 0x06, 0x0c, 0x18, 0x30, 0x60, 0x40, 0x00, 0x00, 0x41, 0x41, 0x7f, 0x7f, 0x00, 0x00,
    0x00, 0x08, 0x0c, 0x06, 0x06, 0x0c, 0x08, 0x00, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0, 0xc0,
    0x00, 0x00, 0x01, 0x03, 0x06, 0x04, 0x00, 0x00, 0x00, 0x20, 0x74, 0x54, 0x54, 0x7c, 0x78, 0x00,
    0x00, 0x7f, 0x7f, 0x44, 0x44, 0x7c, 0x38, 0x00, 0x00, 0x38, 0x7c, 0x44, 0x44, 0x6c, 0x28, 0x00,
    0x00, 0x38, 0x7c, 0x44, 0x44, 0x7f, 0x7f, 0x00, 0x00, 0x38, 0x7c, 0x54, 0x54, 0x5c, 0x58, 0x00,
    0x00, 0x08, 0x7e, 0x7f, 0x09, 0x03, 0x02, 0x00, 0x00, 0x98, 0xbc, 0xa4, 0xa4, 0xfc, 0x7c, 0x00,
    0x00, 0x7f, 0x7f, 0x04, 0x04, 0x7c, 0x78, 0x00, 0x00, 0x00, 0x00, 0x7d, 0x7d, 0x00, 0x00, 0x00,
    0x00, 0x40, 0xc0, 0x80, 0x80, 0xfd, 0x7d, 0x00, 0x00, 0x7f, 0x7f, 0x30, 0x38, 0x6c, 0x44, 0x00,
    0x00, 0x00, 0x41, 0x7f, 0x7f, 0x40, 0x00, 0x00, 0x00, 0x7c, 0x7c, 0x18, 0x30, 0x18, 0x7c, 0x7c,
    0x00, 0x7c, 0x7c, 0x04, 0x04, 0x7c, 0x78, 0x00, 0x00, 0x38, 0x7c, 0x44, 0x44, 0x7c, 0x38, 0x00,
    0x00, 0xfc, 0xfc, 0x24, 0x24, 0x3c, 0x18, 0x00, 0x00, 0x18, 0x3c, 0x24, 0x24, 0xfc, 0xfc, 0x00,
    0x00, 0x7c, 0x7c, 0x04, 0x04, 0x0c, 0x08, 0x00, 0x00, 0x48, 0x5c, 0x54, 0x54, 0x74, 0x20, 0x00,
    0x04, 0x04, 0x3f, 0x7f, 0x44, 0x64, 0x20, 0x00, 0x00, 0x3c, 0x7c, 0x40, 0x40, 0x7c, 0x3c, 0x00,
    0x00, 0x1c, 0x3c, 0x60, 0x60, 0x3c, 0x1c, 0x00, 0x00, 0x1c, 0x7c, 0x30, 0x18, 0x30, 0x7c, 0x1c,
    0x00, 0x44, 0x6c, 0x38, 0x38, 0x6c, 0x44, 0x00, 0x00, 0x9c, 0xbc, 0xa0, 0xa0, 0xfc, 0x7c, 0x00,
    0x00, 0x44, 0x64, 0x74, 0x5c, 0x4c, 0x44, 0x00, 0x00, 0x08, 0x08, 0x3e, 0x77, 0x41, 0x41, 0x00,
    0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x41, 0x41, 0x77, 0x3e, 0x08, 0x08, 0x00,
    0x00, 0x02, 0x03, 0x01, 0x03, 0x02, 0x03, 0x01, 0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55, 0xaa, 0x55,
];

/// Size and layout of a frame (validated: 1 <= w, h <= 0xffff, stride >= w).
#[derive(Clone, Copy)]
struct Geom {
    w: i64,
    h: i64,
    stride: i64,
    fmt: u8,
}

type Buf<'a> = &'a [Cell<u8>];

impl Geom {
    /// Check arguments as MicroPython does and round the stride for sub-byte formats.
    /// Returns the geometry and the number of bytes the buffer must hold.
    fn new(w: i64, h: i64, fmt: i64, stride: i64) -> Option<(Geom, i64)> {
        if w < 1 || h < 1 || w > 0xffff || h > 0xffff || stride > 0xffff || stride < w {
            return None;
        }
        let (stride, wreq, bpp) = match fmt as u8 {
            _ if !(0..=6).contains(&fmt) => return None,
            MVLSB => (stride, w, 1),
            MHLSB | MHMSB => ((stride + 7) & !7, (w + 7) & !7, 1),
            GS2_HMSB => ((stride + 3) & !3, (w + 3) & !3, 2),
            GS4_HMSB => ((stride + 1) & !1, (w + 1) & !1, 4),
            GS8 => (stride, w, 8),
            _ => (stride, w, 16),
        };
        let need = if fmt as u8 == MVLSB {
            ((h + 7) / 8 - 1) * stride + w
        } else {
            ((h - 1) * stride + wreq) * bpp / 8
        };
        Some((
            Geom {
                w,
                h,
                stride,
                fmt: fmt as u8,
            },
            need,
        ))
    }

    /// Byte index and bit shift of pixel (x, y) (assumed inside the frame).
    fn locate(&self, x: i64, y: i64) -> (usize, u32) {
        let (i, s) = match self.fmt {
            MVLSB => ((y >> 3) * self.stride + x, (y & 7) as u32),
            MHLSB => ((x + y * self.stride) >> 3, 7 - (x & 7) as u32),
            MHMSB => ((x + y * self.stride) >> 3, (x & 7) as u32),
            GS2_HMSB => ((x + y * self.stride) >> 2, ((x & 3) << 1) as u32),
            GS4_HMSB => ((x + y * self.stride) >> 1, if x & 1 == 1 { 0 } else { 4 }),
            GS8 => (x + y * self.stride, 0),
            _ => ((x + y * self.stride) * 2, 0),
        };
        (usize::try_from(i).unwrap_or(usize::MAX), s)
    }

    fn inside(&self, x: i64, y: i64) -> bool {
        (0..self.w).contains(&x) && (0..self.h).contains(&y)
    }

    /// Pixel (x, y); 0 for a byte outside the buffer. The caller checks `inside`.
    #[inline(never)]
    fn get(&self, b: Buf, x: i64, y: i64) -> u32 {
        let (i, s) = self.locate(x, y);
        let byte = |k: usize| b.get(k).map(|c| c.get() as u32).unwrap_or(0);
        match self.fmt {
            MVLSB | MHLSB | MHMSB => (byte(i) >> s) & 1,
            GS2_HMSB => (byte(i) >> s) & 3,
            GS4_HMSB => (byte(i) >> s) & 0xf,
            GS8 => byte(i),
            _ => byte(i) | (byte(i.saturating_add(1)) << 8),
        }
    }

    /// Set pixel (x, y) (the caller checks `inside`); bytes outside the buffer are skipped.
    #[inline(never)]
    fn set(&self, b: Buf, x: i64, y: i64, c: u32) {
        let (i, s) = self.locate(x, y);
        let put = |k: usize, mask: u32, v: u32| {
            if let Some(cell) = b.get(k) {
                let old = cell.get() as u32;
                cell.set(((old & !(mask << s)) | ((v & mask) << s)) as u8);
            }
        };
        match self.fmt {
            MVLSB | MHLSB | MHMSB => put(i, 1, c),
            GS2_HMSB => put(i, 3, c),
            GS4_HMSB => put(i, 0xf, c),
            GS8 => put(i, 0xff, c),
            _ => {
                put(i, 0xff, c);
                put(i.saturating_add(1), 0xff, c >> 8);
            }
        }
    }

    fn set_checked(&self, b: Buf, x: i64, y: i64, c: u32) {
        if self.inside(x, y) {
            self.set(b, x, y, c);
        }
    }

    #[inline(never)]
    fn fill_rect(&self, b: Buf, x: i64, y: i64, w: i64, h: i64, c: u32) {
        if w < 1 || h < 1 || x >= self.w || y >= self.h {
            return;
        }
        let (xe, ye) = (
            x.saturating_add(w).min(self.w),
            y.saturating_add(h).min(self.h),
        );
        if xe <= 0 || ye <= 0 {
            return;
        }
        for yy in y.max(0)..ye {
            for xx in x.max(0)..xe {
                self.set(b, xx, yy, c);
            }
        }
    }

    /// Bresenham's line, both end points included.
    #[inline(never)]
    fn line(&self, b: Buf, x1: i64, y1: i64, x2: i64, y2: i64, c: u32) {
        let (mut dx, mut sx) = (x2 - x1, 1);
        if dx <= 0 {
            dx = -dx;
            sx = -1;
        }
        let (mut dy, mut sy) = (y2 - y1, 1);
        if dy <= 0 {
            dy = -dy;
            sy = -1;
        }
        // Walk along the major axis `a`, stepping the minor axis `m` when the error says so.
        let steep = dy > dx;
        let (a0, m0) = if steep { (y1, x1) } else { (x1, y1) };
        let (da, dm, sa, sm) = if steep {
            (dy, dx, sy, sx)
        } else {
            (dx, dy, sx, sy)
        };
        let lim = if steep { self.h } else { self.w };
        // Only steps whose major coordinate is inside the frame can draw: start there, with
        // the minor coordinate and error the step-by-step walk would have reached.
        let (i0, i1) = if sa > 0 {
            ((-a0).max(0), (lim - a0).min(da))
        } else {
            ((a0 - lim + 1).max(0), (a0 + 1).min(da))
        };
        if i0 < i1 {
            let (da2, dm2) = (2 * da as i128, 2 * dm as i128);
            let (mut m, mut e) = if i0 == 0 {
                (m0, dm2 - da as i128)
            } else {
                let before = dm2 - da as i128 + dm2 * (i0 as i128 - 1);
                let q = if before >= 0 { before / da2 + 1 } else { 0 };
                (m0 + (sm as i128 * q) as i64, before - da2 * q + dm2)
            };
            let mut a = a0 + sa * i0;
            for _ in i0..i1 {
                let (px, py) = if steep { (m, a) } else { (a, m) };
                self.set_checked(b, px, py, c);
                while e >= 0 {
                    m += sm;
                    e -= da2;
                }
                a += sa;
                e += dm2;
            }
        }
        self.set_checked(b, x2, y2, c);
    }

    #[inline(never)]
    fn ellipse_points(&self, b: Buf, (cx, cy): (i64, i64), x: i64, y: i64, c: u32, mask: u32) {
        if mask & E_FILL != 0 {
            if mask & 1 != 0 {
                self.fill_rect(b, cx, cy - y, x + 1, 1, c);
            }
            if mask & 2 != 0 {
                self.fill_rect(b, cx - x, cy - y, x + 1, 1, c);
            }
            if mask & 4 != 0 {
                self.fill_rect(b, cx - x, cy + y, x + 1, 1, c);
            }
            if mask & 8 != 0 {
                self.fill_rect(b, cx, cy + y, x + 1, 1, c);
            }
        } else {
            let pts = [
                (cx + x, cy - y),
                (cx - x, cy - y),
                (cx - x, cy + y),
                (cx + x, cy + y),
            ];
            for (k, &(px, py)) in pts.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    self.set_checked(b, px, py, c);
                }
            }
        }
    }

    /// Kennedy's midpoint ellipse: the first arc steps y while the slope is shallow, the
    /// second steps x from the top.
    fn ellipse(&self, b: Buf, (cx, cy): (i64, i64), a: i64, bb: i64, c: u32, mask: u32) {
        if a == 0 && bb == 0 {
            if mask & Q_ALL != 0 {
                self.set_checked(b, cx, cy, c);
            }
            return;
        }
        let (a1, b1) = (a as i128, bb as i128);
        let two_a2 = 2 * a1 * a1;
        let two_b2 = 2 * b1 * b1;
        let (mut x, mut y) = (a1, 0i128);
        let mut xch = b1 * b1 * (1 - 2 * a1);
        let mut ych = a1 * a1;
        let mut err = 0i128;
        let mut stop_x = two_b2 * a1;
        let mut stop_y = 0i128;
        // Stop an arc once its points have left the frame for good (the second arc's filled
        // spans reach back towards the centre, so only its outline stops early).
        let (ylim, xlim) = (
            (cy.max(self.h - 1 - cy)) as i128,
            (cx.max(self.w - 1 - cx)) as i128,
        );
        while stop_x >= stop_y && y <= ylim {
            self.ellipse_points(b, (cx, cy), x as i64, y as i64, c, mask);
            y += 1;
            stop_y += two_a2;
            err += ych;
            ych += two_a2;
            if 2 * err + xch > 0 {
                x -= 1;
                stop_x -= two_b2;
                err += xch;
                xch += two_b2;
            }
        }
        x = 0;
        y = b1;
        xch = b1 * b1;
        ych = a1 * a1 * (1 - 2 * b1);
        err = 0;
        stop_x = 0;
        stop_y = two_a2 * b1;
        while stop_x <= stop_y && (x <= xlim || mask & E_FILL != 0) {
            self.ellipse_points(b, (cx, cy), x as i64, y as i64, c, mask);
            x += 1;
            stop_x += two_b2;
            err += xch;
            xch += two_b2;
            if 2 * err + ych > 0 {
                y -= 1;
                stop_y -= two_a2;
                err += ych;
                ych += two_a2;
            }
        }
    }

    /// A polygon through `pts` (closed), offset by (x, y); filled by scan lines when `fill`.
    fn poly(&self, b: Buf, x: i64, y: i64, pts: &[(i64, i64)], c: u32, fill: bool) {
        let n = pts.len();
        if n == 0 {
            return;
        }
        // Edges are walked from the first point backwards, as MicroPython does (it matters
        // only for which end a horizontal edge's line starts at).
        let edges = || (0..n).map(move |k| (pts[(n - k) % n], pts[n - 1 - k]));
        if !fill {
            for ((x1, y1), (x2, y2)) in edges() {
                self.line(b, x + x1, y + y1, x + x2, y + y2, c);
            }
            return;
        }
        let ymin = pts.iter().map(|p| p.1).min().unwrap_or(0);
        let ymax = pts.iter().map(|p| p.1).max().unwrap_or(0);
        // Only scan lines inside the frame can draw anything.
        let lo = ymin.max(-y);
        let hi = ymax.min(self.h - 1 - y);
        let mut nodes: Vec<i64> = Vec::with_capacity(n);
        let mut row = lo;
        while row <= hi {
            nodes.clear();
            for ((px1, py1), (px2, py2)) in edges() {
                if py1 != py2 && ((py1 > row && py2 <= row) || (py1 <= row && py2 > row)) {
                    let (px1, px2, py1, py2, r) = (
                        px1 as i128,
                        px2 as i128,
                        py1 as i128,
                        py2 as i128,
                        row as i128,
                    );
                    let num = 32 * px1 + 32 * (px2 - px1) * (r - py1) / (py2 - py1) + 16;
                    nodes.push((num / 32) as i64);
                } else if row == py1.max(py2) {
                    // A local minimum (or a horizontal edge) on this row: draw it directly.
                    if py1 < py2 {
                        self.set_checked(b, x + px2, y + py2, c);
                    } else if py2 < py1 {
                        self.set_checked(b, x + px1, y + py1, c);
                    } else {
                        self.line(b, x + px1, y + py1, x + px2, y + py2, c);
                    }
                }
            }
            pyrite_compiler::sort::sort(&mut nodes);
            for pair in nodes.chunks_exact(2) {
                self.fill_rect(b, x + pair[0], y + row, pair[1] - pair[0] + 1, 1, c);
            }
            row += 1;
        }
    }

    #[inline(never)]
    fn scroll(&self, b: Buf, xs: i64, ys: i64) {
        // Copy in the direction that never reads a pixel already overwritten.
        let (x0, xend, dx) = if xs < 0 {
            (0, self.w + xs, 1)
        } else {
            (self.w - 1, xs - 1, -1)
        };
        if (dx == 1 && xend <= 0) || (dx == -1 && xend >= x0) {
            return;
        }
        let (mut yy, yend, dy) = if ys < 0 {
            (0, self.h + ys, 1)
        } else {
            (self.h - 1, ys - 1, -1)
        };
        if (dy == 1 && yend <= 0) || (dy == -1 && yend >= yy) {
            return;
        }
        while yy != yend {
            let mut xx = x0;
            while xx != xend {
                let v = self.get(b, xx - xs, yy - ys);
                self.set(b, xx, yy, v);
                xx += dx;
            }
            yy += dy;
        }
    }

    #[inline(never)]
    fn text(&self, b: Buf, s: &[u8], mut x: i64, y: i64, c: u32) {
        for &ch in s {
            if ch == 0 {
                break;
            }
            let g = if (32..=127).contains(&ch) { ch } else { 127 } as usize - 32;
            for &col in &FONT[g * 8..g * 8 + 8] {
                if (0..self.w).contains(&x) {
                    for k in 0..8 {
                        if col >> k & 1 != 0 {
                            self.set_checked(b, x, y + k, c);
                        }
                    }
                }
                x = x.saturating_add(1);
            }
        }
    }
}

/// A FrameBuffer: the buffer object and the geometry.
#[repr(C)]
pub struct FrameBufObj {
    pub hdr: ObjHeader,
    buf: Cell<Value>,
    w: Cell<u32>,
    h: Cell<u32>,
    stride: Cell<u32>,
    fmt: Cell<u8>,
}
crate::py_object!(FrameBufObj, FRAMEBUF_TYPE);

pub static FRAMEBUF_TYPE: Type = Type {
    make_new: Some(fb_make_new),
    buffer: Some(fb_buffer),
    ..Type::new(Q::FrameBuffer)
}
.with_flags(flags::BASETYPE | flags::EQ_IS_IDENTITY)
.with_locals(&FB_LOCALS);

impl FrameBufObj {
    fn geom(&self) -> Geom {
        Geom {
            w: self.w.get() as i64,
            h: self.h.get() as i64,
            stride: self.stride.get() as i64,
            fmt: self.fmt.get(),
        }
    }
}

fn int(vm: &mut Vm, v: Value) -> PyResult<i64> {
    Ok(arg_int(vm, v)? as i64)
}

/// Make a frame from (buffer, width, height, format[, stride]).
/// `writable`: the buffer must be writable (a blit source need not be).
fn make_frame(vm: &mut Vm, a: &[Value], writable: bool) -> PyResult<Value> {
    let w = int(vm, arg(a, 1))?;
    let h = int(vm, arg(a, 2))?;
    let fmt = int(vm, arg(a, 3))?;
    let stride = match a.get(4) {
        Some(&s) => int(vm, s)?,
        None => w,
    };
    let Some((g, need)) = Geom::new(w, h, fmt, stride) else {
        return Err(vm.value_error("invalid framebuffer arguments"));
    };
    let len = if writable {
        with_buffer_write(vm, arg(a, 0), |c| c.len())?
    } else {
        with_buffer_read(vm, arg(a, 0), |c| c.len())?
    };
    let len = match len {
        Some(n) => n,
        None => return Err(vm.type_error("object with buffer protocol required")),
    };
    if need > len as i64 {
        return Err(vm.value_error("buffer too small"));
    }
    Ok(vm
        .alloc_obj(FrameBufObj {
            hdr: ObjHeader::new(&FRAMEBUF_TYPE),
            buf: Cell::new(arg(a, 0)),
            w: Cell::new(g.w as u32),
            h: Cell::new(g.h as u32),
            stride: Cell::new(g.stride as u32),
            fmt: Cell::new(g.fmt),
        })?
        .value())
}

fn fb_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if !(4..=5).contains(&args.len()) {
        return Err(vm.type_error("FrameBuffer takes 4 or 5 arguments"));
    }
    make_frame(vm, args, true)
}

/// `FrameBuffer1(buffer, width, height[, stride])`: the legacy MONO_VLSB constructor.
fn framebuffer1(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let mut a: Vec<Value> = args[..3].to_vec();
    a.push(Value::small_int_unchecked(MVLSB as isize));
    if let Some(&s) = args.get(3) {
        a.push(s);
    }
    make_frame(vm, &a, true)
}

fn fb_of(v: Value) -> Option<crate::value::Gc<FrameBufObj>> {
    types::class::native_self(v, &FRAMEBUF_TYPE).and_then(|n| n.downcast::<FrameBufObj>())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<crate::value::Gc<FrameBufObj>> {
    match fb_of(v) {
        Some(f) => Ok(f),
        None => Err(vm.type_error("expected a FrameBuffer")),
    }
}

fn fb_buffer(vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(f) = fb_of(v) else {
        return Ok(None);
    };
    let b = f.buf.get();
    match b.type_of().buffer {
        Some(slot) => slot(vm, b, fl),
        None => Ok(None),
    }
}

/// Run `draw` on the frame's buffer.
#[inline(never)]
fn draw(vm: &mut Vm, v: Value, draw: &mut dyn FnMut(&Geom, Buf)) -> PyResult<Value> {
    let f = this(vm, v)?;
    let g = f.geom();
    if with_buffer_write(vm, f.buf.get(), |b| draw(&g, b))?.is_none() {
        return Err(vm.type_error("object with buffer protocol required"));
    }
    Ok(Value::NONE)
}

/// Integer arguments `args[from..from + N]`.
fn ints<const N: usize>(vm: &mut Vm, args: &[Value], from: usize) -> PyResult<[i64; N]> {
    let mut out = [0i64; N];
    for (k, o) in out.iter_mut().enumerate() {
        *o = int(vm, args[from + k])?;
    }
    Ok(out)
}

fn m_fill(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let c = int(vm, arg(args, 1))? as u32;
    draw(vm, arg(args, 0), &mut |g, b| {
        g.fill_rect(b, 0, 0, g.w, g.h, c)
    })
}

fn m_fill_rect(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y, w, h, c] = ints::<5>(vm, args, 1)?;
    draw(vm, arg(args, 0), &mut |g, b| {
        g.fill_rect(b, x, y, w, h, c as u32)
    })
}

fn m_pixel(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y] = ints::<2>(vm, args, 1)?;
    let f = this(vm, arg(args, 0))?;
    let g = f.geom();
    if !g.inside(x, y) {
        return Ok(Value::NONE);
    }
    match args.get(3) {
        Some(&c) => {
            let c = int(vm, c)? as u32;
            draw(vm, arg(args, 0), &mut |g, b| g.set(b, x, y, c))
        }
        None => {
            let v = with_buffer_write(vm, f.buf.get(), |b| g.get(b, x, y))?.unwrap_or(0);
            types::int::int_from_u64(vm, v as u64)
        }
    }
}

fn m_hline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y, w, c] = ints::<4>(vm, args, 1)?;
    let (x, y, w) = (coord(x), coord(y), coord(w));
    draw(vm, arg(args, 0), &mut |g, b| {
        g.fill_rect(b, x, y, w, 1, c as u32)
    })
}

fn m_vline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y, h, c] = ints::<4>(vm, args, 1)?;
    let (x, y, h) = (coord(x), coord(y), coord(h));
    draw(vm, arg(args, 0), &mut |g, b| {
        g.fill_rect(b, x, y, 1, h, c as u32)
    })
}

fn m_rect(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y, w, h, c] = ints::<5>(vm, args, 1)?;
    let (x, y, w, h) = (coord(x), coord(y), coord(w), coord(h));
    let fill = match args.get(6) {
        Some(&f) => vm.is_true(f)?,
        None => false,
    };
    let c = c as u32;
    draw(vm, arg(args, 0), &mut |g, b| {
        if fill {
            g.fill_rect(b, x, y, w, h, c);
        } else {
            g.fill_rect(b, x, y, w, 1, c);
            g.fill_rect(b, x, y.saturating_add(h) - 1, w, 1, c);
            g.fill_rect(b, x, y, 1, h, c);
            g.fill_rect(b, x.saturating_add(w) - 1, y, 1, h, c);
        }
    })
}

/// Coordinates are clamped to +-2^31 so that line and polygon arithmetic cannot overflow.
fn coord(v: i64) -> i64 {
    v.clamp(-(1 << 31), 1 << 31)
}

fn m_line(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x1, y1, x2, y2, c] = ints::<5>(vm, args, 1)?;
    let (x1, y1, x2, y2) = (coord(x1), coord(y1), coord(x2), coord(y2));
    draw(vm, arg(args, 0), &mut |g, b| {
        g.line(b, x1, y1, x2, y2, c as u32)
    })
}

fn m_ellipse(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y, xr, yr, c] = ints::<5>(vm, args, 1)?;
    let mut mask = match args.get(6) {
        Some(&f) if vm.is_true(f)? => E_FILL,
        _ => 0,
    };
    mask |= match args.get(7) {
        Some(&m) => int(vm, m)? as u32 & Q_ALL,
        None => Q_ALL,
    };
    // The arcs take a step per unit of radius: radii are limited to 2^20 (16 times the
    // largest frame) so that no call runs for minutes, and negative radii draw as positive.
    let r = |v: i64| v.unsigned_abs().min(1 << 20) as i64;
    let (x, y, xr, yr) = (coord(x), coord(y), r(xr), r(yr));
    draw(vm, arg(args, 0), &mut |g, b| {
        g.ellipse(b, (x, y), xr, yr, c as u32, mask)
    })
}

/// The integers of a buffer of any array typecode.
fn buffer_ints(vm: &mut Vm, v: Value) -> PyResult<Vec<i64>> {
    let code = match v.type_of().buffer {
        Some(slot) => slot(vm, v, BufferFlags::Read)?.map(|i| i.typecode),
        None => None,
    };
    let Some(code) = code else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let size = match code {
        b'h' | b'H' => 2,
        b'i' | b'I' | b'l' | b'L' | b'f' => 4,
        b'q' | b'Q' | b'd' => 8,
        _ => 1,
    };
    let bytes = with_buffer_read(vm, v, bytes_vec)?.unwrap_or_default();
    Ok(bytes
        .chunks_exact(size)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..size].copy_from_slice(c);
            let u = u64::from_le_bytes(w);
            let signed = |bits: u32| ((u << (64 - bits)) as i64) >> (64 - bits);
            match code {
                b'b' => signed(8),
                b'h' => signed(16),
                b'i' | b'l' => signed(32),
                b'q' => u as i64,
                b'f' => f32::from_bits(u as u32) as i64,
                b'd' => f64::from_bits(u) as i64,
                _ => u as i64,
            }
        })
        .collect())
}

fn m_poly(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [x, y] = ints::<2>(vm, args, 1)?;
    let coords = buffer_ints(vm, arg(args, 3))?;
    let c = int(vm, arg(args, 4))? as u32;
    let fill = match args.get(5) {
        Some(&f) => vm.is_true(f)?,
        None => false,
    };
    let pts: Vec<(i64, i64)> = coords
        .chunks_exact(2)
        .map(|p| (coord(p[0]), coord(p[1])))
        .collect();
    let (x, y) = (coord(x), coord(y));
    draw(vm, arg(args, 0), &mut |g, b| g.poly(b, x, y, &pts, c, fill))
}

/// The pixels source of a blit: a FrameBuffer or a (buffer, w, h, format[, stride]) tuple.
fn source(vm: &mut Vm, v: Value) -> PyResult<(Geom, Vec<u8>)> {
    let (g, buf) = if let Some(f) = fb_of(v) {
        (f.geom(), f.buf.get())
    } else if let Some(t) = types::tuple::tuple_items(v) {
        let items: Vec<Value> = t.items().to_vec();
        if !(4..=5).contains(&items.len()) {
            return Err(vm.value_error("invalid framebuffer tuple"));
        }
        let fb = make_frame(vm, &items, false)?;
        let f = this(vm, fb)?;
        (f.geom(), items[0])
    } else {
        return Err(vm.type_error("expected a FrameBuffer"));
    };
    let bytes = match with_buffer_read(vm, buf, bytes_vec)? {
        Some(b) => b,
        None => return Err(vm.type_error("object with buffer protocol required")),
    };
    Ok((g, bytes))
}

fn m_blit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (sg, mut sbytes) = source(vm, arg(args, 1))?;
    let [x, y] = ints::<2>(vm, args, 2)?;
    let key = match args.get(4) {
        Some(&k) => int(vm, k)?,
        None => -1,
    };
    let mut pal = match args.get(5) {
        Some(&p) if !p.is_none() => Some(source(vm, p)?),
        _ => None,
    };
    let (x, y) = (coord(x), coord(y));
    draw(vm, arg(args, 0), &mut |g, b| {
        if x >= g.w || y >= g.h || -x >= sg.w || -y >= sg.h {
            return;
        }
        let src = Cell::from_mut(&mut sbytes[..]).as_slice_of_cells();
        let pal = pal
            .as_mut()
            .map(|(pg, pb)| (*pg, Cell::from_mut(&mut pb[..]).as_slice_of_cells()));
        let (xe, ye) = ((x + sg.w).min(g.w), (y + sg.h).min(g.h));
        for dy in y.max(0)..ye {
            for dx in x.max(0)..xe {
                let mut col = sg.get(src, dx - x, dy - y);
                if let Some((pg, pb)) = pal {
                    if (col as i64) < pg.w {
                        col = pg.get(pb, col as i64, 0);
                    }
                }
                if col as i64 != key {
                    g.set(b, dx, dy, col);
                }
            }
        }
    })
}

fn m_scroll(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let [xs, ys] = ints::<2>(vm, args, 1)?;
    let (xs, ys) = (coord(xs), coord(ys));
    draw(vm, arg(args, 0), &mut |g, b| g.scroll(b, xs, ys))
}

fn m_text(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s: Vec<u8> = match types::str::str_data(vm, arg(args, 1)) {
        Some(s) => bytes_vec(s.as_bytes()),
        None => return Err(super::builtins::bad_implicit_conversion(vm, arg(args, 1))),
    };
    let [x, y] = ints::<2>(vm, args, 2)?;
    let c = match args.get(4) {
        Some(&c) => int(vm, c)? as u32,
        None => 1,
    };
    let (x, y) = (coord(x), coord(y));
    draw(vm, arg(args, 0), &mut |g, b| g.text(b, &s, x, y, c))
}

static FILL: BuiltinFn = BuiltinFn::new(Q::fill, 2, 2, m_fill);
static FILL_RECT: BuiltinFn = BuiltinFn::new(Q::fill_rect, 6, 6, m_fill_rect);
static PIXEL: BuiltinFn = BuiltinFn::new(Q::pixel, 3, 4, m_pixel);
static HLINE: BuiltinFn = BuiltinFn::new(Q::hline, 5, 5, m_hline);
static VLINE: BuiltinFn = BuiltinFn::new(Q::vline, 5, 5, m_vline);
static RECT: BuiltinFn = BuiltinFn::new(Q::rect, 6, 7, m_rect);
static LINE: BuiltinFn = BuiltinFn::new(Q::line, 6, 6, m_line);
static ELLIPSE: BuiltinFn = BuiltinFn::new(Q::ellipse, 6, 8, m_ellipse);
static POLY: BuiltinFn = BuiltinFn::new(Q::poly, 5, 6, m_poly);
static BLIT: BuiltinFn = BuiltinFn::new(Q::blit, 4, 6, m_blit);
static SCROLL: BuiltinFn = BuiltinFn::new(Q::scroll, 3, 3, m_scroll);
static TEXT: BuiltinFn = BuiltinFn::new(Q::text, 4, 5, m_text);
static FRAMEBUFFER1: BuiltinFn = BuiltinFn::new(Q::FrameBuffer1, 3, 4, framebuffer1);

fixed_dict!(
    FB_LOCALS,
    [
        (Q::fill, fnv!(FILL)),
        (Q::fill_rect, fnv!(FILL_RECT)),
        (Q::pixel, fnv!(PIXEL)),
        (Q::hline, fnv!(HLINE)),
        (Q::vline, fnv!(VLINE)),
        (Q::rect, fnv!(RECT)),
        (Q::line, fnv!(LINE)),
        (Q::ellipse, fnv!(ELLIPSE)),
        (Q::poly, fnv!(POLY)),
        (Q::blit, fnv!(BLIT)),
        (Q::scroll, fnv!(SCROLL)),
        (Q::text, fnv!(TEXT)),
    ]
);

const fn small(n: u8) -> Value {
    Value::small_int_unchecked(n as isize)
}

fixed_dict!(
    FRAMEBUF_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::framebuf)),
        (Q::FrameBuffer, Value::from_static(&FRAMEBUF_TYPE)),
        (Q::FrameBuffer1, fnv!(FRAMEBUFFER1)),
        (Q::MVLSB, small(MVLSB)),
        (Q::MONO_VLSB, small(MVLSB)),
        (Q::RGB565, small(RGB565)),
        (Q::GS2_HMSB, small(GS2_HMSB)),
        (Q::GS4_HMSB, small(GS4_HMSB)),
        (Q::GS8, small(GS8)),
        (Q::MONO_HLSB, small(MHLSB)),
        (Q::MONO_HMSB, small(MHMSB)),
    ]
);

pub static FRAMEBUF_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::framebuf,
    globals: &FRAMEBUF_GLOBALS,
    init: None,
    extensible: false,
};
