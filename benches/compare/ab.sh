#!/usr/bin/env bash
# Interleaved A/B timing of builds of examples/compare_timing (or any program printing
# "RESULT <seconds> ..."): runs every binary once per round, in turn, N rounds, and prints the
# median and minimum of each binary's RESULT seconds. PIN=CPU pins every run to that CPU
# (taskset), e.g. for one-core figures.
#
#   PIN=0 benches/compare/ab.sh 6 "cox DATA/cox_200000.csv 3 1" OLD_BIN NEW_BIN
#         benches/compare/ab.sh 6 "cox DATA/cox_200000.csv 3 2" OLD_BIN NEW_BIN
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: [PIN=cpu] $0 ROUNDS \"ARGS\" BIN..." >&2
  exit 2
fi
rounds=$1
args=$2
shift 2
declare -A times
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    if [ -n "${PIN:-}" ]; then
      # shellcheck disable=SC2086
      t=$(taskset -c "$PIN" "$bin" $args | awk '/^RESULT/{print $2}')
    else
      # shellcheck disable=SC2086
      t=$("$bin" $args | awk '/^RESULT/{print $2}')
    fi
    times[$bin]="${times[$bin]:-} $t"
  done
done
for bin in "$@"; do
  printf '%s: ' "$bin"
  echo "${times[$bin]}" | tr ' ' '\n' | grep -v '^$' | sort -g |
    awk '{v[NR] = $1} END {printf "median %.4f s, min %.4f s, %d runs\n", v[int((NR + 1) / 2)], v[1], NR}'
done
