#!/usr/bin/env bash
# Real-terminal check: run the built qfpos demo in tmux; scan a sale's reference (its digits and
# Enter in one write, as a keyboard-wedge scanner types) and see that sale open; refund the newest
# sale with keystrokes and wait for "Succeeded" on the screen. On failure, print what the screen
# showed.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
session="qfpos-ci-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. .ci/tmux-lib.sh

go build -o "$work/qfpos" .
tmux new-session -d -s "$session" -x 100 -y 30 "TERM=xterm-256color $work/qfpos demo --journal $work/journal.db; sleep 30"

wait_for "DEMO — no real money" 20
wait_for "WeChat Pay" 10

# A scanned reference: the last five digits of the tenth sale listed (not the top one), then Enter,
# arriving in one burst, open that sale.
ref=$(screen | grep -oE '…[0-9]{5,}' | sed -n 10p | tr -d '…')
[ -n "$ref" ] || fail "no sale references on the screen"
digits=${ref: -5}
tmux send-keys -t "$session" "$digits" Enter
wait_for_line "^Sale [0-9]*$digits\$" 5
tmux send-keys -t "$session" Escape
wait_for "Find: $digits" 5
tmux send-keys -t "$session" Escape
wait_for "Find: an amount like" 5
tmux send-keys -t "$session" r
wait_for "Refund sale" 5
tmux send-keys -t "$session" Enter
wait_for "Send this refund?" 5
tmux send-keys -t "$session" Enter
wait_for "Waiting for QFPay" 10
wait_for "Succeeded" 60
tmux send-keys -t "$session" q
echo "tmux demo check passed"
