#!/usr/bin/env bash
# How long fanfare-worker processes take to reconnect after a coordinator restart.
#
#   bench/reconnect.sh [BUILD_DIR] [OUTAGE_SECONDS] [ROUNDS]
#
# Starts fanfared on a free loopback port and two fanfare-worker processes (content queue),
# then ROUNDS times: SIGKILLs fanfared, keeps it down OUTAGE_SECONDS, restarts it on the same
# data and port, and measures how long until both workers are connected again (polling
# `fanfare workers` every 20 ms). Prints each round and the median and worst.
set -euo pipefail
build="${1:-build}"
outage="${2:-2.6}"
rounds="${3:-10}"
bin="$build/bin"
dir=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}" ${coordinator:-}; do kill -9 "$pid" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address="127.0.0.1:$port"

start_coordinator() {
  "$bin/fanfared" --listen "$address" --data_dir "$dir/data" --auth=off > "$dir/fanfared.log" 2>&1 &
  coordinator=$!
  until grep -q listening "$dir/fanfared.log" 2>/dev/null; do sleep 0.01; done
}

connected_workers() {
  "$bin/fanfare" workers --address "$address" --output json 2>/dev/null |
    python3 -c 'import json, sys
try:
    print(len(json.load(sys.stdin).get("workers", [])))
except Exception:
    print(0)'
}

start_coordinator
for i in 1 2; do
  "$bin/fanfare-worker" --coordinator "$address" --networks content --worker_id "w$i" \
    > "$dir/worker$i.log" 2>&1 &
  pids+=($!)
done
until [[ $(connected_workers) -ge 2 ]]; do sleep 0.02; done

results=()
for round in $(seq 1 "$rounds"); do
  kill -9 "$coordinator"
  wait "$coordinator" 2>/dev/null || true
  sleep "$outage"
  : > "$dir/fanfared.log"
  start_coordinator
  up=$(date +%s.%N)
  until [[ $(connected_workers) -ge 2 ]]; do sleep 0.02; done
  took=$(python3 -c "import time; print(f'{time.time() - $up:.2f}')")
  results+=("$took")
  echo "round $round: both workers back ${took} s after the coordinator listened again (down ${outage} s)"
done
printf '%s\n' "${results[@]}" | sort -n | python3 -c 'import sys
v = [float(x) for x in sys.stdin]
print(f"reconnect after a {sys.argv[1]} s outage, {len(v)} rounds: median {v[len(v)//2]:.2f} s, worst {v[-1]:.2f} s")' "$outage"
