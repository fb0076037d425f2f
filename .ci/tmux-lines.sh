#!/usr/bin/env bash
# Real-terminal check of the line mode: TERM=dumb qfpos demo in tmux starts it by itself; sign in
# as the demo's cashier (the PIN not shown), list the newest sales, open the first, refund 10.00 of
# it by typed lines, and hear it succeed; then quit. Its raw bytes hold no escape sequence. Then
# beside a desk: qfpos demo's desk holds a journal, and TERM=dumb qfpos --journal J in another
# terminal runs inside it (the PIN hidden through the socket too); its refund shows in the desk's
# status pane. On failure, print what the screen showed.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
session="qfpos-lines-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. .ci/tmux-lib.sh

go build -o "$work/qfpos" .
new_session 100 40 "TERM=dumb LANG=C.UTF-8 LC_ALL= $work/qfpos demo --journal $work/lines.db; echo exited \$?; sleep 30"

type_line() { tmux send-keys -t "$session" -l "$1"; tmux send-keys -t "$session" Enter; }

# In the line mode: sign in as amy (the PIN unseen), refund AMOUNT of the newest sale by typed
# lines, hear it succeed, quit.
refund_by_lines() { # amount, what the first step says
  wait_for "qfpos line mode: terminal DEMO-01" 20
  wait_for "Staff id:" 10
  type_line amy
  wait_for "PIN:" 5
  type_line 1234
  wait_for "Signed in: amy, cashier." 10
  screen | grep -F "PIN: 1234" >/dev/null && fail "the PIN was shown"
  wait_for "Find a sale, or type a command" 5
  type_line recent
  wait_for "Number of the sale" 10
  type_line 1
  wait_for "Refund (r)" 10
  type_line r
  wait_for "Amount in HKD" 20
  type_line "$1"
  wait_for "Reason, by its number" 5
  type_line 1
  wait_for "Send it?" 5
  type_line y
  wait_for "Refund $1.00 HKD: journaled; sending" 10
  wait_for "Refund $1.00 HKD: succeeded; QFPay reference" 60
  type_line quit
  wait_for "exited 0" 10
}
refund_by_lines 10

# The same start on a terminal that could draw, with --accessible, its bytes as written: not one
# escape sequence, and the PIN not echoed.
(sleep 3; printf 'amy\n'; sleep 1; printf '1234\n'; sleep 1; printf 'quit\n'; sleep 1) |
  TERM=xterm-256color script -q -c "$work/qfpos demo --accessible --journal $work/raw.db --lang en" /dev/null >"$work/raw.txt" 2>&1
grep -F "Signed in: amy, cashier." "$work/raw.txt" >/dev/null || { cat "$work/raw.txt"; echo "FAIL: no sign-in in the raw output"; exit 1; }
if grep -q $'\x1b' "$work/raw.txt"; then cat -A "$work/raw.txt"; echo "FAIL: an escape sequence in the line mode's output"; exit 1; fi
if grep -F "PIN: 1234" "$work/raw.txt" >/dev/null; then echo "FAIL: the PIN was echoed"; exit 1; fi

# Beside a desk: the demo's desk holds the journal; the line mode in another terminal runs in it.
tmux kill-session -t "$session" 2>/dev/null || true
desk="$session"
new_session 100 30 "TERM=xterm-256color LANG=C.UTF-8 LC_ALL= $work/qfpos demo --journal $work/shared.db; sleep 30"
sign_in amy 1234
wait_for "Cashier amy" 10
session="$desk-lines"
new_session 100 40 "TERM=dumb LANG=C.UTF-8 LC_ALL= $work/qfpos --journal $work/shared.db; echo exited \$?; sleep 30"
refund_by_lines 5 # through the socket: the PIN unseen there too
tmux kill-session -t "$session" 2>/dev/null || true
session="$desk"
wait_for "Refund 5.00 HKD" 10 # the desk's status pane: the refund ran in its lifecycle
tmux send-keys -t "$session" q
sleep 0.5
echo "tmux line mode check passed"
