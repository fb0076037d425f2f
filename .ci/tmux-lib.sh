# Shared by the real-terminal checks: tmux (installed if missing) and waiting for the screen.
# The caller sets $session.

if ! command -v tmux >/dev/null; then
  echo "installing tmux"
  (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null
fi

# new_session W H COMMAND starts the session; the tmux server may still be exiting after the last
# session ended, so it tries again.
new_session() {
  local try
  for try in 1 2 3; do
    tmux new-session -d -s "$session" -x "$1" -y "$2" "$3" && return 0
    sleep 0.5
  done
  return 1
}

screen() { tmux capture-pane -p -t "$session"; }
fail() { echo "FAIL: $*"; echo "The screen showed:"; screen || true; exit 1; }

wait_for() { # text, seconds
  local deadline=$((SECONDS + $2))
  until screen | grep -F -- "$1" >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "\"$1\" did not appear within $2 s"
    sleep 0.1
  done
  echo "ok: $1"
}

wait_for_line() { # regular expression for a whole line, seconds
  local deadline=$((SECONDS + $2))
  until screen | sed 's/ *$//' | grep -E -- "$1" >/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || fail "no line matching /$1/ within $2 s"
    sleep 0.1
  done
  echo "ok: /$1/"
}

sign_in() { # the demo's desk starts at its sign-in, which shows its people's PINs: id, PIN
  wait_for "PIN $2" 20
  tmux send-keys -t "$session" "$1" Tab "$2" Enter
}
