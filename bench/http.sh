#!/usr/bin/env bash
# bench/http.sh — requests per second of the JSON API against nginx serving
# a static file of the same size, both hit by wrk the same way.
#
#   bash bench/http.sh [DB]        (default build/bench/national.db)
#
# Starts `cadre serve` on DB (SQLite file or postgresql:// URL) on a free
# loopback port, creates an API token (`cadre user token`) for the demo user
# tuyenquang.manager (scoped to VN-N08, so every request also runs the
# scope check), finds the unit VN-N08 through the API, saves its
# GET /api/v1/units/{id} answer,
# then runs
#   wrk -t2 -c64 -d10s -H 'Authorization: Bearer …' http://127.0.0.1:PORT/api/v1/units/ID
# and the same against nginx (own config, pid, logs and temp paths in a temp
# directory, run as the current user) serving that answer as a file.
# Prints both figures and the ratio; exits 1 when cadre stays under the
# floor (10,000 req/s) or any request failed.
# Environment: CADRE (binary, default build/rel/cadre), DURATION (10s),
# CONNECTIONS (64), THREADS (2), LOGIN (tuyenquang.manager), UNIT (VN-N08),
# FLOOR (10000).  Each run leaves one API token named "bench …" in DB.
set -euo pipefail

cd "$(dirname "$0")/.."
DB=${1:-build/bench/national.db}
CADRE=${CADRE:-build/rel/cadre}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
LOGIN=${LOGIN:-tuyenquang.manager}
UNIT=${UNIT:-VN-N08}
FLOOR=${FLOOR:-10000}

for tool in wrk nginx curl; do
	command -v "$tool" >/dev/null || { echo "http.sh: $tool is missing (apt-get install $tool)" >&2; exit 1; }
done
[ -x "$CADRE" ] || { echo "http.sh: $CADRE not built (make)" >&2; exit 1; }
case $DB in
postgres*://*) ;;
*) [ -f "$DB" ] || { echo "http.sh: no database $DB (bash bench/run.sh makes one)" >&2; exit 1; } ;;
esac

tmp=$(mktemp -d /tmp/cadre-bench-http.XXXXXX)
chmod 755 "$tmp"
cadre_pid=""
nginx_pid=""
cleanup() {
	[ -n "$cadre_pid" ] && kill "$cadre_pid" 2>/dev/null && wait "$cadre_pid" 2>/dev/null
	[ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# A loopback port nobody listens on.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_http() { # URL
	for _ in $(seq 1 100); do
		curl -fs -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "http.sh: nothing answers at $1" >&2
	return 1
}

# wrk's "Requests/sec:" figure, and a complaint about failed requests.
run_wrk() { # NAME URL
	local out
	out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $token" "$2")
	echo "$out" >"$tmp/wrk-$1.txt"
	if grep -Eq 'Non-2xx|Socket errors' <<<"$out"; then
		echo "http.sh: $1: some requests failed:" >&2
		grep -E 'Non-2xx|Socket errors' <<<"$out" >&2
		failed=1
	fi
	awk '/^Requests\/sec:/ {print $2}' <<<"$out"
}

# --- cadre ---
port=$(free_port)
"$CADRE" serve --db "$DB" --listen "127.0.0.1:$port" >"$tmp/cadre.log" 2>&1 &
cadre_pid=$!
wait_http "http://127.0.0.1:$port/api/v1/health"
token=$("$CADRE" user token --db "$DB" --login "$LOGIN" --name "bench $(date +%F)" 2>/dev/null)
api="http://127.0.0.1:$port/api/v1"
[ -n "$token" ] || { echo "http.sh: no API token for $LOGIN (is DB a demo database?)" >&2; exit 1; }
units_json=$(curl -sS -H "Authorization: Bearer $token" "$api/units?q=$UNIT&limit=50")
unit_id=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(next(u["id"] for u in d["items"] if u["code"]==sys.argv[1]))' \
	"$UNIT" <<<"$units_json" 2>/dev/null) ||
	{ echo "http.sh: cannot find $UNIT through the API as $LOGIN: $units_json" >&2; exit 1; }
url="$api/units/$unit_id"
mkdir -p "$tmp/www"
curl -fsS -H "Authorization: Bearer $token" -o "$tmp/www/unit.json" "$url"
size=$(wc -c <"$tmp/www/unit.json")

# --- nginx: same bytes, as a static file ---
nport=$(free_port)
mkdir -p "$tmp/nginx"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user $(id -un) $(id -gn);"
cat >"$tmp/nginx.conf" <<EOF
$user_line
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	types { application/json json; }
	server {
		listen 127.0.0.1:$nport;
		root $tmp/www;
	}
}
EOF
nginx -p "$tmp/nginx" -e "$tmp/nginx/error.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
wait_http "http://127.0.0.1:$nport/unit.json"

failed=0
echo "http.sh: $DB, GET /api/v1/units/$unit_id ($UNIT), $size bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores"
cadre_rps=$(run_wrk cadre "$url")
nginx_rps=$(run_wrk nginx "http://127.0.0.1:$nport/unit.json")
printf '%-52s %12s req/s\n' "cadre  GET /api/v1/units/$unit_id (as $LOGIN)" "$cadre_rps"
printf '%-52s %12s req/s\n' "nginx  static file of the same $size bytes" "$nginx_rps"
awk -v c="$cadre_rps" -v n="$nginx_rps" -v f="$FLOOR" 'BEGIN {
	ok = (c + 0 >= f + 0)
	printf "ratio cadre / nginx: %.2f   floor: cadre >= %d req/s: %s\n", c / n, f, (ok ? "ok" : "MISSED")
	exit (ok ? 0 : 1)
}' || failed=1
exit "$failed"
