//! The crate's one way to run a numeric kernel with the vector instructions the CPU has.
//!
//! A kernel is written once, generic over [`Lanes`] (four `f64` lanes: loads, fused
//! multiply-adds, a fixed-order horizontal sum, `exp`), as a type implementing [`Kernel`];
//! [`dispatch`] runs it with [`Fused`] (AVX2 + FMA vectors, on x86-64 CPUs that have them,
//! detected at run time through `pulp`'s safe dispatch) or with [`Plain`] (ordinary
//! arithmetic lane by lane, any CPU). The kernel's `run` and everything it calls must be
//! `#[inline(always)]`: the whole kernel is then compiled inside the function that enables
//! the instructions (a closure or a function the compiler chose not to inline would run
//! without them, with every vector operation a function call; a named kernel type makes that
//! inlining dependable).
//!
//! The two lane types give the same sums in the same order; they differ in the last bits
//! only where a fused multiply-add rounds once instead of twice (and in `exp`, within an
//! ulp). A kernel's result therefore does not depend on the thread or the slice it runs on.

/// Lanes per vector.
pub(crate) const LANES: usize = 4;

/// The arithmetic of four `f64` lanes.
pub(crate) trait Lanes: Copy {
    /// A vector of four lanes.
    type V: Copy;
    /// All lanes zero.
    fn zero(self) -> Self::V;
    /// All lanes `v`.
    fn splat(self, v: f64) -> Self::V;
    /// The lanes from an array.
    fn load(self, a: [f64; LANES]) -> Self::V;
    /// The lanes as an array.
    fn store(self, v: Self::V) -> [f64; LANES];
    /// `acc + a·b` with `b` broadcast to every lane.
    #[inline(always)]
    fn mul_add(self, a: Self::V, b: f64, acc: Self::V) -> Self::V {
        self.fma(a, self.splat(b), acc)
    }
    /// `a + b` lane by lane.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a·b` lane by lane with `b` broadcast to every lane.
    fn scale(self, a: Self::V, b: f64) -> Self::V;
    /// `acc + a·b` lane by lane (fused where the CPU has it).
    fn fma(self, a: Self::V, b: Self::V, acc: Self::V) -> Self::V;
    /// `(v₀ + v₁) + (v₂ + v₃)`.
    #[inline(always)]
    fn sum(self, v: Self::V) -> f64 {
        let [a, b, c, d] = self.store(v);
        (a + b) + (c + d)
    }
    /// `e^v` lane by lane ([`crate::elementwise`]).
    fn exp(self, v: Self::V) -> Self::V;
}

/// A numeric kernel, run by [`dispatch`] with the best [`Lanes`] of the CPU.
pub(crate) trait Kernel {
    /// What the kernel returns.
    type Output;
    /// The kernel's work (must be `#[inline(always)]`, as everything it calls).
    fn run<L: Lanes>(self, lanes: L) -> Self::Output;
}

/// Runs `kernel` with AVX2 + FMA vectors where the CPU has them, else with plain arithmetic.
pub(crate) fn dispatch<K: Kernel>(kernel: K) -> K::Output {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V3::try_new() {
        return simd.vectorize(WithFused(simd, kernel));
    }
    kernel.run(Plain)
}

/// A kernel with the instructions that [`Fused`] needs enabled (`pulp`'s entry point).
#[cfg(target_arch = "x86_64")]
struct WithFused<K>(pulp::x86::V3, K);

#[cfg(target_arch = "x86_64")]
impl<K: Kernel> pulp::NullaryFnOnce for WithFused<K> {
    type Output = K::Output;
    #[inline(always)]
    fn call(self) -> K::Output {
        self.1.run(Fused(self.0))
    }
}

/// Plain arithmetic (any CPU): a multiplication and an addition per lane.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plain;

impl Lanes for Plain {
    type V = [f64; LANES];
    #[inline(always)]
    fn zero(self) -> Self::V {
        [0.0; LANES]
    }
    #[inline(always)]
    fn splat(self, v: f64) -> Self::V {
        [v; LANES]
    }
    #[inline(always)]
    fn load(self, a: [f64; LANES]) -> Self::V {
        a
    }
    #[inline(always)]
    fn store(self, v: Self::V) -> [f64; LANES] {
        v
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        let mut out = a;
        for (o, b) in out.iter_mut().zip(b) {
            *o += b;
        }
        out
    }
    #[inline(always)]
    fn scale(self, a: Self::V, b: f64) -> Self::V {
        a.map(|a| a * b)
    }
    #[inline(always)]
    fn fma(self, a: Self::V, b: Self::V, acc: Self::V) -> Self::V {
        let mut out = acc;
        for ((o, a), b) in out.iter_mut().zip(a).zip(b) {
            *o += a * b;
        }
        out
    }
    #[inline(always)]
    fn exp(self, v: Self::V) -> Self::V {
        v.map(f64::exp)
    }
}

/// AVX2 vectors with fused multiply-adds.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fused(pulp::x86::V3);

#[cfg(target_arch = "x86_64")]
impl Lanes for Fused {
    type V = pulp::f64x4;
    #[inline(always)]
    fn zero(self) -> Self::V {
        self.0.splat_f64x4(0.0)
    }
    #[inline(always)]
    fn splat(self, v: f64) -> Self::V {
        self.0.splat_f64x4(v)
    }
    #[inline(always)]
    fn load(self, a: [f64; LANES]) -> Self::V {
        pulp::cast(a)
    }
    #[inline(always)]
    fn store(self, v: Self::V) -> [f64; LANES] {
        pulp::cast(v)
    }
    #[inline(always)]
    fn add(self, a: Self::V, b: Self::V) -> Self::V {
        self.0.add_f64x4(a, b)
    }
    #[inline(always)]
    fn scale(self, a: Self::V, b: f64) -> Self::V {
        self.0.mul_f64x4(a, self.0.splat_f64x4(b))
    }
    #[inline(always)]
    fn fma(self, a: Self::V, b: Self::V, acc: Self::V) -> Self::V {
        self.0.mul_add_f64x4(a, b, acc)
    }
    #[inline(always)]
    fn exp(self, v: Self::V) -> Self::V {
        crate::elementwise::exp4(self.0, v)
    }
}
