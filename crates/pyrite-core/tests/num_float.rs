//! Float repr/printf formatting and parsing against CPython (cases from tools/gen-float-cases.py).
use pyrite_core::types::numfmt::{float_repr, format_float, parse_float_text};

#[test]
fn float_format_cases_match_cpython() {
    let data = include_str!("data/float_cases.txt");
    let mut n = 0;
    let mut bad = Vec::new();
    for line in data.lines() {
        let mut it = line.splitn(3, ';');
        let (bits, spec, want) = (it.next().unwrap(), it.next().unwrap(), it.next().unwrap());
        let f = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        let mut got = String::new();
        if spec == "r" {
            float_repr(&mut got, f);
            // parsing the repr gives the same float back
            if parse_float_text(want.as_bytes()).map(f64::to_bits) != Some(f.to_bits()) {
                bad.push(format!("parse {}", want));
            }
        } else {
            let alt = spec.starts_with('#');
            let s = spec.trim_start_matches('#').trim_start_matches('.');
            let (p, c) = s.split_at(s.len() - 1);
            format_float(&mut got, f, c.as_bytes()[0], p.parse().unwrap(), alt);
        }
        if got != want {
            bad.push(format!("{:e} with {}: got {} want {}", f, spec, got, want));
        }
        n += 1;
    }
    assert!(
        bad.is_empty(),
        "{} bad of {}:\n{}",
        bad.len(),
        n,
        bad[..bad.len().min(30)].join("\n")
    );
    assert!(n > 2000);
}
