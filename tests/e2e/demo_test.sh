#!/usr/bin/env bash
# `./dev demo` without the build: runs examples/demo.sh and checks that its summary tells the
# launch story — a post on each of the four networks, spend against the budget, the
# measurements and at least one adjustment with its rule.
# usage: tests/e2e/demo_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
out="$(mktemp -t fanfare-demo-test.XXXXXX)"
trap 'rm -f "$out"' EXIT
"$1/examples/demo.sh" "$2" >"$out" || { status=$?; cat "$out" >&2; exit "$status"; }
expect() {
  grep -Eq "$1" "$out" || { echo "demo output lacks /$1/:" >&2; cat "$out" >&2; exit 1; }
}
expect '^Summary of run launch-demo .* SUCCEEDED'
for network in facebook instagram x linkedin; do expect "^$network +[^ ]+ +https://"; done
expect '^Ad spend against the budget \(total 2,000.00 USD, at most 250.00 USD a day\)'
expect 'campaign total, all runs: spent [0-9,.]+ USD of 2,000.00 USD'
expect '^Measurements \(112\)'
expect 'pause_expensive +ad paused +steps.measure.outputs\[item\].cpc > params.max_cpc'
expect 'scale_winner +daily budget 40.00 → 50.00'
echo "demo summary OK"
