#!/usr/bin/env bash
# cli.sh — smoke tests of the command-line face: real commands against a
# scratch SQLite database built with the demo dataset.
#   usage: tests/cli.sh PATH/TO/cadre SCRATCH-DIR
# Prints "ok NAME" / "FAIL NAME" per check and "N passed, N failed" last;
# exits non-zero when any check failed.
set -u
# shellcheck source=tests/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
cli_lib_setup cli.db "$@"
# Provinces directly under VN in a depth-1 tree.
provinces() { grep -cE '^  VN-N?[0-9]+  ' <<<"$out"; }

run "$CADRE" --version
check version eval 'status 0 && has "cadre "'
run "$CADRE" frobnicate
check unknown-command eval 'status 2 && has "not a command"'
run "$CADRE" reorg merge --help
check help-merge eval 'status 0 && has "--into-new" && has "--decision"'
run "$CADRE" unit tree --db "$T/none.db"
check missing-db eval 'status 1 && has "no such database" && [ ! -e "$T/none.db" ]'
run "$CADRE" user add --db "$DB" --login x
check missing-flag eval 'status 2 && has "--role"'

run "$CADRE" init --db "$DB" --demo
check init eval 'status 0 && has "one-time password:"'
run "$CADRE" init --db "$DB"
check init-again eval 'status 0 && has "already exists"'
run "$CADRE" migrate --db "$DB"
check migrate eval 'status 0 && has "up to date"'

runin $'alice-password-1\n' "$CADRE" user add --db "$DB" --login alice \
	--role manager --unit VN-N08 --name "Alice Nguyễn"
check user-add eval 'status 0 && has "alice"'
runin $'\n' "$CADRE" user add --db "$DB" --login bob --role viewer --unit VN
check user-add-empty-password eval 'status 1 && has "empty"'
runin $'bob-password-12\n' "$CADRE" user add --db "$DB" --login alice \
	--role viewer --unit VN
check user-add-duplicate eval 'status 1 && has "--login"'
runin $'bob-password-12\n' "$CADRE" user add --db "$DB" --login bob \
	--role viewer --unit NO-SUCH
check user-add-bad-unit eval 'status 1 && has "--unit"'
run "$CADRE" user list --db "$DB"
check user-list eval 'status 0 && has "alice" && has "VN-N08" && has "admin"'
run "$CADRE" user token --db "$DB" --login alice --name smoke
check user-token eval 'status 0 && grep -qE "^[0-9a-f]{64}$" <<<"$out"'
runin $'another-password-9\n' "$CADRE" user passwd --db "$DB" --login alice
check user-passwd eval 'status 0'

run "$CADRE" unit tree --db "$DB" --root VN --as-of 2025-06-30
check tree-63-provinces eval 'status 0 && [ "$(provinces)" -eq 63 ]'
run "$CADRE" unit tree --db "$DB" --root VN --as-of 2025-07-01
check tree-34-provinces eval 'status 0 && [ "$(provinces)" -eq 34 ]'
run "$CADRE" unit tree --db "$DB" --as-of 2025-07-01 --json
check tree-json eval 'status 0 && has "\"children_list\""'
run "$CADRE" unit tree --db "$DB" --as-of 2025-13-01
check tree-bad-date eval 'status 1 && has "--as-of"'
run "$CADRE" unit tree --db "$DB" --as-of 2025-07-01 --kind province --root VN
check tree-kind eval 'status 0 && has "VN-N08"'
run "$CADRE" unit show VN-N08 --db "$DB" --as-of 2025-07-01
check show-predecessors eval 'status 0 &&
	sed -n "/^predecessors:/,/^successors:/p" <<<"$out" | grep -q "VN-08" &&
	sed -n "/^predecessors:/,/^successors:/p" <<<"$out" | grep -q "VN-02"'
run "$CADRE" unit show VN-02 --db "$DB" --as-of 2025-07-01
check show-inactive eval 'status 0 && has "NOT active" &&
	sed -n "/^successors:/,\$p" <<<"$out" | grep -q "VN-N08"'
run "$CADRE" unit search tuyen quang --db "$DB" --as-of 2025-07-01
check search-folded eval 'status 0 && has "VN-N08"'

run "$CADRE" reorg rename VN-01 --name "Thủ đô Hà Nội" --on 2025-02-30 \
	--decision "T-1" --db "$DB"
check reorg-bad-date eval 'status 1 && has "--on" && has "2025-02-30"'
run "$CADRE" reorg move VN-01 --parent VN-N08 --on 2025-02-30 --decision T-2 \
	--db "$DB"
check move-bad-date eval 'status 1 && has "--on"'
# A cycle: a unit moved under one of its own descendants.
run "$CADRE" unit tree --db "$DB" --root VN-01 --as-of 2025-08-01
child=$(grep -oE '^  VN-01-[A-Za-z0-9._-]+' <<<"$out" | head -1 | tr -d ' ')
if [ -n "$child" ]; then
	run "$CADRE" reorg move VN-01 --parent "$child" --on 2025-08-01 \
		--decision T-3 --db "$DB"
else
	run "$CADRE" reorg move VN --parent VN-01 --on 2025-08-01 \
		--decision T-3 --db "$DB"
fi
check move-cycle-refused eval 'status 1 && has "--parent" && ! has "no unit"'
run "$CADRE" reorg rename VN-01 --name "Thủ đô Hà Nội" --on 2025-08-01 \
	--decision T-4 --dry-run --db "$DB"
check rename-dry-run eval 'status 0 && has "dry run"'
run "$CADRE" unit show VN-01 --db "$DB" --as-of 2025-09-01
check dry-run-changed-nothing eval 'status 0 && ! has "Thủ đô Hà Nội"'
run "$CADRE" reorg rename VN-01 --name "Thủ đô Hà Nội" --on 2025-08-01 \
	--decision T-5 --db "$DB"
check rename eval 'status 0 && has "event #"'
run "$CADRE" unit show VN-01 --db "$DB" --as-of 2025-09-01
check rename-visible eval 'status 0 && has "Thủ đô Hà Nội"'
run "$CADRE" reorg merge VN-N08 --into VN-N08 --on 2025-09-01 \
	--decision T-6 --db "$DB" --dry-run
check merge-into-itself eval 'status 1 && ! has "no unit"'
run "$CADRE" reorg merge VN-N08 --on 2025-09-01 --decision T-6 --db "$DB"
check merge-needs-target eval 'status 2'
run "$CADRE" reorg rename VN-01 --name X --on 2025-09-01 --decision T-7 \
	--db "$DB" --as alice
check as-out-of-scope eval 'status 1 && ! has "no unit" && ! has "--as"'
run "$CADRE" reorg rename VN-N08 --name "Tỉnh Tuyên Quang (mới)" \
	--on 2025-09-01 --decision T-8 --db "$DB" --as alice
check as-in-scope eval 'status 0 && has "event #"'
run "$CADRE" unit tree --db "$DB" --as nobody
check as-unknown eval 'status 1 && has "--as"'

run "$CADRE" audit list --db "$DB" --limit 5
check audit-list eval 'status 0 && [ "$(grep -cE "^[0-9]+ +[0-9]{4}-" <<<"$out")" -eq 5 ]'
run "$CADRE" audit verify --db "$DB"
check audit-verify eval 'status 0 && has "audit chain intact"'
if command -v sqlite3 >/dev/null; then
	sqlite3 "$DB" "UPDATE audit SET change='{}' WHERE id=2"
	run "$CADRE" audit verify --db "$DB"
	check audit-tampered eval '[ "$st" -ne 0 ] && grep -qE "row 2\b" <<<"$out"'
else
	echo "FAIL audit-tampered (sqlite3 not installed)"
	fail=$((fail + 1))
fi

cli_lib_finish
