//! The Pyrite runtime.
#![no_std]
extern crate alloc;
