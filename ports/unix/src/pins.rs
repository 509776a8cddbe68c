//! The host's [`Pins`]: no pins, but an identity and a clock for `machine`.

use alloc::string::String;
use alloc::vec::Vec;

use pyrite_hal::pins::Pins;

/// The text of a file, if it can be read and is UTF-8.
fn read_text(path: &str) -> Option<String> {
    String::from_utf8(crate::sys::read_file(path).ok()?).ok()
}

#[derive(Default)]
pub struct UnixPins {}

impl Pins for UnixPins {
    /// The host's `/etc/machine-id` (16 bytes from its hex text), else the hostname's bytes.
    fn unique_id(&mut self) -> Vec<u8> {
        if let Some(t) = read_text("/etc/machine-id") {
            let t = t.trim();
            let bytes: Vec<u8> = (0..t.len() / 2)
                .filter_map(|i| t.get(2 * i..2 * i + 2))
                .filter_map(|h| u8::from_str_radix(h, 16).ok())
                .collect();
            if bytes.len() >= 8 {
                return bytes;
            }
        }
        match read_text("/proc/sys/kernel/hostname") {
            Some(h) if !h.trim().is_empty() => h.trim().as_bytes().to_vec(),
            _ => b"pyrite".to_vec(),
        }
    }

    /// The first CPU's maximum clock from sysfs, else "cpu MHz" from /proc/cpuinfo, else 0.
    fn freq(&mut self) -> u64 {
        if let Some(t) = read_text("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq") {
            if let Ok(khz) = t.trim().parse::<u64>() {
                return khz.saturating_mul(1000);
            }
        }
        if let Some(t) = read_text("/proc/cpuinfo") {
            for line in t.lines() {
                if let Some(rest) = line.strip_prefix("cpu MHz") {
                    if let Some(v) = rest.split(':').nth(1) {
                        if let Ok(mhz) = v.trim().parse::<f64>() {
                            return (mhz * 1e6) as u64;
                        }
                    }
                }
            }
        }
        0
    }
}
