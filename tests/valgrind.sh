#!/usr/bin/env bash
# valgrind.sh — `make valgrind`: the release build under valgrind's memcheck
# (definite leaks and memory errors are failures).  Runs build/rel/unit_tests
# on SQLite only, then a short server session: `cadre init`, `cadre serve`
# under valgrind, a handful of curl requests (health, login, units, tree, a
# reorganization, bad input), SIGTERM, and checks its exit status.  Not part
# of `make test` (too slow).  Prints ok/FAIL lines and, last,
# "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
REL=build/rel
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadre-valgrind.XXXXXX")
export TMPDIR=$tmp
passed=0
failed=0
server_pid=""
VG=(valgrind --quiet --error-exitcode=1 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite
    --track-origins=yes --num-callers=30)

result() {
	local name=$1 rc=$2 l
	shift 2
	if [ "$rc" -eq 0 ]; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		for l in "$@"; do
			[ -n "$l" ] && printf '    %s\n' "$l"
		done
		echo "FAIL $name"
		failed=$((failed + 1))
	fi
}

tail_of() {
	[ -s "$1" ] && tail -n "${2:-20}" "$1" | sed 's/^/      /'
}

cleanup() {
	if [ -n "$server_pid" ]; then
		kill -KILL "$server_pid" 2>/dev/null
		{ wait "$server_pid"; } 2>/dev/null
		server_pid=""
	fi
	[ "$failed" -eq 0 ] && rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

if ! command -v valgrind >/dev/null; then
	result "valgrind is installed" 1 "apt-get install valgrind"
	echo "$passed passed, $failed failed"
	exit 1
fi
for b in "$REL/unit_tests" "$REL/cadre"; do
	if [ ! -x "$b" ]; then
		result "binary $b exists" 1 "build it first: make tests-bin"
		echo "$passed passed, $failed failed"
		exit 1
	fi
done

# ---- unit tests, SQLite only ----
echo "== unit tests under valgrind (SQLite)"
env -u CADRE_TEST_PG_URL timeout 7200 "${VG[@]}" --log-file="$tmp/unit.vg" \
	"$REL/unit_tests" </dev/null >"$tmp/unit.out" 2>&1
rc=$?
grep -E '^(ok|FAIL) |CHECK failed' "$tmp/unit.out"
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp/unit.out" | tail -n 1)
if [ -n "$line" ]; then
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	echo "-- unit tests: $p passed, $f failed"
else
	result "unit tests: finished" 1 "no summary line (exit $rc)" "$(tail_of "$tmp/unit.out")"
fi
if [ "$rc" -ne 0 ]; then
	result "unit tests: valgrind clean" 1 "exit $rc" "$(tail_of "$tmp/unit.vg" 40)"
else
	result "unit tests: valgrind clean" 0
fi

# ---- a short server session ----
db=$tmp/vg.db
"${VG[@]}" --log-file="$tmp/init.vg" "$REL/cadre" init --db "$db" \
	</dev/null >"$tmp/init.out" 2>&1
rc=$?
result "cadre init under valgrind" "$rc" "$(tail_of "$tmp/init.out")" "$(tail_of "$tmp/init.vg" 40)"
pw=$(sed -n -E 's/.*[Pp]assword[^:]*:[[:space:]]*([^[:space:]]+).*/\1/p' "$tmp/init.out" | head -n 1)

port=""
for _ in $(seq 1 100); do
	p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
url="http://127.0.0.1:$port"
"${VG[@]}" --log-file="$tmp/serve.vg" "$REL/cadre" serve --db "$db" \
	--listen "127.0.0.1:$port" </dev/null >"$tmp/serve.out" 2>&1 &
server_pid=$!
up=1
for _ in $(seq 1 600); do
	curl -sf -o /dev/null --max-time 5 "$url/api/v1/health" && { up=0; break; }
	kill -0 "$server_pid" 2>/dev/null || break
	sleep 0.2
done
result "cadre serve under valgrind starts" "$up" "$(tail_of "$tmp/serve.out")"

if [ "$up" -eq 0 ]; then
	jar=$tmp/cookies
	# call NAME EXPECTED-STATUS CURL-ARGS… — one request, one test line.
	call() {
		local name=$1 want=$2 got
		shift 2
		got=$(curl -s -o "$tmp/body" -w '%{http_code}' --max-time 120 \
			-b "$jar" -c "$jar" "$@")
		[ "$got" = "$want" ]
		result "server: $name → $want" $? "got $got: $(head -c 300 "$tmp/body")"
	}
	call "GET /health" 200 "$url/api/v1/health"
	call "GET /units without auth" 401 "$url/api/v1/units"
	call "POST /session" 200 -H 'Content-Type: application/json' \
		--data "{\"login\":\"admin\",\"password\":\"$pw\"}" "$url/api/v1/session"
	csrf=$(sed -n 's/.*"csrf_token":"\([0-9a-f]*\)".*/\1/p' "$tmp/body")
	call "POST /session/password" 200 -H 'Content-Type: application/json' \
		-H "X-CSRF-Token: $csrf" \
		--data "{\"old_password\":\"$pw\",\"new_password\":\"valgrind-password-1\"}" \
		"$url/api/v1/session/password"
	call "GET /units" 200 "$url/api/v1/units?limit=5"
	call "GET /units/1/tree" 200 "$url/api/v1/units/1/tree?depth=2"
	call "GET /units/1/lineage" 200 "$url/api/v1/units/1/lineage"
	call "POST /reorg create" 201 -H 'Content-Type: application/json' \
		-H "X-CSRF-Token: $csrf" \
		--data '{"kind":"create","date":"2030-01-02","decision":"1/VG","code":"VG-1","name":"Xã Valgrind","unit_kind":"province","parent":1}' \
		"$url/api/v1/reorg"
	call "POST /reorg bad JSON" 400 -H 'Content-Type: application/json' \
		-H "X-CSRF-Token: $csrf" --data '{"kind":' "$url/api/v1/reorg"
	call "POST /reorg without CSRF" 403 -H 'Content-Type: application/json' \
		--data '{"kind":"rename"}' "$url/api/v1/reorg"
	call "GET /audit" 200 "$url/api/v1/audit?limit=5"
	call "GET /" 200 "$url/"
	call "DELETE /session" 200 -X DELETE -H "X-CSRF-Token: $csrf" \
		"$url/api/v1/session"
fi

if [ -n "$server_pid" ]; then
	kill -TERM "$server_pid" 2>/dev/null
	for _ in $(seq 1 600); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$server_pid" 2>/dev/null
	{ wait "$server_pid"; } 2>/dev/null
	rc=$?
	server_pid=""
	result "server: exits cleanly on SIGTERM, valgrind clean" "$rc" \
		"exit $rc" "$(tail_of "$tmp/serve.out")" "$(tail_of "$tmp/serve.vg" 60)"
fi

cleanup
trap - EXIT
[ "$failed" -ne 0 ] && echo "-- logs kept in $tmp"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
