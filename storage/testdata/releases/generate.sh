#!/usr/bin/env bash
# Writes storage/testdata/releases/schema-N.db: for each earlier journal schema, the qfpos of the
# last commit that wrote it is built from this repository's history (in a git worktree) and made to
# write a small journal through its own commands against its own sandbox (`qfpos sandbox`):
#
#   sales synced from the sandbox and one added by hand (`sales add`);
#   staff: a manager and a cashier (schema 6 on);
#   a refund that succeeds, then the rest of the same sale with a manager's approval (schema 6 on:
#   [refunds] approval_over = "50.00");
#   a refund left processing (QFPay answered "processing" and the command stopped following);
#   a refund whose reply never came and whose polling window ran out (outcome unknown);
#   a refund sent to a gateway that never answers, with qfpos killed while it waited (sent);
#   a refund QFPay refused (a sale it does not know: failed);
#   a cancel of an unpaid sale;
#   the day closed (schema 7 on).
#
# The journals are committed. TestReleasedJournalsMigrate (storage), TestJournalsOfEarlierReleases
# (cli) and TestDeskOnJournalsOfEarlierReleases (ui) open copies with today's code and compare
# what they read, what the commands print and what the desk shows with the goldens beside them
# (schema-N.storage.golden, .cli.golden, .desk.golden). Run this script again only to add a schema
# (append a line to RELEASES) or when a release's journal must be written anew; then refresh the
# goldens, read their diff, and commit both:
#   go test ./storage ./cli ./ui -run 'Released|EarlierReleases' -update-releases
#
# Usage: storage/testdata/releases/generate.sh [SCHEMA...]   (default: every schema below)
set -euo pipefail

# schema commit — the last commit that wrote each schema (the parent of the commit that introduced
# the next one: git log -S "SchemaVersion = N" -- storage/journal.go).
RELEASES="
2 eaeea03
3 84b21d1
4 93c317a
5 fa98850
6 bc6b0e8
7 047346e
8 7d7c764
9 da7e164
10 9837541
"

repo=$(git rev-parse --show-toplevel)
out="$repo/storage/testdata/releases"
work=$(mktemp -d)
sandbox_pid=""
cleanup() {
	[ -n "$sandbox_pid" ] && kill "$sandbox_pid" 2>/dev/null || true
	for wt in "$work"/src-*; do
		[ -d "$wt" ] && git -C "$repo" worktree remove --force "$wt" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

wanted=" ${*:-} "

MGR_PIN=2468
AMY_PIN=1357

generate() {
	local schema=$1 commit=$2
	local src="$work/src-$schema" dir="$work/run-$schema" q="$work/qfpos-$schema"
	echo "== schema $schema: building $commit"
	git -C "$repo" worktree add --force --detach "$src" "$commit" >/dev/null 2>&1
	(cd "$src" && go build -o "$q" .)
	mkdir -p "$dir"
	cd "$dir"
	local port=$((18780 + schema))
	{
		cat <<EOF
[qfpay]
base_url = "http://127.0.0.1:$port"
app_code = "FIXTUREAPP"
client_key = "FIXTUREKEY00000000000000000000000"

[terminal]
udid = "FIXTURE-TILL"
cashier = "amy"
timezone = "Asia/Hong_Kong"
currency = "HKD"

[journal]
path = "journal.db"
EOF
		if [ "$schema" -ge 6 ]; then
			printf '\n[refunds]\napproval_over = "50.00"\n'
		fi
	} >qfpos.toml
	chmod 600 qfpos.toml

	"$q" sandbox --addr "127.0.0.1:$port" --app-code FIXTUREAPP \
		--client-key FIXTUREKEY00000000000000000000000 --seed 7 --sales 10 >sandbox.out 2>&1 &
	sandbox_pid=$!
	for _ in $(seq 100); do
		grep -q "Press Ctrl+C" sandbox.out 2>/dev/null && break
		sleep 0.1
	done

	"$q" sales sync --since 72h --all-terminals
	"$q" sales add --syssn 20261120000000000000999001 --out-trade-no POS-FIXTURE-1 --amount 20.00 \
		--currency HKD --pay-type 800208 --txdtm "2026-11-20 12:00:00" --goods "not at QFPay"

	# Who refunds: from schema 10 a person signs in with a PIN; before it [terminal] cashier.
	local who=() pins=""
	if [ "$schema" -ge 6 ]; then
		echo "$MGR_PIN" | "$q" staff add mgr --role manager --pin-stdin
		if [ "$schema" -ge 10 ]; then
			printf '%s\n%s\n' "$MGR_PIN" "$AMY_PIN" | "$q" staff add amy --role cashier --manager mgr --pin-stdin
			who=(--cashier amy --pin-stdin)
			pins="$AMY_PIN"
		else
			echo "$AMY_PIN" | "$q" staff add amy --role cashier --pin-stdin
		fi
	fi
	local reason=(--reason damaged) # free text before schema 7, one of [refunds] reasons after


	# Paid wallet sales (not cards: a card refunded on its own day must be whole), largest first;
	# one unpaid sale to cancel.
	mapfile -t paid < <("$q" sales list --days 30 --format csv | awk -F, 'NR>1 && $7=="0000" && $5 ~ /^80[01]/ && $1 !~ /999001$/ {print $3, $1}' | sort -rn | awk '{print $2}')
	local unpaid
	unpaid=$("$q" sales list --days 30 --format csv | awk -F, 'NR>1 && $7=="1143" {print $1; exit}')
	[ "${#paid[@]}" -ge 4 ] && [ -n "$unpaid" ] || { echo "the sandbox seeded too few sales" >&2; exit 1; }

	refund() { # refund PINS ARGS...: PINS go to stdin, one a line
		local in=$1
		shift
		local rc=0
		printf '%b' "$in" | "$q" refund "$@" || rc=$?
		echo "   exit $rc"
	}
	# Succeeded, then the rest with a manager's approval.
	refund "${pins:+$pins\n}" --syssn "${paid[0]}" --amount 10.00 "${reason[@]}" "${who[@]}" --wait 30s
	if [ "$schema" -ge 6 ]; then
		if [ "$schema" -ge 10 ]; then
			refund "$AMY_PIN\n$MGR_PIN\n" --syssn "${paid[0]}" "${reason[@]}" --cashier amy --approver mgr --pin-stdin --wait 30s
		else
			refund "$MGR_PIN\n" --syssn "${paid[0]}" "${reason[@]}" --approver mgr --pin-stdin --wait 30s
		fi
	fi
	# Failed: QFPay does not know the sale.
	refund "${pins:+$pins\n}" --syssn 20261120000000000000999001 "${reason[@]}" "${who[@]}" --wait 30s
	# Cancel of an unpaid sale.
	local rc=0
	printf '%b' "${pins:+$pins\n}" | "$q" cancel --syssn "$unpaid" "${who[@]}" --wait 30s || rc=$?
	echo "   exit $rc"
	# Processing: QFPay answered "processing", the command stopped following at once, and the
	# sandbox went away before it settled.
	refund "${pins:+$pins\n}" --syssn "${paid[1]}" --amount 5.00 "${reason[@]}" "${who[@]}" --wait 1ms
	kill "$sandbox_pid"
	wait "$sandbox_pid" 2>/dev/null || true
	sandbox_pid=""
	# Unknown: no reply at all, and the polling window ([poll] give_up_after) ran out.
	cp qfpos.toml unknown.toml
	printf '\n[poll]\nfirst = "1s"\ninterval = "1s"\ngive_up_after = "3s"\n' >>unknown.toml
	refund "${pins:+$pins\n}" --config unknown.toml --syssn "${paid[2]}" --amount 5.00 "${reason[@]}" "${who[@]}" --wait 10s
	# Sent: the request left for a gateway that never answers and qfpos was killed (SIGKILL)
	# while it waited.
	local hang=$((18800 + schema))
	python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); held=[]
while True: held.append(s.accept())' "$hang" &
	local hang_pid=$!
	sed "s|^base_url = .*|base_url = \"http://127.0.0.1:$hang\"\ntimeout = \"3s\"|" qfpos.toml >hang.toml
	chmod 600 unknown.toml hang.toml
	sleep 0.5
	printf '%b' "${pins:+$pins\n}" | "$q" refund --config hang.toml --syssn "${paid[3]}" --amount 5.00 "${reason[@]}" "${who[@]}" --wait 1m >crash.out 2>&1 &
	local crash_pid=$!
	for _ in $(seq 200); do
		grep -q "journaled" crash.out && break
		sleep 0.05
	done
	sleep 0.5
	kill -9 "$crash_pid"
	wait "$crash_pid" 2>/dev/null || true
	cat crash.out
	kill "$hang_pid"
	wait "$hang_pid" 2>/dev/null || true
	rm -f journal.db.clean
	if [ "$schema" -ge 7 ]; then
		"$q" close-day --date today
	fi
	"$q" pending
	"$q" report --date today || true

	cp journal.db "$out/schema-$schema.db"
	cd "$repo"
	git -C "$repo" worktree remove --force "$src"
}

while read -r schema commit; do
	[ -n "$schema" ] || continue
	if [ "$wanted" != "  " ] && [[ "$wanted" != *" $schema "* ]]; then
		continue
	fi
	generate "$schema" "$commit"
done <<<"$RELEASES"
echo "written to $out"
