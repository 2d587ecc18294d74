"""Writes the data sets of the comparison harness, once, to CSV; every tool reads the same files.

    python3 benches/compare/gen.py OUTDIR [--quick | --big]

Seeded (numpy PCG64, seed 20261201), so the files are the same on every machine. Existing files
are kept (delete OUTDIR to regenerate). Data sets (full size / --quick size):

* cox_<n>.csv: time, status, stratum, x1..x20 (n = 2e5 and 1e6 / 2e4). Hard on purpose: times are
  whole months 1..~120, so about 60 % of the rows share their event time with thousands of others
  (Efron ties matter); x1..x10 continuous (x2 correlated with x1, x3 skewed), x11..x15 common
  binaries (p 0.3-0.5), x16..x20 rare binaries (p 1-3 %); 4 strata with different baseline
  hazards; about 70 % events.
* surv_<n>.csv: time, status, arm, score (n = 1e6 / 1e5) for Kaplan-Meier, log-rank and
  concordance: times in days (ties), two arms, a continuous risk score.
* cr_<n>.csv: time, status (0 censored, 1 cause of interest, 2 competing), arm, x1..x5 (n = 1e5
  for the CIF and Gray's test; n = 1e4 for Fine-Gray / 1e4, 2e3).
* survreg_<n>.csv: time, status, x1..x10, Weibull times (n = 1e5 / 1e4).
* --big writes only cox_10000000_p10.csv: the cox data with p = 10 (x1..x5 continuous, x6..x8
  common binaries, x9, x10 rare binaries), n = 1e7, for the memory run (about 1.3 GB).
* logit_<n>_<k>.csv: y, x1..x19 (n = 5000, k = 20 with the intercept; both sizes): x1..x9
  continuous, x10..x19 rare binaries (p 2-8 %), about 30 % events; for Firth and ML logistic.
"""
import os
import sys

import numpy as np

SEED = 20261201


def write(path, header, cols, fmts):
    if os.path.exists(path):
        return
    tmp = path + ".tmp"
    data = np.column_stack(cols)
    np.savetxt(tmp, data, fmt=fmts, delimiter=",", header=",".join(header), comments="")
    os.replace(tmp, path)
    print("wrote", path, file=sys.stderr)


def cox(rng, n, cont=10, common=None, rare=None, beta=None):
    """Whole-month Cox data: `cont` continuous covariates (x2 correlated with x1, x3 skewed),
    then binaries with the probabilities `common` and `rare`; the default is the p = 20 set."""
    common = [0.3 + 0.05 * k for k in range(5)] if common is None else common
    rare = [0.01 + 0.005 * k for k in range(5)] if rare is None else rare
    p = cont + len(common) + len(rare)
    x = np.empty((n, p))
    x[:, 0:cont] = rng.standard_normal((n, cont))
    x[:, 1] = 0.6 * x[:, 0] + 0.8 * x[:, 1]
    x[:, 2] = np.exp(0.5 * x[:, 2]) - 1.0
    for j, q in enumerate(common + rare):
        x[:, cont + j] = rng.random(n) < q
    stratum = rng.integers(0, 4, n)
    if beta is None:
        beta = np.linspace(-0.3, 0.3, p)
        beta[15:] = [0.8, -0.6, 0.5, 1.0, -0.9]
    lp = x @ beta + 0.25 * stratum
    ev = rng.exponential(1.0, n) / (0.02 * np.exp(lp))
    ce = rng.uniform(0, 150, n)
    time = np.ceil(np.minimum(ev, ce))
    status = (ev <= ce).astype(float)
    return time, status, stratum, x


def cox10(rng, n):
    """The cox() design with p = 10: x1..x5 continuous, x6..x8 common binaries (p 0.3-0.4),
    x9, x10 rare binaries (p 1 %, 2 %)."""
    beta = np.array([-0.3, -0.2, -0.1, 0.1, 0.2, 0.3, -0.2, 0.1, 0.8, -0.6])
    return cox(rng, n, cont=5, common=[0.3, 0.35, 0.4], rare=[0.01, 0.02], beta=beta)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    out = args[0] if args else "target/compare-data"
    os.makedirs(out, exist_ok=True)

    for n in ([20_000] if quick else [200_000, 1_000_000]):
        rng = np.random.default_rng([SEED, 1, n])
        time, status, stratum, x = cox(rng, n)
        hdr = ["time", "status", "stratum"] + [f"x{j + 1}" for j in range(x.shape[1])]
        fm = ["%d", "%d", "%d"] + ["%.6f"] * 10 + ["%d"] * 10
        write(f"{out}/cox_{n}.csv", hdr, [time, status, stratum, x], fm)

    if "--big" in sys.argv:
        # the memory and scaling run of issue 18 (about 1.3 GB of CSV: delete it after use)
        n = 10_000_000
        rng = np.random.default_rng([SEED, 6, n])
        time, status, stratum, x = cox10(rng, n)
        hdr = ["time", "status", "stratum"] + [f"x{j + 1}" for j in range(10)]
        fm = ["%d", "%d", "%d"] + ["%.6f"] * 5 + ["%d"] * 5
        write(f"{out}/cox_{n}_p10.csv", hdr, [time, status, stratum, x], fm)
        return

    n = 100_000 if quick else 1_000_000
    rng = np.random.default_rng([SEED, 2, n])
    arm = rng.integers(0, 2, n)
    score = rng.standard_normal(n)
    ev = rng.exponential(1.0, n) * 700.0 * np.exp(-0.3 * arm - 0.5 * score)
    ce = rng.uniform(0, 3000, n)
    write(f"{out}/surv_{n}.csv", ["time", "status", "arm", "score"],
          [np.ceil(np.minimum(ev, ce)), (ev <= ce).astype(float), arm, score],
          ["%d", "%d", "%d", "%.6f"])

    for n in ([2_000, 10_000] if quick else [10_000, 100_000]):
        rng = np.random.default_rng([SEED, 3, n])
        arm = rng.integers(0, 2, n)
        x = rng.standard_normal((n, 5))
        x[:, 4] = rng.random(n) < 0.2
        lp1 = 0.4 * arm + x[:, :5] @ np.array([0.3, -0.2, 0.1, 0.0, 0.5])
        t1 = rng.exponential(1.0, n) * 40.0 * np.exp(-lp1)
        t2 = rng.exponential(1.0, n) * 60.0 * np.exp(-0.2 * x[:, 0])
        ce = rng.uniform(0, 100, n)
        time = np.ceil(np.minimum(np.minimum(t1, t2), ce) * 10.0) / 10.0
        status = np.where(ce < np.minimum(t1, t2), 0, np.where(t1 <= t2, 1, 2))
        write(f"{out}/cr_{n}.csv", ["time", "status", "arm"] + [f"x{j + 1}" for j in range(5)],
              [time, status, arm, x], ["%.1f", "%d", "%d"] + ["%.6f"] * 4 + ["%d"])

    n = 10_000 if quick else 100_000
    rng = np.random.default_rng([SEED, 4, n])
    x = rng.standard_normal((n, 10))
    lp = 2.0 + x @ np.linspace(-0.2, 0.2, 10)
    ev = np.exp(lp + 0.7 * np.log(rng.exponential(1.0, n)))
    ce = rng.uniform(0, 40, n)
    write(f"{out}/survreg_{n}.csv", ["time", "status"] + [f"x{j + 1}" for j in range(10)],
          [np.minimum(ev, ce), (ev <= ce).astype(float), x], ["%.6f", "%d"] + ["%.6f"] * 10)

    n, k = 5000, 20
    rng = np.random.default_rng([SEED, 5, n])
    x = np.empty((n, k - 1))
    x[:, :9] = rng.standard_normal((n, 9))
    for j in range(9, 19):
        x[:, j] = rng.random(n) < 0.02 + 0.006 * (j - 9)
    beta = np.concatenate([np.linspace(-0.5, 0.5, 9), np.linspace(0.5, 1.5, 10)])
    eta = -1.2 + x @ beta
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    write(f"{out}/logit_{n}_{k}.csv", ["y"] + [f"x{j + 1}" for j in range(k - 1)],
          [y, x], ["%d"] + ["%.6f"] * 9 + ["%d"] * 10)


if __name__ == "__main__":
    main()
