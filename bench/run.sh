#!/usr/bin/env bash
# bench/run.sh — every benchmark of cadre, one after the other, on a
# national-size database (34 provinces, ~3,300 communes, ~100,000 units).
#
#   make bench                   (builds, then runs this)
#   bash bench/run.sh            (expects build/rel/cadre and bench_tree)
#   FRESH=1 bash bench/run.sh    (rebuild the database and time the load)
#
# Environment: DB (default build/bench/national.db), RUNS (bench_tree runs,
# default 20), DURATION (wrk, default 10s).  Prints the figures; exits 1
# when a floor is missed (tree < 50 ms, subtree count < 5 ms, HTTP ≥ 10,000
# req/s), after running everything.
set -uo pipefail

cd "$(dirname "$0")/.."
B=build/rel
DB=${DB:-build/bench/national.db}
RUNS=${RUNS:-20}
status=0

for f in "$B/cadre" "$B/bench_tree"; do
	if [ ! -x "$f" ]; then
		make -s "$f" || exit 1
	fi
done

echo "== cadre benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
	"$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(nginx -v 2>&1 | cut -d' ' -f3), $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo

if [ -n "${FRESH:-}" ]; then
	rm -f "$DB" "$DB-wal" "$DB-shm"
fi
if [ ! -f "$DB" ]; then
	mkdir -p "$(dirname "$DB")"
	echo "== loading the national dataset into $DB"
	t0=$(date +%s.%N)
	"$B/cadre" demo --scale national --db "$DB" | grep -E '^(database|demo):' || exit 1
	t1=$(date +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "load time: %.1f s\n", b - a }'
	sqlite3 "$DB" "SELECT 'units: ' || COUNT(*) FROM unit;
		SELECT 'events: ' || COUNT(*) FROM reorg_event;
		SELECT 'audit entries: ' || COUNT(*) FROM audit;"
	echo
fi

echo "== tree (bench_tree)"
"$B/bench_tree" "$DB" --runs "$RUNS" || status=1
echo
echo "== HTTP (bench/http.sh)"
CADRE="$B/cadre" bash bench/http.sh "$DB" || status=1
echo
echo "== documents: numbering and search (bench_docs)"
rm -f build/bench/docs.db*; "$B/bench_docs" build/bench/docs.db --docs 100000 --numbers 10000 --clients 8 --runs 20 || status=1
echo
echo "== members: import (bench/import.sh) and totals (bench_members)"
bash bench/import.sh 1000000 || status=1
echo
echo "== signatures (bench/sign.sh)"
bash bench/sign.sh || status=1
exit $status
