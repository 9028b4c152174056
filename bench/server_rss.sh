#!/usr/bin/env bash
# bench/server_rss.sh — the server's memory on its first totals questions:
# starts `cadre serve` on DB (a fresh process: the member index is built by
# the first question), asks GET /api/v1/units/UNIT/stats for two dates as
# LOGIN (an API token is created for it), and prints the time of each
# answer and the process's VmHWM (peak) and VmRSS from /proc.  Exits 1
# when the peak reaches LIMIT_MB (default 200).
#
# By default the server starts with --no-warm, so the first question builds
# the index (the cold case).  WARM=1 lets the server build it at start, as
# it does unless told otherwise, and asks only once the log says "member
# totals ready" (what a user sees who comes after the start).
#
#   bash bench/server_rss.sh DB LOGIN UNIT_ID [DATE1] [DATE2]
#
# e.g. bash bench/server_rss.sh build/bench/national.db tuyenquang.manager 527
# Each run leaves one API token named "rss …" in DB.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=$1 LOGIN=$2 UNIT=$3 D1=${4:-2026-06-30} D2=${5:-2025-06-30}
CADRE=${CADRE:-build/rel/cadre}
LIMIT_MB=${LIMIT_MB:-200}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
token=$("$CADRE" user token --db "$DB" --login "$LOGIN" --name "rss $(date +%F)")
log=$(mktemp)
warm_flag=--no-warm
[ "${WARM:-0}" = 1 ] && warm_flag=
"$CADRE" serve --db "$DB" --listen "127.0.0.1:$port" $warm_flag >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do
	curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/session" && break
	sleep 0.1
done
if [ "${WARM:-0}" = 1 ]; then
	for _ in $(seq 600); do
		grep -q "member totals ready" "$log" && break
		sleep 0.1
	done
	grep "member totals ready" "$log" || echo "warming did not finish in 60 s"
fi
for d in "$D1" "$D2"; do
	t=$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" \
		"http://127.0.0.1:$port/api/v1/units/$UNIT/stats?as_of=$d&children=1")
	echo "stats as of $d: $t s"
done
peak=$(awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$pid/status")
now=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status")
echo "server RSS: peak ${peak} MB, now ${now} MB (limit ${LIMIT_MB} MB); load $(cut -d' ' -f1 /proc/loadavg)"
[ "$peak" -lt "$LIMIT_MB" ]
