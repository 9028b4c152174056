#!/usr/bin/env bash
# doc_numbering.sh — `cadre doc number` from many processes at once, exactly
# as a clerk types it: PROCS shells (default 8) each run PER (default 25)
# `cadre doc number --db DB --issuer VN --type QĐ` one after the other, all
# at the same time; the symbols printed must be exactly 01/QĐ-UBND …
# N/QĐ-UBND (N = PROCS × PER) with no gap and no duplicate, and the audit
# chain must verify.  Runs on SQLite, then on PostgreSQL: in a new database
# of the cluster named by CADRE_TEST_PG_URL (tests/run.sh), else on a
# throwaway cluster (tests/pg.sh) when its binaries are installed.
#
#   bash tests/doc_numbering.sh [CADRE [SCRATCH]]   (default ./cadre;
#                                                   SCRATCH is ignored)
#
# Prints "ok NAME" / "FAIL NAME" lines and, last, "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
CADRE=${1:-./cadre}
PROCS=${PROCS:-8}
PER=${PER:-25}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadre-docnum.XXXXXX")
passed=0
failed=0

result() {
	if [ "$2" -eq 0 ]; then
		echo "ok $1"
		passed=$((passed + 1))
	else
		[ -n "${3:-}" ] && printf '    %s\n' "$3"
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

# numbering DRIVER DB — configure, race, check.
numbering() {
	local driver=$1 db=$2 n=$((PROCS * PER)) p want got
	if ! "$CADRE" init --db "$db" >"$tmp/$driver.init" 2>&1 ||
		! "$CADRE" doc issuer --db "$db" --unit VN --org state --symbol UBND \
			>>"$tmp/$driver.init" 2>&1; then
		result "doc number: $driver: setup" 1 "$(tail -n 3 "$tmp/$driver.init")"
		return
	fi
	for p in $(seq 1 "$PROCS"); do
		(
			for _ in $(seq 1 "$PER"); do
				"$CADRE" doc number --db "$db" --issuer VN --type QĐ \
					--date 2025-05-01 || echo "error"
			done >"$tmp/$driver.out.$p" 2>"$tmp/$driver.err.$p"
		) &
	done
	wait
	want=$(for i in $(seq 1 "$n"); do printf '%02d/QĐ-UBND\n' "$i"; done | sort)
	got=$(cat "$tmp/$driver".out.* | sort)
	if [ "$want" = "$got" ]; then
		result "doc number: $driver: $PROCS processes × $PER: exactly 1..$n" 0
	else
		result "doc number: $driver: $PROCS processes × $PER: exactly 1..$n" 1 \
			"$(diff <(echo "$want") <(echo "$got") | head -n 5 | tr '\n' ' ') $(cat "$tmp/$driver".err.* | head -n 2)"
	fi
	"$CADRE" audit verify --db "$db" >"$tmp/$driver.verify" 2>&1
	result "doc number: $driver: audit chain verifies" $? "$(tail -n 1 "$tmp/$driver.verify")"
}

numbering sqlite "$tmp/numbers.db"

# A database on the caller's cluster (tests/run.sh exports its URL), else
# on a cluster of our own.
pg_db() {
	local url=$1 name=$2 scheme rest query=""
	scheme=${url%%://*}
	rest=${url#*://}
	if [[ $rest == *\?* ]]; then
		query="?${rest#*\?}"
		rest=${rest%%\?*}
	fi
	psql -X -q -v ON_ERROR_STOP=1 "$url" -c "CREATE DATABASE $name" </dev/null \
		>/dev/null 2>&1 && echo "$scheme://${rest%%/*}/$name$query"
}

if [ -n "${CADRE_TEST_PG_URL:-}" ]; then
	if url=$(pg_db "$CADRE_TEST_PG_URL" "cadre_docnum_$$"); then
		numbering pg "$url"
	else
		result "doc number: pg: create the database" 1
	fi
elif [ -f tests/pg.sh ] && { [ -x /usr/lib/postgresql/15/bin/initdb ] ||
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }; then
	# shellcheck source=/dev/null
	source tests/pg.sh
	if pg_start >/dev/null 2>&1; then
		numbering pg "$CADRE_TEST_PG_URL"
		pg_stop
	else
		result "doc number: pg: cluster starts" 1
	fi
fi

rm -rf "$tmp"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
