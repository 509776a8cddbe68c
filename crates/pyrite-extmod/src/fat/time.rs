//! FAT timestamps (date: years since 1980 << 9 | month << 5 | day; time: hour << 11 |
//! minute << 5 | seconds / 2) to and from seconds since 1970-01-01.

/// 1980-01-01, used when no clock is available.
pub const DEFAULT_DATE: u16 = (1 << 5) | 1;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    (y, m, d)
}

/// FAT (date, time) of a Unix time, clamped to FAT's range (1980..2107).
pub fn fat_from_unix(secs: i64) -> (u16, u16) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if y < 1980 {
        return (DEFAULT_DATE, 0);
    }
    if y > 2107 {
        return ((127 << 9) | (12 << 5) | 31, (23 << 11) | (59 << 5) | 29);
    }
    let date = (((y - 1980) as u16) << 9) | ((m as u16) << 5) | d as u16;
    let h = (rem / 3600) as u16;
    let mi = ((rem / 60) % 60) as u16;
    let s = (rem % 60) as u16;
    (date, (h << 11) | (mi << 5) | (s / 2))
}

/// Unix time of a FAT (date, time); 0 for a zero date.
pub fn unix_from_fat(date: u16, time: u16) -> i64 {
    if date == 0 {
        return 0;
    }
    let y = 1980 + (date >> 9) as i64;
    let m = ((date >> 5) & 15).clamp(1, 12) as u32;
    let d = (date & 31).max(1) as u32;
    let h = (time >> 11) as i64;
    let mi = ((time >> 5) & 63) as i64;
    let s = ((time & 31) * 2) as i64;
    days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for &t in &[315_532_800i64, 946_684_800, 1_700_000_000, 4_102_444_798] {
            let (d, tm) = fat_from_unix(t);
            assert_eq!(unix_from_fat(d, tm), t - t % 2);
        }
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
    }
}
