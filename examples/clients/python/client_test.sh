#!/usr/bin/env bash
# python_client_test: launch_client.py against a real `fanfared --dev --rehearse` on a free
# port, with a throwaway data directory.
#
#   1. the built-in campaign runs to SUCCEEDED, its approval given by the script;
#   2. the same run id again, with the campaign read back from --print-campaign's JSON: the
#      spec is unchanged, the run already exists, and its history replays to SUCCEEDED;
#   3. with fanfared stopped, the script fails with exit code 3 and says it cannot reach it.
#
# usage: client_test.sh FANFARED PYTHON STUBS_DIR
set -euo pipefail

readonly FANFARED=$1 PYTHON=$2 STUBS=$3
CLIENT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/launch_client.py"
work=$(mktemp -d "${TMPDIR:-/tmp}/python-client-test.XXXXXX")
pid=

stop_fanfared() {
  [[ -n $pid ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=
}
trap 'stop_fanfared; rm -rf "$work"' EXIT

fail() {
  echo "FAIL: $*" >&2
  echo "--- fanfared log" >&2
  cat "$work/fanfared.log" >&2 || true
  exit 1
}

# client NAME ARGS...: runs the script, output to $work/NAME.out; sets $rc.
client() {
  local name=$1
  shift
  rc=0
  PYTHONPATH=$STUBS timeout 20 "$PYTHON" "$CLIENT" "$@" >"$work/$name.out" 2>&1 || rc=$?
  echo "--- launch_client.py $* (exit $rc)"
  cat "$work/$name.out"
}

expect_output() {
  grep -qF -- "$2" "$work/$1.out" || fail "$1: expected '$2' in the output"
}

# fanfared prints "fanfared listening on 127.0.0.1:0 (port 41234), …" once it serves. The
# log exists before the polling starts: the background job opens it only when it gets to run.
: >"$work/fanfared.log"
"$FANFARED" --listen=127.0.0.1:0 --data_dir="$work/data" --dev --rehearse \
  >"$work/fanfared.log" 2>&1 &
pid=$!
port=
for _ in $(seq 200); do
  port=$(sed -n 's/.*listening on .*(port \([0-9][0-9]*\)).*/\1/p' "$work/fanfared.log")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || fail "fanfared exited before listening"
  sleep 0.1
done
[[ -n $port ]] || fail "fanfared did not report its port within 20 s"
address="127.0.0.1:$port"

client first --address "$address" --run-id py-test-1 --param 'product=Test Rocket' \
  --approve-as tester
[[ $rc -eq 0 ]] || fail "first run: exit $rc, want 0"
expect_output first "run py-test-1 started"
expect_output first "approve_copy APPROVED by tester"
expect_output first "publish SUCCEEDED attempt 1"
expect_output first "run py-test-1 SUCCEEDED"

client print --print-campaign
[[ $rc -eq 0 ]] || fail "--print-campaign: exit $rc, want 0"
cp "$work/print.out" "$work/campaign.json"
client again --address "$address" --campaign "$work/campaign.json" --run-id py-test-1 \
  --param 'product=Test Rocket'
[[ $rc -eq 0 ]] || fail "same run id again: exit $rc, want 0"
expect_output again "version 1 (unchanged)"
expect_output again "run py-test-1 already exists"
expect_output again "run py-test-1 SUCCEEDED"

stop_fanfared
client gone --address "$address" --run-id py-test-2
[[ $rc -eq 3 ]] || fail "fanfared stopped: exit $rc, want 3"
expect_output gone "error: cannot reach fanfared at $address"

echo "PASS"
