#!/usr/bin/env bash
# run.sh — the whole `make test` run, called by the Makefile once build/rel
# and build/asan are built.  Runs, in order: the unit tests (ASan build) on
# SQLite and on a throwaway PostgreSQL cluster (tests/pg.sh); the CLI tests
# (tests/cli.sh); the API tests (tests/api, build/rel/api_tests) against an
# ASan server on SQLite and then on PostgreSQL, each followed by checks that
# the server stopped cleanly on SIGTERM with no sanitizer report and that
# `cadre audit verify` accepts the chain; and the browser tests (tests/e2e)
# against the release build.
#
# Prints every test line ("ok NAME" / "FAIL NAME"), one "-- SUITE: …" line
# per suite, and as its LAST line "N passed, N failed" summed over all
# suites.  Exits non-zero when anything failed or a suite could not run: a
# suite that crashes, times out or is missing counts as failed, never as
# skipped.  Servers and the PostgreSQL cluster are stopped on every exit.
# Logs stay in the scratch directory (printed) when something failed.
#
# Environment: CADRE_TEST_ONLY=unit,cli,cli_members,sign,doc_numbering,
# openapi_routes,api-sqlite,api-pg,e2e runs a subset (for development; make
# test runs everything).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ASAN=build/asan
REL=build/rel
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadre-test.XXXXXX")
export TMPDIR=$tmp
passed=0
failed=0
server_pid=""
server_url=""
server_rc=0
pg_up=0
cleaned=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export LC_ALL=C.UTF-8

wanted() {
	[ -z "${CADRE_TEST_ONLY:-}" ] || [[ ",$CADRE_TEST_ONLY," == *",$1,"* ]]
}

# result NAME RC [DETAIL…] — one harness-level test line, counted.
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

# Indented tail of a log file, for FAIL details.
tail_of() {
	[ -s "$1" ] && tail -n "${2:-15}" "$1" | sed 's/^/      /'
}

# run_suite NAME SECONDS CMD… — run a suite that prints ok/FAIL lines and a
# final "N passed, N failed"; show its lines, add its counts.  Without the
# summary line (crash, timeout) the lines seen are counted plus one failure.
run_suite() {
	local name=$1 limit=$2 out rc line p f
	shift 2
	out=$tmp/$name.out
	echo "== $name: $*"
	timeout -k 15 "$limit" "$@" </dev/null 2>&1 | tee "$out" |
		grep -v -E '^[0-9]+ passed, [0-9]+ failed'
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	if [ -z "$line" ]; then
		p=$(grep -c -E '^ok ' "$out")
		f=$(grep -c -E '^FAIL ' "$out")
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			result "$name: finished" 1 "timed out after ${limit}s"
		else
			result "$name: finished" 1 "no final 'N passed, N failed' line (exit $rc)"
		fi
		return 1
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
	echo "-- $name: $p passed, $f failed"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		result "$name: exit status" 1 "exited $rc although no test failed"
		return 1
	fi
	[ "$rc" -eq 0 ]
}

free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# start_server BIN DB LOG — serve on a free loopback port; sets server_pid
# and server_url once /api/v1/health answers.  Retries on another port when
# the server dies at start (port taken meanwhile).
start_server() {
	local bin=$1 db=$2 log=$3 port
	for _ in 1 2 3 4 5; do
		port=$(free_port) || return 1
		"$bin" serve --db "$db" --listen "127.0.0.1:$port" \
			</dev/null >"$log.stdout" 2>"$log" &
		server_pid=$!
		server_url="http://127.0.0.1:$port"
		for _ in $(seq 1 600); do
			if curl -sf -o /dev/null --max-time 2 "$server_url/api/v1/health"; then
				return 0
			fi
			kill -0 "$server_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$server_pid" 2>/dev/null; then
			stop_server
			return 1
		fi
		{ wait "$server_pid"; } 2>/dev/null
		server_pid=""
	done
	return 1
}

# stop_server — SIGTERM, wait up to 30 s (then SIGKILL); sets server_rc to
# the exit status (not in a subshell: only this shell can wait for it).
stop_server() {
	server_rc=0
	[ -z "$server_pid" ] && return 0
	kill -TERM "$server_pid" 2>/dev/null
	for _ in $(seq 1 300); do
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$server_pid" 2>/dev/null; then
		kill -KILL "$server_pid" 2>/dev/null
	fi
	{ wait "$server_pid"; } 2>/dev/null
	server_rc=$?
	server_pid=""
}

# sanitizer_report LOG — prints the first report lines; 1 when there is one.
sanitizer_report() {
	if grep -q -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: UndefinedBehaviorSanitizer' "$1"; then
		grep -m 8 -E 'ERROR:|runtime error:|SUMMARY:|#[0-3] ' "$1"
		return 1
	fi
	return 0
}

# The database URL for NAME on the cluster of CADRE_TEST_PG_URL.
pg_db_url() {
	local url=$1 name=$2 scheme rest query=""
	scheme=${url%%://*}
	rest=${url#*://}
	if [[ $rest == *\?* ]]; then
		query="?${rest#*\?}"
		rest=${rest%%\?*}
	fi
	echo "$scheme://${rest%%/*}/$name$query"
}

cleanup() {
	[ "$cleaned" -eq 1 ] && return 0
	cleaned=1
	if [ -n "$server_pid" ]; then
		stop_server
	fi
	if [ "$pg_up" -eq 1 ]; then
		pg_stop >/dev/null 2>&1
		pg_up=0
	fi
	if [ "$failed" -eq 0 ]; then
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ---- binaries ----
for b in "$ASAN/unit_tests" "$ASAN/cadre" "$REL/api_tests" ./cadre; do
	if [ ! -x "$b" ]; then
		result "binary $b exists" 1 "build it first: make cadre tests-bin && make MODE=asan tests-bin"
	fi
done

# ---- PostgreSQL ----
if wanted unit || wanted api-pg; then
	if [ -f tests/pg.sh ]; then
		# shellcheck source=/dev/null
		source tests/pg.sh
		if pg_start; then
			pg_up=1
			result "postgresql: throwaway cluster starts" 0
		else
			result "postgresql: throwaway cluster starts" 1 "pg_start failed (see above)"
		fi
	else
		result "postgresql: throwaway cluster starts" 1 "tests/pg.sh is missing"
	fi
fi

# ---- 1. unit tests (SQLite, and PostgreSQL when the cluster is up) ----
if wanted unit; then
	run_suite unit 2400 "$ASAN/unit_tests"
	if [ "$pg_up" -eq 1 ] && ! grep -q -E '^(ok|FAIL) .*\[pg\]' "$tmp/unit.out"; then
		result "unit: ran on PostgreSQL" 1 "no [pg] test line in the unit test output"
	fi
fi

# ---- 2. CLI tests ----
if wanted cli; then
	if [ -f tests/cli.sh ]; then
		mkdir -p "$tmp/cli"
		run_suite cli 1800 bash tests/cli.sh "$ASAN/cadre" "$tmp/cli"
	else
		result "cli: tests/cli.sh exists" 1 "tests/cli.sh is missing"
	fi
fi

# ---- 2b. CLI tests of members and signatures (real pdfsig, openssl, qpdf),
# numbering from many processes, and docs/openapi.yaml against the route
# tables and a running server (tests/openapi_routes.sh) ----
for extra in cli_members sign doc_numbering openapi_routes; do
	if wanted "$extra" && [ -f "tests/$extra.sh" ]; then
		mkdir -p "$tmp/$extra"
		run_suite "$extra" 1800 bash "tests/$extra.sh" "$ASAN/cadre" "$tmp/$extra"
	fi
done

# ---- 3./4. API tests against an ASan server ----
# api_suite DRIVER DB — init --demo, token, serve, api_tests, stop, checks.
api_suite() {
	local driver=$1 db=$2 d pw token rc rep n
	d=$tmp/api-$driver
	n=api-$driver
	mkdir -p "$d"
	echo "== $n: cadre init --demo on $driver"
	timeout 1200 "$ASAN/cadre" init --db "$db" --demo </dev/null \
		>"$d/init.out" 2>"$d/init.err"
	rc=$?
	pw=$(grep -i 'password' "$d/init.out" |
		sed -n -E 's/.*[Pp]assword[^:]*:[[:space:]]*([^[:space:]]+).*/\1/p' | head -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$pw" ]; then
		result "$n: cadre init --demo" 1 "exit $rc, password line: ${pw:-none}" \
			"$(tail_of "$d/init.err")" "$(tail_of "$d/init.out" 5)"
		result "$n: suite ran" 1 "not run: no database"
		return 1
	fi
	rep=$(sanitizer_report "$d/init.err")
	result "$n: cadre init --demo" $? "$rep"
	token=$(timeout 300 "$ASAN/cadre" user token --db "$db" --login admin \
		</dev/null 2>"$d/token.err" | tail -n 1)
	rc=$?
	[[ $token =~ ^[0-9a-f]{64}$ ]] || rc=1
	result "$n: cadre user token" "$rc" "$(tail_of "$d/token.err")"
	if ! start_server "$ASAN/cadre" "$db" "$d/server.log"; then
		result "$n: server starts" 1 "$(tail_of "$d/server.log")"
		result "$n: suite ran" 1 "not run: no server"
		return 1
	fi
	result "$n: server starts" 0
	CADRE_URL=$server_url CADRE_ADMIN_PASSWORD=$pw CADRE_API_TOKEN=$token \
		CADRE_EXPECT_DB=$driver run_suite "$n" 1800 "$REL/api_tests"
	stop_server
	result "$n: server exits 0 on SIGTERM" "$server_rc" "exit status $server_rc" \
		"$(tail_of "$d/server.log")"
	rep=$(sanitizer_report "$d/server.log")
	result "$n: no sanitizer report from the server" $? "$rep"
	timeout 600 "$ASAN/cadre" audit verify --db "$db" </dev/null \
		>"$d/verify.out" 2>&1
	rc=$?
	result "$n: cadre audit verify" "$rc" "$(tail_of "$d/verify.out")"
}

if wanted api-sqlite; then
	api_suite sqlite "$tmp/api-sqlite.db"
fi
if wanted api-pg; then
	if [ "$pg_up" -eq 1 ]; then
		pgdb="cadre_api_$$"
		if psql -X -q -v ON_ERROR_STOP=1 "$CADRE_TEST_PG_URL" \
			-c "CREATE DATABASE $pgdb" </dev/null >"$tmp/createdb.log" 2>&1; then
			api_suite postgresql "$(pg_db_url "$CADRE_TEST_PG_URL" "$pgdb")"
		else
			result "api-postgresql: create the database" 1 "$(tail_of "$tmp/createdb.log")"
		fi
	else
		result "api-postgresql: suite ran" 1 "not run: no PostgreSQL cluster"
	fi
fi

# ---- 5. browser tests against the release build ----
e2e_suite() {
	local d=$tmp/e2e db=$tmp/e2e/e2e.db pw token other rc
	mkdir -p "$d"
	if [ ! -f tests/e2e/run.mjs ]; then
		result "e2e: tests/e2e/run.mjs exists" 1 "tests/e2e/run.mjs is missing"
		return 1
	fi
	./cadre init --db "$db" --demo </dev/null >"$d/init.out" 2>"$d/init.err"
	rc=$?
	result "e2e: cadre init --demo" "$rc" "$(tail_of "$d/init.err")"
	[ "$rc" -eq 0 ] || return 1
	# The one-time password is replaced before the browser tests start.
	pw="e2e-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	printf '%s\n' "$pw" | ./cadre user passwd --db "$db" --login admin \
		>"$d/passwd.out" 2>&1
	rc=$?
	result "e2e: cadre user passwd admin" "$rc" "$(tail_of "$d/passwd.out")"
	token=$(./cadre user token --db "$db" --login admin </dev/null 2>/dev/null | tail -n 1)
	# A signer with a certificate of the organization's CA, for the sign
	# dialog (tests/e2e/85-documents.test.mjs).
	{
		./cadre ca init --db "$db" --unit VN --name "CA Việt Nam (e2e)" &&
			printf '%s\n' signer-password-123 | ./cadre user add --db "$db" \
				--login e2e.signer --role signer --unit VN-01 --name "Trần Văn Ký" &&
			./cadre ca issue --db "$db" --login e2e.signer
	} </dev/null >"$d/signer.out" 2>&1
	rc=$?
	result "e2e: CA and a signer with a certificate" "$rc" "$(tail_of "$d/signer.out")"
	if [ ! -d tests/e2e/node_modules/playwright-core ]; then
		echo "== e2e: installing node modules"
		if [ -f tests/e2e/package-lock.json ]; then
			(cd tests/e2e && npm ci --no-audit --no-fund) >"$d/npm.log" 2>&1
		else
			(cd tests/e2e && npm install --no-audit --no-fund) >"$d/npm.log" 2>&1
		fi
		rc=$?
		result "e2e: npm install" "$rc" "$(tail_of "$d/npm.log")"
		[ "$rc" -eq 0 ] || return 1
	fi
	if ! start_server ./cadre "$db" "$d/server.log"; then
		result "e2e: server starts" 1 "$(tail_of "$d/server.log")"
		return 1
	fi
	result "e2e: server starts" 0
	other=$(curl -sf -H "Authorization: Bearer $token" \
		"$server_url/api/v1/units?q=VN-N08&as_of=2025-07-01&limit=500" |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
			const u=JSON.parse(s).items.find(x=>x.code==="VN-N08");
			if(u)console.log(u.id);})' 2>/dev/null)
	[ -n "$other" ]
	result "e2e: id of VN-N08" $? "GET /units?q=VN-N08 gave no unit VN-N08"
	CADRE_URL=$server_url CADRE_ADMIN_LOGIN=admin CADRE_ADMIN_PASSWORD=$pw \
		CADRE_SCOPED_LOGIN=hanoi.viewer CADRE_SCOPED_PASSWORD=demo-password-123 \
		CADRE_SIGNER_LOGIN=e2e.signer CADRE_SIGNER_PASSWORD=signer-password-123 \
		CADRE_OTHER_UNIT_ID=$other run_suite e2e 1800 node tests/e2e/run.mjs
	stop_server
	result "e2e: server exits 0 on SIGTERM" "$server_rc" "exit status $server_rc" \
		"$(tail_of "$d/server.log")"
}

if wanted e2e; then
	e2e_suite
fi

cleanup
trap - EXIT
if [ "$failed" -ne 0 ]; then
	echo "-- logs kept in $tmp"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
