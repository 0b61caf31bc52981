#!/usr/bin/env bash
# The launch campaign end to end on one machine, in virtual time: `./dev demo` runs this.
#
# Starts `fanfared --dev --rehearse` (coordinator, network sandbox and a worker for every
# network in one process; timers jump ahead whenever nothing is running), gives it the
# sandbox's accounts (`fanfare accounts import`: sealed in fanfared, which hands each task
# the access token it needs — the workers hold no credentials), runs
# examples/launch.yaml with `fanfare run --watch --summary`, approves its copy as the
# marketing lead would, and prints the summary: posts, ad spend against the budget, the
# measurements and every adjustment with its rule. Everything it starts is stopped and its
# state removed on exit. Exits 0 only if the campaign run succeeded.
#
# usage: examples/demo.sh BUILD_DIR
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly BIN="$(cd "${1:?usage: examples/demo.sh BUILD_DIR}" && pwd)/bin"
readonly RUN_ID="launch-demo"
readonly APPROVER="maria@acme.example"

work="$(mktemp -d -t fanfare-demo.XXXXXX)"
fanfared_pid=""
approver_pid=""
stop() {
  if [[ -n "$1" ]]; then
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
  fi
}
cleanup() {
  stop "$approver_pid"
  stop "$fanfared_pid"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# Starts fanfared on a free loopback port, holding the network accounts under a master key
# made for this demo, and sets FANFARE_ADDRESS to it.
start_fanfared() {
  : >"$work/fanfared.log"
  (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$work/master.key")
  "$BIN/fanfared" --dev --rehearse --listen 127.0.0.1:0 --data-dir "$work/data" \
    --master-key-file "$work/master.key" >"$work/fanfared.log" 2>&1 &
  fanfared_pid=$!
  local port="" _
  for _ in $(seq 1 100); do
    port="$(sed -n 's/.*(port \([0-9]*\)).*/\1/p' "$work/fanfared.log")"
    [[ -n "$port" ]] && break
    kill -0 "$fanfared_pid" 2>/dev/null || { cat "$work/fanfared.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "fanfared did not start:" >&2; cat "$work/fanfared.log" >&2; exit 1; }
  export FANFARE_ADDRESS="127.0.0.1:$port"
  say "fanfared --dev --rehearse is listening on $FANFARE_ADDRESS"
}

# Waits until the run's approval step asks for a decision, then approves it.
approve_copy() {
  local _
  local table
  for _ in $(seq 1 300); do
    table="$("$BIN/fanfare" get "$RUN_ID" 2>/dev/null || true)"
    if [[ "$table" =~ (^|$'\n')\ *approve_copy\ +WAITING ]]; then
      "$BIN/fanfare" approve "$RUN_ID" approve_copy --identity "$APPROVER" \
        --comment "copy reads well" >"$work/approve.log" 2>&1
      return
    fi
    sleep 0.1
  done
  echo "approve_copy never waited for approval" >"$work/approve.log"
}

main() {
  cd "$ROOT"
  "$BIN/fanfare" validate examples/*.yaml
  start_fanfared
  say "fanfared holds the sandbox's accounts, sealed; its workers hold no credentials"
  "$BIN/fanfare" accounts import examples/sandbox-credentials.json --identity demo | tail -1
  local launch_at
  launch_at="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  say "running examples/launch.yaml as $RUN_ID (launch at $launch_at; $APPROVER approves the copy)"
  approve_copy &
  approver_pid=$!
  local status=0
  "$BIN/fanfare" run examples/launch.yaml --id "$RUN_ID" --param "launch_at=$launch_at" \
    --identity demo --watch --summary || status=$?
  stop "$approver_pid"
  approver_pid=""
  say "approval: $(cat "$work/approve.log" 2>/dev/null | head -1)"
  if [[ $status -eq 0 ]]; then
    say "the launch campaign succeeded"
  else
    say "the launch campaign did not succeed (exit $status); fanfared's log:"
    tail -20 "$work/fanfared.log" >&2
  fi
  return "$status"
}

main "$@"
