# Float arithmetic: a small n-body style update loop.
def main(n):
    x, y, vx, vy = 0.0, 1.0, 0.5, 0.0
    dt = 0.001
    for _ in range(n):
        r2 = x * x + y * y
        inv = 1.0 / (r2 * r2 ** 0.5)
        vx -= x * inv * dt
        vy -= y * inv * dt
        x += vx * dt
        y += vy * dt
    return round(x * 1e6) + round(y * 1e6)
