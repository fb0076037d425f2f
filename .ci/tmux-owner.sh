#!/usr/bin/env bash
# Real-terminal check of one journal owner: the desk holds the journal, and the POS's commands run
# through it from a shell. Against qfpos sandbox (the desk with a configuration) and against qfpos
# demo --journal J: a sale added from the shell shows on the desk; a refund started from the shell
# shows in the desk's status pane and in qfpos pending while it is in flight. Then qfpos serve:
# commands run through it, the desk says who holds the journal, SIGTERM stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
session="qfpos-owner-$$"
pids=()
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
. .ci/tmux-lib.sh

go build -o "$work/qfpos" .
q="$work/qfpos"

wait_file() { # file, text, seconds
  local deadline=$((SECONDS + $3))
  until grep -qF -- "$2" "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "FAIL: \"$2\" not in $1 within $3 s:"; cat "$1"; exit 1; }
    sleep 0.1
  done
}
close_desk() { tmux send-keys -t "$session" q; sleep 0.5; tmux kill-session -t "$session" 2>/dev/null || true; }
now() { TZ=Asia/Hong_Kong date +'%Y-%m-%d %H:%M:%S'; }

# The POS's side, the same against each owner: add a sale, refund one, list it while in flight.
pos_checks() { # flags... (--config C or --journal J)
  local syssn="20261204000000000099$(printf '%06d' $((RANDOM % 900000 + 100000)))"
  "$q" sales add "$@" --syssn "$syssn" --amount 9.90 --pay-type 800208 --txdtm "$(now)" >"$work/add.out" ||
    fail "sales add through the desk: $(cat "$work/add.out")"
  wait_for "…${syssn: -6}" 5
  local paid
  paid=$("$q" sales list "$@" --format csv | awk -F, 'NR>1 && $7=="0000" && $5=="800208" && $1!="'"$syssn"'" && !found {print $1; found=1}')
  [ -n "$paid" ] || fail "no paid WeChat sale to refund"
  # With staff (the demo's) the refund is amy's, with her PIN; without, --cashier only names her.
  printf '1234\n' | "$q" refund "$@" --syssn "$paid" --amount 1 --reason damaged --cashier amy --pin-stdin >"$work/refund.out" 2>"$work/refund.err" &
  local refund=$!
  local deadline=$((SECONDS + 10))
  until "$q" pending "$@" | grep -F "$paid" >/dev/null; do
    kill -0 "$refund" 2>/dev/null || fail "the refund ended before qfpos pending listed it (the sandboxes settle after 2 s or more)"
    [ "$SECONDS" -lt "$deadline" ] || fail "qfpos pending did not list the refund in flight"
    sleep 0.05
  done
  echo "ok: qfpos pending listed the refund in flight"
  wait_for "Refund 1.00 HKD …${paid: -6}" 10
  wait "$refund" || fail "refund through the desk exited $?: $(cat "$work/refund.out" "$work/refund.err")"
  grep -qF succeeded "$work/refund.out" || fail "refund: $(cat "$work/refund.out")"
  echo "ok: refund through the desk succeeded"
}

echo "== the desk on qfpos sandbox"
"$q" sandbox --addr 127.0.0.1:0 --seed 3 --sales 6 --settle 2s >"$work/sandbox.out" 2>&1 &
pids+=($!)
wait_file "$work/sandbox.out" "client_key" 10
url=$(awk -F'"' '/base_url/ {print $2}' "$work/sandbox.out")
app=$(awk -F'"' '/app_code/ {print $2}' "$work/sandbox.out")
key=$(awk -F'"' '/client_key/ {print $2}' "$work/sandbox.out")
cat >"$work/qfpos.toml" <<TOML
[qfpay]
base_url = "$url"
app_code = "$app"
client_key = "$key"
[terminal]
udid = "POS-CI"
timezone = "Asia/Hong_Kong"
[journal]
path = "$work/journal.db"
[poll]
first = "300ms"
interval = "500ms"
TOML
chmod 600 "$work/qfpos.toml"
"$q" sales sync --config "$work/qfpos.toml" --all-terminals >/dev/null
new_session 110 32 "TERM=xterm-256color $q --config $work/qfpos.toml; sleep 60"
wait_for "Recent sales" 20
pos_checks --config "$work/qfpos.toml"
close_desk

echo "== the desk on qfpos demo --journal J"
new_session 110 32 "TERM=xterm-256color $q demo --journal $work/demo.db; sleep 60"
wait_for "DEMO — no real money" 20
sign_in amy 1234
wait_for "WeChat Pay" 10
pos_checks --journal "$work/demo.db"
close_desk

echo "== qfpos serve"
"$q" serve --config "$work/qfpos.toml" 2>"$work/serve.err" &
serve=$!
wait_file "$work/serve.err" "other qfpos commands run through" 10
"$q" pending --config "$work/qfpos.toml" >/dev/null || fail "pending through qfpos serve"
if "$q" --config "$work/qfpos.toml" 2>"$work/desk.err"; then fail "the desk started on a journal qfpos serve holds"; fi
grep -qF "is held by qfpos serve (pid $serve)" "$work/desk.err" || { cat "$work/desk.err"; fail "the desk did not say who holds the journal"; }
echo "ok: the desk says: $(cat "$work/desk.err")"
kill -TERM "$serve"
wait "$serve" || fail "qfpos serve exited $? on SIGTERM"
grep -qF "qfpos serve: stopped" "$work/serve.err" || fail "serve: $(cat "$work/serve.err")"
[ ! -e "$work/journal.db.sock" ] || fail "qfpos serve left its socket"
echo "ok: qfpos serve stopped cleanly on SIGTERM"
echo "tmux owner check passed"
