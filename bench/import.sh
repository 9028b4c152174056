#!/usr/bin/env bash
# bench/import.sh — the import floor: import + validation of N member rows
# (default 1,000,000) by `cadre import members`, against sqlite3's
# `.import --csv` of the same file into a bare table (no validation, no
# index).  Reports rows/s for both; exits 1 when cadre is slower.
#
#   bash bench/import.sh [N]
#
# The file is made by bench_gen_members (bench/gen_members.c): Vietnamese
# headers, dd/mm/yyyy dates, names with diacritics, citizen IDs consistent
# with gender and birth year, units taken in turn from the party cells of
# the demo dataset.  Each timed run starts from a fresh copy of the
# database and includes opening, the commit and closing (the WAL
# checkpoint).  Also timed: importing the same file again into the loaded
# database (every row looked up, compared, unchanged).
#
# Also run: bench_import_sqlite (bench/import_sqlite.c), SQLite alone
# storing the same rows in cadre's tables the way the import does, from
# the bare table `.import` made (no parsing, no checks): the lower bound of
# cadre's writer thread on this schema.
#
# Environment: CADRE (build/rel/cadre), GEN (build/rel/bench_gen_members),
# DIR (build/bench/import, scratch), RUNS (best of, default 3).
set -uo pipefail

cd "$(dirname "$0")/.."
N=${1:-1000000}
CADRE=${CADRE:-build/rel/cadre}
GEN=${GEN:-build/rel/bench_gen_members}
DIR=${DIR:-build/bench/import}
RUNS=${RUNS:-3}
mkdir -p "$DIR"

ALONE=${ALONE:-build/rel/bench_import_sqlite}
for f in "$CADRE" "$GEN" "$ALONE"; do
	if [ ! -x "$f" ]; then
		make -s "$f" || exit 1
	fi
done

base=$DIR/base.db
if [ ! -f "$base" ]; then
	"$CADRE" demo --db "$base" >/dev/null || exit 1
fi
sqlite3 "$base" "SELECT u.code FROM unit u JOIN unit_version v ON v.unit_id = u.id
	WHERE u.kind = 'party_cell' AND v.valid_to = '9999-12-31' ORDER BY u.code" >"$DIR/cells.txt"
csv=$DIR/members-$N.csv
if [ ! -f "$csv" ]; then
	"$GEN" "$N" "$DIR/cells.txt" >"$csv" || exit 1
fi

now() { date +%s.%N; }
# best CMD…: the best wall time of RUNS runs, each after `prepare`.
best() {
	local b=999999 s t
	for _ in $(seq "$RUNS"); do
		prepare
		s=$(now)
		"$@" >/dev/null 2>"$DIR/last.err" || {
			echo "failed: $*" >&2
			cat "$DIR/last.err" >&2
			return 1
		}
		t=$(echo "$(now) - $s" | bc)
		b=$(echo "if ($t < $b) $t else $b" | bc)
	done
	echo "$b"
}
fresh_db() {
	rm -f "$DIR/t.db" "$DIR/t.db-wal" "$DIR/t.db-shm"
	cp "$base" "$DIR/t.db"
}
bare_db() { rm -f "$DIR/bare.db" "$DIR/bare.db-journal"; }
nothing() { :; }

echo "== import of $N rows ($(du -h "$csv" | cut -f1) CSV), best of $RUNS"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"

prepare=bare_db
prepare() { $prepare; }
t_sqlite=$(best sqlite3 "$DIR/bare.db" ".import --csv $csv t") || exit 1
prepare=fresh_db
t_cadre=$(best "$CADRE" import members "$csv" --db "$DIR/t.db" --org party) || exit 1
# The loaded database stays: import the same file into it again.
prepare=nothing
t_again=$(best "$CADRE" import members "$csv" --db "$DIR/t.db" --org party --json) || exit 1
grep -q '"unchanged": '"$N" <("$CADRE" import members "$csv" --db "$DIR/t.db" --org party --json) ||
	echo "warning: the re-import did not find every row unchanged" >&2

# SQLite alone on the same rows (best of RUNS, from the last bare table).
t_alone=999999
for _ in $(seq "$RUNS"); do
	fresh_db
	line=$("$ALONE" "$DIR/bare.db" "$DIR/t.db") || exit 1
	t=$(echo "$line" | sed -n 's/.*tables: \([0-9.]*\) s.*/\1/p')
	if [ "$(echo "$t < $t_alone" | bc)" -eq 1 ]; then
		t_alone=$t
		alone_line=$line
	fi
done

rate() { echo "scale=0; $N / $1" | bc; }
printf "sqlite3 .import --csv (bare table):   %7.2f s  %8s rows/s\n" "$t_sqlite" "$(rate "$t_sqlite")"
printf "cadre import members (empty tables):  %7.2f s  %8s rows/s\n" "$t_cadre" "$(rate "$t_cadre")"
printf "cadre import members (again, unchanged): %4.2f s  %8s rows/s\n" "$t_again" "$(rate "$t_again")"
echo "$alone_line"
ratio=$(echo "scale=2; $t_cadre / $t_sqlite" | bc)
echo "cadre / sqlite3: ${ratio}× the time"
if [ "$(echo "$t_cadre <= $t_sqlite" | bc)" -eq 1 ]; then
	echo "floor met"
else
	echo "FLOOR MISSED (import + validation slower than sqlite3 .import)"
	exit 1
fi
