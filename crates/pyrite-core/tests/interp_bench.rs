//! Rough timings (run with `cargo test --release --test interp_bench -- --ignored --nocapture`).
//! Not a performance assertion: prints pyrite's time next to python3's.
mod common;

fn time_it(name: &str, src: &str) {
    let src = src.to_string();
    let name = name.to_string();
    common::big_stack(move || {
        let mut env = common::make_env(Default::default(), None);
        let t = std::time::Instant::now();
        let out = common::run_env(&mut env, &src);
        let ours = t.elapsed();
        let t = std::time::Instant::now();
        let want = common::cpython(&src);
        let cpy = t.elapsed();
        assert_eq!(out, want);
        println!(
            "{:12} pyrite {:8.3}s  python3 {:8.3}s",
            name,
            ours.as_secs_f64(),
            cpy.as_secs_f64()
        );
    });
}

#[test]
#[ignore]
fn bench() {
    time_it("fib", "def fib(n):\n    if n < 2:\n        return n\n    return fib(n-1) + fib(n-2)\nprint(fib(27))\n");
    time_it(
        "loop",
        "i = 0\ns = 0\nwhile i < 3000000:\n    s += i & 7\n    i += 1\nprint(s)\n",
    );
    time_it("funloop", "def f():\n    i = 0\n    s = 0\n    while i < 3000000:\n        s += i & 7\n        i += 1\n    return s\nprint(f())\n");
    time_it("forlist", "def f():\n    l = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] * 1\n    s = 0\n    n = 0\n    while n < 200000:\n        for x in l:\n            s += x\n        n += 1\n    return s\nprint(f())\n");
    time_it("gen", "def g(n):\n    i = 0\n    while i < n:\n        yield i\n        i += 1\ndef f():\n    s = 0\n    for x in g(1000000):\n        s += x\n    return s\nprint(f())\n");
    time_it("method", "class A:\n    def __init__(self):\n        self.v = 0\n    def inc(self, k):\n        self.v += k\ndef f():\n    a = A()\n    i = 0\n    while i < 500000:\n        a.inc(1)\n        i += 1\n    return a.v\nprint(f())\n");
}
