# The math module.
import math
print(math.pi, math.e, math.tau, math.inf, math.nan)
print(math.sqrt(2), round(math.exp(1), 12), math.log(100, 10), math.log(8, 2), math.log2(1024), math.log10(1000), math.log(10 ** 500) > 1151)
print(math.sin(0), math.cos(0), math.tan(0), math.atan2(1, 1), math.asin(1), math.acos(1), math.atan(1))
print(math.floor(2.7), math.ceil(2.1), math.trunc(-2.7), math.floor(-2.5), type(math.floor(2.5)).__name__, math.floor(10 ** 30))
print(math.fabs(-3), math.copysign(3, -0.0), math.fmod(7, 3), math.fmod(-7, 3), math.ldexp(3, 4), math.frexp(48.0), math.modf(-3.25))
print(math.isfinite(1.0), math.isinf(math.inf), math.isnan(math.nan), math.isclose(1.0, 1.0 + 1e-10), math.isclose(1, 1.1), math.isclose(0, 1e-10, abs_tol=1e-9))
print(math.factorial(0), math.factorial(20), math.factorial(30), math.degrees(math.pi), math.radians(180))
print(math.pow(2, 10), math.pow(2, 0.5), math.erf(0), math.gamma(5), math.lgamma(1), math.expm1(0))
for f, a in ((math.sqrt, -1), (math.log, 0), (math.log, -1), (math.acos, 2), (math.factorial, -1)):
    try:
        f(a)
    except ValueError:
        print("ValueError")
