#!/usr/bin/env bash
# The launch campaign end to end on one machine, in virtual time, then two weeks of community
# management: `./dev demo` runs this (`./dev demo launch` or `./dev demo community` one part).
#
# Starts `fanfared --dev --rehearse` (coordinator, network sandbox and a worker for every
# network in one process; timers jump ahead whenever nothing is running), gives it the
# sandbox's accounts (`fanfare accounts import`: sealed in fanfared, which hands each task
# the access token it needs — the workers hold no credentials), runs
# examples/launch.yaml with `fanfare run --watch --summary`, approves its copy as the
# marketing lead would, and prints the summary: posts, ad spend against the budget, the
# measurements and every adjustment with its rule.
#
# Then examples/community-watch.yaml on the same fanfared, once its sandbox has grown an
# audience for acme_x (POST /_sandbox/audience): fourteen days of reading what people say, hiding spam and
# abuse, answering questions (after the answer template is approved), liking praise, finding
# the ambassadors and thanking each new one (after approval), and the daily digest; then
# `fanfare community ambassadors`, the same list from fanfared's own ledger. Everything it
# starts is stopped and its state removed on exit. Exits 0 only if every campaign run
# succeeded.
#
# usage: examples/demo.sh BUILD_DIR [all|launch|community]
set -euo pipefail

readonly ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly BIN="$(cd "${1:?usage: examples/demo.sh BUILD_DIR}" && pwd)/bin"
readonly PART="${2:-all}"
readonly RUN_ID="launch-demo"
readonly COMMUNITY_RUN_ID="community-demo"
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

# approve RUN STEPS COMMENT: until the run ends (or two minutes pass), approves each step
# whose key matches the regular expression STEPS when it waits for a decision, as the
# marketing lead would. approve.log gets one line per approval.
approve() {
  local run="$1" steps="$2" comment="$3" _ table step
  : >"$work/approve.log"
  for _ in $(seq 1 1200); do
    table="$("$BIN/fanfare" get "$run" 2>/dev/null || true)"
    for step in $(awk -v steps="^($steps)\$" '$2 == "WAITING" && $1 ~ steps {print $1}' <<<"$table"); do
      "$BIN/fanfare" approve "$run" "$step" --identity "$APPROVER" \
        --comment "$comment" >>"$work/approve.log" 2>&1
    done
    [[ "$table" =~ Status:\ +(SUCCEEDED|FAILED|CANCELED) ]] && return
    sleep 0.1
  done
}

# run_approving RUN STEPS COMMENT FANFARE-RUN-ARGS…: runs a campaign with --watch --summary
# while a helper approves the steps matching STEPS; returns the run's exit status.
run_approving() {
  local run="$1" step="$2" comment="$3" status=0
  shift 3
  approve "$run" "$step" "$comment" &
  approver_pid=$!
  "$BIN/fanfare" run "$@" --id "$run" --identity demo --watch --summary || status=$?
  stop "$approver_pid"
  approver_pid=""
  say "approvals: $(grep -c approved "$work/approve.log" 2>/dev/null) ($(head -1 "$work/approve.log" 2>/dev/null))"
  return "$status"
}

launch() {
  local launch_at
  launch_at="$(date -u -d '+2 hours' +%Y-%m-%dT%H:%M:%SZ)"
  say "running examples/launch.yaml as $RUN_ID (launch at $launch_at; $APPROVER approves the copy)"
  local status=0
  run_approving "$RUN_ID" approve_copy "copy reads well" examples/launch.yaml \
    --param "launch_at=$launch_at" || status=$?
  report "the launch campaign" "$status"
}

# Grows 14 days of the sandbox's audience for acme_x, from the sandbox's (virtual) now.
grow_audience() {
  local sandbox
  sandbox="$(sed -n 's/^fanfared: sandbox on //p' "$work/fanfared.log")"
  python3 - "$sandbox" <<'PY'
import json, sys, urllib.request
request = urllib.request.Request(
    sys.argv[1] + "/_sandbox/audience", method="POST",
    data=json.dumps({"network": "x", "account": "acme_x", "days": 14}).encode(),
    headers={"Content-Type": "application/json"})
print(json.load(urllib.request.urlopen(request, timeout=10))["added"])
PY
}

community() {
  say "the sandbox's audience will write $(grow_audience) comments to acme_x over 14 days"
  say "running examples/community-watch.yaml as $COMMUNITY_RUN_ID ($APPROVER approves the" \
    "answer template and each thanks to new ambassadors)"
  local status=0
  run_approving "$COMMUNITY_RUN_ID" 'watch/review_answers#1|watch/recognize#[0-9]+' \
    "reads well" \
    examples/community-watch.yaml || status=$?
  report "the community watch" "$status" || return
  say "what fanfared itself learnt of acme_x's commenters, across runs:"
  "$BIN/fanfare" community ambassadors --network x --account acme_x
}

# report WHAT STATUS: says how the run ended; returns STATUS.
report() {
  if [[ $2 -eq 0 ]]; then
    say "$1 succeeded"
  else
    say "$1 did not succeed (exit $2); fanfared's log:"
    tail -20 "$work/fanfared.log" >&2
  fi
  return "$2"
}

main() {
  cd "$ROOT"
  case "$PART" in
    all|launch|community) ;;
    *) echo "usage: examples/demo.sh BUILD_DIR [all|launch|community]" >&2; exit 2 ;;
  esac
  "$BIN/fanfare" validate examples/*.yaml
  start_fanfared
  say "fanfared holds the sandbox's accounts, sealed; its workers hold no credentials"
  "$BIN/fanfare" accounts import examples/sandbox-credentials.json --identity demo | tail -1
  local status=0
  if [[ "$PART" != community ]]; then launch || status=$?; fi
  if [[ "$PART" != launch ]]; then community || status=$?; fi
  return "$status"
}

main "$@"
