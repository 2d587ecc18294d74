"""Times firthmodels' full Firth workflow (fit + penalized LR tests + profile CIs) on a CSV
written by `cargo run --release --example firth_timing -- N K 1 data.csv` (first column y,
then the covariates; the intercept is added by firthmodels). Used for BENCHMARKS.md:

    python3 -m venv /work/venv-firth && /work/venv-firth/bin/pip install firthmodels numba
    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 \
        /work/venv-firth/bin/python benches/firthmodels_workflow.py data.csv 9
"""
import sys, time
import numpy as np
from firthmodels import FirthLogisticRegression
path = sys.argv[1]; reps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
d = np.loadtxt(path, delimiter=",", skiprows=1)
y = d[:, 0].astype(int); X = d[:, 1:]
def workflow():
    m = FirthLogisticRegression(backend="numba").fit(X, y)
    m.lrt()
    ci = m.conf_int(method="pl")
    return m, ci
workflow()  # JIT warm-up
best_fit = best = 1e9
for _ in range(reps):
    t = time.perf_counter(); m = FirthLogisticRegression(backend="numba").fit(X, y); tf = time.perf_counter() - t
    m.lrt(); ci = m.conf_int(method="pl"); tt = time.perf_counter() - t
    best_fit = min(best_fit, tf); best = min(best, tt)
print(f"firthmodels numba: n={X.shape[0]} k={X.shape[1]+1}: fit {best_fit:.4f} s, fit + lrt() + conf_int(pl) {best:.4f} s (best of {reps})")
print("intercept", m.intercept_, "coef0", m.coef_[0], "ci0", ci[0], "p0", m.lrt_pvalues_[0])
