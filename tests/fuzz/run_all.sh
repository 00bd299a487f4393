#!/usr/bin/env sh
# Runs every fuzz target for SECONDS (default 60) each, one after the other, on the stable
# toolchain (no sanitizer: `-s none`). Run from anywhere; logs go to tests/fuzz/logs/.
#   tests/fuzz/run_all.sh 60
#   tests/fuzz/run_all.sh 30 webhook_paynectra response_paytech
set -eu
SECONDS_EACH="${1:-60}"
[ "$#" -gt 0 ] && shift
cd "$(dirname "$0")/../.."
TARGETS="${*:-$(cargo fuzz list --fuzz-dir tests/fuzz)}"
mkdir -p tests/fuzz/logs
for t in $TARGETS; do
    mkdir -p "tests/fuzz/corpus/$t"
    echo "== $t (${SECONDS_EACH}s)"
    cargo fuzz run --fuzz-dir tests/fuzz -s none "$t" \
        "tests/fuzz/corpus/$t" "tests/fuzz/seeds/$t" -- \
        -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        > "tests/fuzz/logs/$t.log" 2>&1 || echo "   !! $t stopped with a finding: see tests/fuzz/logs/$t.log"
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|stat::peak_rss_mb)' \
        "tests/fuzz/logs/$t.log" | tr '\n' ' '
    echo
done
