#!/usr/bin/env bash
# Real-terminal check: run the built qfpos demo in tmux; sign in as its cashier with the PIN its
# sign-in shows; scan a sale's reference (its digits and
# Enter in one write, as a keyboard-wedge scanner types) and see that sale open; then refund the
# newest sale with keystrokes in English, Traditional Chinese (from LANG) and Simplified (--lang)
# at 80×24, waiting for the outcome and the review; then walk the demo's tour (an approval, a slip
# file, the manager's close of the day). On failure, print what the screen showed.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
session="qfpos-ci-$$"
cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
. .ci/tmux-lib.sh

go build -o "$work/qfpos" .
new_session 100 30 "TERM=xterm-256color $work/qfpos demo --journal $work/journal.db; sleep 30"

wait_for "DEMO — no real money" 20
sign_in amy 1234 # the demo's cashier, as its sign-in shows
wait_for "Cashier amy" 10
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
tmux send-keys -t "$session" q
sleep 0.5
tmux kill-session -t "$session" 2>/dev/null || true

# One refund of the newest sale in each language at 80×24, ending in the review: English, then
# Traditional Chinese from the locale (LANG=zh_HK.UTF-8) and Simplified from --lang.
refund_in() { # how to start, list title, form title, confirmation, succeeded, journal, review title
  new_session 80 24 "TERM=xterm-256color $1 --journal $work/$6; sleep 30"
  sign_in amy 1234
  wait_for "$2" 20
  tmux send-keys -t "$session" r
  wait_for "$3" 5
  tmux send-keys -t "$session" Tab Right Enter # the first of the store's reasons
  wait_for "$4" 5
  tmux send-keys -t "$session" Enter
  wait_for "$5" 60
  tmux send-keys -t "$session" t
  wait_for "$7" 10
  tmux send-keys -t "$session" Escape q
  sleep 0.5
  tmux kill-session -t "$session" 2>/dev/null || true
}
refund_in "LANG=C.UTF-8 LC_ALL= $work/qfpos demo" "Recent sales" "Refund sale" "Send this refund?" "Succeeded" en.db "Refunds and cancels on"
refund_in "LANG=zh_HK.UTF-8 LC_ALL= $work/qfpos demo" "最近交易 — 過去 7 日" "退款：交易" "確定發送這筆退款？" "已完成" hant.db "的退款及取消"
refund_in "$work/qfpos demo --lang zh-Hans" "最近交易 — 过去 7 天" "退款：交易" "确定发送这笔退款？" "已完成" hans.db "的退款和取消"
# The demo's tour, as its sign-in suggests, at 80×24: amy refunds more than the approval limit and
# mgr approves it on the spot; p prints the slip as a file into the demo's folder; ctrl+l signs
# out, mgr opens the review and closes the day with Z after the question; the review says closed.
new_session 80 24 "TERM=xterm-256color LANG=C.UTF-8 LC_ALL= $work/qfpos demo --journal $work/tour.db; sleep 30"
wait_for "Try:" 20
wait_for "refund more than 500.00 HKD" 5
sign_in amy 1234
wait_for "Recent sales" 10
tmux send-keys -t "$session" 1280
wait_for "1,280.00 HKD" 5
tmux send-keys -t "$session" Enter
wait_for "Left to refund   1,280.00 HKD" 5
tmux send-keys -t "$session" r
wait_for "Refund sale" 5
tmux send-keys -t "$session" Tab Right Enter
wait_for "Send this refund?" 5
tmux send-keys -t "$session" Enter
wait_for "needs a manager's approval (a refund above 500.00 HKD)" 10
tmux send-keys -t "$session" mgr Tab 5678 Enter
wait_for "Refund 1,280.00 HKD" 10
wait_for "Succeeded" 60
tmux send-keys -t "$session" p
wait_for "Print the slip in" 5
tmux send-keys -t "$session" 1
wait_for "Slip printed to $work/slips/" 10
ls "$work"/slips/slip-*-refund.txt >/dev/null 2>&1 || fail "no slip file in $work/slips"
grep -q "1,280.00 HKD" "$work"/slips/slip-*-refund.txt || fail "the slip file does not show the refund"
echo "ok: the slip is a file in the demo's folder"
tmux send-keys -t "$session" C-l
wait_for "Sign in" 5
sign_in mgr 5678
wait_for "Cashier mgr" 10
tmux send-keys -t "$session" t
wait_for "Refunds and cancels on" 10
wait_for "1,280.00 HKD" 10
tmux send-keys -t "$session" Z
wait_for "y close the day" 5
tmux send-keys -t "$session" y
wait_for "Closed as #1" 10
tmux send-keys -t "$session" Escape q
sleep 0.5
tmux kill-session -t "$session" 2>/dev/null || true
echo "tmux demo check passed"
