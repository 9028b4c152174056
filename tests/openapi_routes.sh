#!/usr/bin/env bash
# openapi_routes.sh — docs/openapi.yaml cannot fall behind the route tables.
# Runs tests/openapi_check.py (python3 with PyYAML): the document is valid
# OpenAPI 3.0, and every route of the tables in src/http (routes_core and
# the routes_* arrays route.c lists) is an operation with its method, its
# auth (public / cookie or bearer / cookie+CSRF or bearer), its body, its
# typed query parameters and its error statuses — and every operation is a
# route.  Then serves a fresh database with the given binary and sends every
# route to it without credentials: each must be a route of the compiled
# server (no 404 "no such API endpoint", no 405), answering 401 exactly when
# openapi.yaml says it needs credentials.
#
#   bash tests/openapi_routes.sh CADRE-BINARY SCRATCH-DIR
#
# Prints "ok NAME" / "FAIL NAME" lines and, last, "N passed, N failed".
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
if [ $# -ne 2 ]; then
	echo "usage: $0 CADRE-BINARY SCRATCH-DIR" >&2
	exit 2
fi
CADRE=$(realpath "$1")
T=$2
mkdir -p "$T"
passed=0
failed=0
pid=""

result() {
	if [ "$2" -eq 0 ]; then
		echo "ok $1"
		passed=$((passed + 1))
	else
		[ -n "${3:-}" ] && printf '%s\n' "$3" | head -n 15 | sed 's/^/    /'
		echo "FAIL $1"
		failed=$((failed + 1))
	fi
}

stop() {
	local rc=0
	[ -z "$pid" ] && return 0
	kill -TERM "$pid" 2>/dev/null
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	pid=""
	return "$rc"
}
trap stop EXIT

if ! python3 -c 'import yaml' 2>"$T/python.err"; then
	result "python3 with PyYAML (scripts/deps.sh installs python3-yaml)" 1 "$(cat "$T/python.err")"
	echo "$passed passed, $failed failed"
	exit 1
fi

# A fresh database and a server on a free loopback port.
db=$T/openapi.db
rm -f "$db" "$db-wal" "$db-shm"
"$CADRE" init --db "$db" </dev/null >"$T/init.out" 2>&1
result "cadre init" $? "$(tail -n 5 "$T/init.out")"
url=""
for _ in 1 2 3 4 5; do
	port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
	"$CADRE" serve --db "$db" --listen "127.0.0.1:$port" </dev/null \
		>"$T/server.out" 2>"$T/server.log" &
	pid=$!
	for _ in $(seq 1 600); do
		if curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/api/v1/health"; then
			url="http://127.0.0.1:$port"
			break 2
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	stop
done
[ -n "$url" ]
result "server starts" $? "$(tail -n 5 "$T/server.log")"

args=(--routes "$T/routes.txt")
[ -n "$url" ] && args+=(--probe "$url")
python3 tests/openapi_check.py "${args[@]}" >"$T/check.out" 2>&1
rc=$?
grep -v -E '^[0-9]+ passed, [0-9]+ failed$' "$T/check.out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$T/check.out" | tail -n 1)
if [ -z "$line" ]; then
	result "openapi_check.py finished" 1 "exit $rc, no summary line"
else
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		result "openapi_check.py exit status" 1 "exited $rc although no check failed"
	fi
fi

if [ -n "$pid" ]; then
	stop
	rc=$?
	result "server exits 0 on SIGTERM" "$rc" "$(tail -n 5 "$T/server.log")"
	! grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$T/server.log"
	result "no sanitizer report from the server" $? "$(grep -m 5 -E 'ERROR:|runtime error:' "$T/server.log")"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
