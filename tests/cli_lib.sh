#!/usr/bin/env bash
# cli_lib.sh — what the CLI test scripts share, sourced by tests/cli.sh and
# tests/cli_members.sh: argument checking, the scratch database DB (named by
# $1 of cli_lib_setup), and the run/check helpers.  Each check prints
# "ok NAME" or "FAIL NAME" with the captured output; cli_lib_finish prints
# "N passed, N failed" and returns non-zero when anything failed.

# cli_lib_setup DBNAME "$@": CADRE, T (scratch dir) and a fresh DB.
cli_lib_setup() {
	local dbname=$1
	shift
	if [ $# -ne 2 ]; then
		echo "usage: $0 CADRE-BINARY SCRATCH-DIR" >&2
		exit 2
	fi
	CADRE=$(realpath "$1")
	T=$2
	mkdir -p "$T"
	DB=$T/$dbname
	rm -f "$DB" "$DB-wal" "$DB-shm"
	pass=0
	fail=0
	out=""
	st=0
}

# run CMD…: capture stdout+stderr in $out and the exit status in $st.
run() {
	out=$("$@" 2>&1)
	st=$?
}
# runin INPUT CMD…: the same with INPUT on stdin.
runin() {
	local input=$1
	shift
	out=$(printf '%s' "$input" | "$@" 2>&1)
	st=$?
}
# check NAME TEST…: record the result of a test command.
check() {
	local name=$1
	shift
	if "$@"; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name (exit $st)"
		printf '%s\n' "$out" | head -20 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}
has() { grep -qF -- "$1" <<<"$out"; }
status() { [ "$st" -eq "$1" ]; }

cli_lib_finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
