//! Find how much native stack the compiler needs per nesting level (dev tool).
//! Usage: cargo run --example stack_probe
use pyrite_compiler::{compile, Mode, Options};

fn gen(kind: &str, n: usize) -> String {
    match kind {
        "parens" => format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n)),
        "parensP" => format!("x = {}1{}\n)", "(".repeat(n), ")".repeat(n)),
        "lists" => format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n)),
        "neg" => format!("x = {}1\n", "-".repeat(n)),
        "calls" => format!("x = {}1{}\n", "f(".repeat(n), ")".repeat(n)),
        "lambdas" => format!("x = {}1\n", "lambda: ".repeat(n)),
        _ => {
            (0..n)
                .map(|i| format!("{}if x:\n", " ".repeat(i)))
                .collect::<String>()
                + &" ".repeat(n)
                + "pass\n"
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 {
        let (kind, depth, stack) = (
            args[1].clone(),
            args[2].parse().unwrap(),
            args[3].parse().unwrap(),
        );
        let src = gen(&kind, depth);
        let r = std::thread::Builder::new()
            .stack_size(stack)
            .spawn(move || compile(&src, "p.py", Mode::File, &Options::default()).is_ok())
            .unwrap()
            .join()
            .unwrap();
        std::process::exit(if r { 0 } else { 3 });
    }
    let exe = std::env::current_exe().unwrap();
    for kind in [
        "parensP", "parens", "lists", "neg", "calls", "lambdas", "ifs",
    ] {
        let mut res = vec![];
        for depth in [10usize, 40] {
            let (mut lo, mut hi) = (8 * 1024usize, 16 * 1024 * 1024usize);
            while hi - lo > 512 {
                let mid = (lo + hi) / 2;
                let st = std::process::Command::new(&exe)
                    .args([kind, &depth.to_string(), &mid.to_string()])
                    .stderr(std::process::Stdio::null())
                    .status()
                    .unwrap();
                if st.code().is_some() {
                    hi = mid
                } else {
                    lo = mid
                }
            }
            res.push(hi);
        }
        println!(
            "{:8} depth10 {:>8}  depth40 {:>8}  per-level {:>6}",
            kind,
            res[0],
            res[1],
            (res[1] - res[0]) / 30
        );
    }
}
