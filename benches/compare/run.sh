#!/usr/bin/env bash
# Fair comparison of oncostat with R (survival, cmprsk, MASS), lifelines, firthmodels and the Rust
# crate `survival` 2.0.0 on the same generated CSV files (BENCHMARKS.md has the results).
#
#   benches/compare/run.sh [--quick] [--rounds N] [--reps N] [--only REGEX] [--cores "1 all"]
#                          [--data DIR] [--out FILE] [--oncostat-bin PATH]
#
# * data: benches/compare/gen.py writes the CSV files once (seeded); every tool reads the same
#   file and only the computation is timed (reading is not).
# * interleaved: each round runs every tool of a workload one after the other (the order
#   rotates with the round), so a load spike from other users of the machine hits all tools
#   alike; each run is a fresh process doing REPS timed repetitions; the table shows the median
#   of all rounds x reps times.
# * threads pinned the same way on both sides: "1" = taskset -c 0 and every thread variable
#   (OMP, OPENBLAS, MKL, NUMBA, RAYON) = 1 and oncostat --threads 1; "all" = every core
#   (taskset -c 0-(nproc-1)), the variables = nproc, oncostat threads = nproc.
# * --quick: small data (n = 2e4 for Cox, 1e5 for KM ...), 1 round, 1 rep; checks the harness.
#
# Needs: cargo, Rscript with survival/cmprsk/MASS, python3 with numpy, pandas, lifelines,
# firthmodels with numba (pip install lifelines firthmodels numba). A tool that is missing is skipped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
quick=0; rounds=3; reps=3; only='.'; cores="1 all"; data=""; out=""; onco=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; rounds=1; reps=1 ;;
    --rounds) rounds="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --only) only="$2"; shift ;;
    --cores) cores="$2"; shift ;;
    --data) data="$2"; shift ;;
    --out) out="$2"; shift ;;
    --oncostat-bin) onco="$2"; shift ;;  # a prebuilt compare_timing (e.g. of another commit)
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$data" ] || data="$root/target/compare-data$([ $quick = 1 ] && echo -quick || true)"
[ -n "$out" ] || out="$root/target/compare-results$([ $quick = 1 ] && echo -quick || true).tsv"
ncpu="$(nproc)"

if [ -z "$onco" ]; then
  echo "building oncostat (release example compare_timing)" >&2
  (cd "$root" && cargo build --release --quiet --example compare_timing)
  onco="$root/target/release/examples/compare_timing"
fi
echo "building the survival crate program" >&2
crate_bin=""
if (cd "$here/survival-crate" && CARGO_TARGET_DIR="$root/target/compare-crate" \
    cargo build --release --quiet); then
  crate_bin="$root/target/compare-crate/release/survival-crate-timing"
else
  echo "survival crate program did not build: skipped" >&2
fi
have_r=0; command -v Rscript >/dev/null && have_r=1
have_ll=0; python3 -c "import lifelines" 2>/dev/null && have_ll=1
have_fm=0; python3 -c "import firthmodels, numba" 2>/dev/null && have_fm=1  # firthmodels' default backend is numba

python3 "$here/gen.py" "$data" $([ $quick = 1 ] && echo --quick)

if [ $quick = 1 ]; then
  ncox=20000; nsurv=100000; ncif=10000; nfg=2000; nsr=10000; cox_sizes="20000"
else
  ncox=200000; nsurv=1000000; ncif=100000; nfg=10000; nsr=100000; cox_sizes="200000 1000000"
fi

# One line per (workload, tool): label|file|threaded(1/0)|tool label|command (FILE, REPS and
# THREADS are substituted). Threaded workloads are also run with all cores.
jobs() {
  local ll=$have_ll
  for n in $cox_sizes; do
    local f="$data/cox_$n.csv"
    for w in cox cox_strata; do
      [ "$w" = cox_strata ] && [ "$n" != "$ncox" ] && continue
      echo "$w n=$n p=20|$f|1|oncostat|$onco $w FILE REPS THREADS"
      [ $have_r = 1 ] && echo "$w n=$n p=20|$f|1|R coxph.fit|Rscript $here/run.R cox.fit${w#cox} FILE REPS"
      [ $have_r = 1 ] && echo "$w n=$n p=20|$f|1|R coxph()|Rscript $here/run.R coxph${w#cox} FILE REPS"
      [ -n "$crate_bin" ] && echo "$w n=$n p=20|$f|1|survival 2.0.0|$crate_bin $w FILE REPS"
      [ $ll = 1 ] && [ "$n" = "$ncox" ] && echo "$w n=$n p=20|$f|1|lifelines|python3 $here/tools.py lifelines $w FILE REPS"
    done
  done
  local f="$data/surv_$nsurv.csv"
  for w in km logrank concordance; do
    # the concordance runs on two threads (its two sides at once); KM and log-rank on one
    local t=0; [ $w = concordance ] && t=1
    echo "$w n=$nsurv|$f|$t|oncostat|$onco $w FILE REPS THREADS"
    [ $have_r = 1 ] && echo "$w n=$nsurv|$f|$t|R|Rscript $here/run.R $w FILE REPS"
    [ -n "$crate_bin" ] && echo "$w n=$nsurv|$f|$t|survival 2.0.0|$crate_bin $w FILE REPS"
    [ $ll = 1 ] && echo "$w n=$nsurv|$f|$t|lifelines|python3 $here/tools.py lifelines $w FILE REPS"
  done
  f="$data/cr_$ncif.csv"
  echo "cif+gray n=$ncif|$f|0|oncostat|$onco cif FILE REPS THREADS"
  [ $have_r = 1 ] && echo "cif+gray n=$ncif|$f|0|R cuminc|Rscript $here/run.R cif FILE REPS"
  [ $ll = 1 ] && echo "cif+gray n=$ncif|$f|0|lifelines (CIF only)|python3 $here/tools.py lifelines cif FILE REPS"
  f="$data/cr_$nfg.csv"
  echo "finegray n=$nfg p=5|$f|0|oncostat|$onco finegray FILE REPS THREADS"
  [ $have_r = 1 ] && echo "finegray n=$nfg p=5|$f|0|R crr|Rscript $here/run.R finegray FILE REPS"
  f="$data/survreg_$nsr.csv"
  echo "survreg weibull n=$nsr p=10|$f|0|oncostat|$onco survreg FILE REPS THREADS"
  [ $have_r = 1 ] && echo "survreg weibull n=$nsr p=10|$f|0|R survreg|Rscript $here/run.R survreg FILE REPS"
  [ -n "$crate_bin" ] && echo "survreg weibull n=$nsr p=10|$f|0|survival 2.0.0|$crate_bin survreg FILE REPS"
  [ $ll = 1 ] && echo "survreg weibull n=$nsr p=10|$f|0|lifelines|python3 $here/tools.py lifelines survreg FILE REPS"
  f="$data/logit_5000_20.csv"
  echo "firth n=5000 k=20|$f|1|oncostat|$onco firth FILE REPS THREADS"
  [ $have_fm = 1 ] && echo "firth n=5000 k=20|$f|1|firthmodels|python3 $here/tools.py firthmodels firth FILE REPS"
  echo "logistic+profile n=5000 k=20|$f|1|oncostat|$onco logistic FILE REPS THREADS"
  [ $have_r = 1 ] && echo "logistic+profile n=5000 k=20|$f|1|R glm+confint|Rscript $here/run.R logistic FILE REPS"
  return 0
}

mapfile -t all_jobs < <(jobs | grep -E -- "^[^|]*($only)" || true)
: > "$out"
echo "results -> $out (${#all_jobs[@]} jobs x cores '$cores' x $rounds rounds)" >&2
for round in $(seq 1 "$rounds"); do
  labels=$(printf '%s\n' "${all_jobs[@]}" | cut -d'|' -f1 | awk '!seen[$0]++')
  while IFS= read -r label; do
    mapfile -t group < <(printf '%s\n' "${all_jobs[@]}" | awk -F'|' -v l="$label" '$1 == l')
    g=${#group[@]}
    for c in $cores; do
      if [ "$c" = 1 ]; then cpus=0; nt=1; else cpus="0-$((ncpu - 1))"; nt=$ncpu; fi
      for k in $(seq 0 $((g - 1))); do
        job="${group[$(((k + round) % g))]}"
        IFS='|' read -r lab file threaded tool cmd <<<"$job"
        [ "$c" != 1 ] && [ "$threaded" = 0 ] && continue
        cmd="${cmd//FILE/$file}"; cmd="${cmd//REPS/$reps}"; cmd="${cmd//THREADS/$nt}"
        line=$(env OMP_NUM_THREADS=$nt OPENBLAS_NUM_THREADS=$nt MKL_NUM_THREADS=$nt \
          NUMBA_NUM_THREADS=$nt RAYON_NUM_THREADS=$nt taskset -c "$cpus" $cmd 2>/dev/null \
          | grep '^RESULT' || echo "RESULT nan nan failed")
        read -r _ med check times <<<"$line"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$lab" "$c" "$tool" "$med" "$check" "$times" >>"$out"
        printf 'round %s  %-34s cores=%-3s %-22s %10s s  check %s\n' "$round" "$lab" "$c" "$tool" "$med" "$check" >&2
      done
    done
  done <<<"$labels"
done
python3 "$here/summarize.py" "$out"
