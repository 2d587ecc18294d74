"""Python tools' side of the comparison harness (benches/compare/run.sh; see BENCHMARKS.md).

    python3 benches/compare/tools.py TOOL WORKLOAD FILE.csv REPS

TOOL is `lifelines` (cox, cox_strata, km, logrank, concordance, cif, survreg) or `firthmodels`
(firth: fit + penalized LR tests + profile CIs, numba backend). Reads the CSV once (not timed),
runs the workload once untimed (numba JIT, lifelines' first-call set-up), then REPS timed runs;
prints `RESULT <median seconds> <check value> <all times>`. Install: pip install lifelines
firthmodels.
"""
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")


def lifelines_workload(workload, d):
    import lifelines
    from lifelines.statistics import logrank_test
    from lifelines.utils import concordance_index

    if workload in ("cox", "cox_strata"):
        cols = ["time", "status"] + [c for c in d.columns if c.startswith("x")]
        strata = None
        if workload == "cox_strata":
            cols.append("stratum")
            strata = ["stratum"]
        df = d[cols]

        def run():
            m = lifelines.CoxPHFitter().fit(df, "time", "status", strata=strata)
            m.log_likelihood_ratio_test()
            _ = m.summary  # Wald tests
            _ = m.concordance_index_
            return m.log_likelihood_
        return run
    if workload == "km":
        t, e = d["time"].values, d["status"].values

        def run():
            return lifelines.KaplanMeierFitter().fit(t, e).median_survival_time_
        return run
    if workload == "logrank":
        a = d["arm"].values == 1
        t, e = d["time"].values, d["status"].values

        def run():
            return logrank_test(t[a], t[~a], e[a], e[~a]).test_statistic
        return run
    if workload == "concordance":
        t, e, s = d["time"].values, d["status"].values, d["score"].values

        def run():
            return concordance_index(t, s, e)
        return run
    if workload == "cif":
        # lifelines has no Gray test: the Aalen-Johansen CIF of cause 1 in each arm only
        def run():
            last = None
            for arm in (0, 1):
                g = d[d["arm"] == arm]
                f = lifelines.AalenJohansenFitter(calculate_variance=True, seed=1)
                f.fit(g["time"].values, g["status"].values, event_of_interest=1)
                last = float(f.cumulative_density_.values[-1, 0])
            return last
        return run
    if workload == "survreg":
        df = d[["time", "status"] + [c for c in d.columns if c.startswith("x")]]

        def run():
            return lifelines.WeibullAFTFitter().fit(df, "time", "status").log_likelihood_
        return run
    raise SystemExit(f"lifelines: no workload {workload}")


def firthmodels_workload(workload, d):
    from firthmodels import FirthLogisticRegression

    if workload != "firth":
        raise SystemExit(f"firthmodels: no workload {workload}")
    y = d["y"].values.astype(int)
    x = d[[c for c in d.columns if c.startswith("x")]].values

    def run():
        m = FirthLogisticRegression(backend="numba").fit(x, y)
        m.lrt()
        ci = m.conf_int(method="pl")
        return float(ci[0][0])  # lower PL bound of x1 (firthmodels: coefficients first, intercept last)
    return run


def main():
    tool, workload, path = sys.argv[1:4]
    reps = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    d = pd.read_csv(path)
    make = {"lifelines": lifelines_workload, "firthmodels": firthmodels_workload}[tool]
    run = make(workload, d)
    run()  # warm-up: JIT compilation, imports inside the library
    times, check = [], float("nan")
    for _ in range(max(reps, 1)):
        t0 = time.perf_counter()
        check = run()
        times.append(time.perf_counter() - t0)
    print("RESULT %.6f %.10e %s" % (float(np.median(times)), float(check),
                                    ",".join("%.6f" % t for t in times)))


if __name__ == "__main__":
    main()
