#!/usr/bin/env bash
# cli_members.sh — the member commands end to end: `cadre member …`,
# `cadre import members …`, `cadre export members …` against a scratch
# SQLite database built with the demo dataset and its demo members.
#   usage: tests/cli_members.sh PATH/TO/cadre SCRATCH-DIR
# Prints "ok NAME" / "FAIL NAME" per check and "N passed, N failed" last;
# exits non-zero when any check failed.
set -u
# shellcheck source=tests/cli_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/cli_lib.sh"
cli_lib_setup members.db "$@"
# The value of a top-level number in the JSON in $out.
jnum() { grep -oE "\"$1\": [0-9.]+" <<<"$out" | head -1 | grep -oE '[0-9.]+$'; }

run "$CADRE" member --help
check member-help eval 'status 0 && has "admit" && has "transfer" && has "stats"'
run "$CADRE" member transfer --help
check transfer-help eval 'status 0 && has "--to" && has "--decision"'
run "$CADRE" import members --help
check import-help eval 'status 0 && has "--skip-invalid" && has "--reject-file"'

run "$CADRE" demo --db "$DB"
check demo eval 'status 0'
run "$CADRE" member demo --db "$DB"
check member-demo eval 'status 0'
run "$CADRE" member demo --db "$DB"
check member-demo-again eval 'status 0'
run "$CADRE" member stats --db "$DB" --unit VN-N08 --json --from 2025-01-01 --to 2025-12-31
check stats-demo eval 'status 0 && [ "$(jnum members)" -gt 500 ] && [ "$(jnum people)" -lt "$(jnum members)" ]'

# People and memberships.
run "$CADRE" member add --db "$DB" --name "  Nguyễn   Văn Thử " --citizen-id 001080777001 \
	--gender Nam --birth 1980-05-01 --ethnicity Kinh --json
check add eval 'status 0 && has "\"full_name\": \"Nguyễn Văn Thử\""'
run "$CADRE" member add --db "$DB" --name "Trần Thị Thử" --citizen-id 00118077700
check add-bad-citizen-id eval 'status 1 && has "--citizen-id" && has "12 digits"'
run "$CADRE" member add --db "$DB" --name "Lê Văn Thử" --citizen-id 001080777001
check add-duplicate eval 'status 1 && has "--citizen-id"'
run "$CADRE" member add --db "$DB" --name "Lê Văn Thử" --birth 1980-02-30
check add-bad-date eval 'status 1 && has "--birth"'
run "$CADRE" member admit 001080777001 --db "$DB" --org party --unit VN-01-C01 \
	--date 2012-03-01 --decision "12-QĐ/ĐU" --number DV777 --json
check admit eval 'status 0 && has "\"status\": \"active\""'
mid=$(grep -oE '"id": [0-9]+' <<<"$out" | head -1 | grep -oE '[0-9]+')
run "$CADRE" member admit 001080777001 --db "$DB" --org party --unit VN-01-C03 \
	--date 2013-03-01 --decision x
check admit-twice eval 'status 1 && has "already"'
run "$CADRE" member admit 001080777001 --db "$DB" --org youth --unit VN-01-C03 \
	--date 2013-03-01 --decision x
check admit-wrong-org eval 'status 1 && has "--unit"'
run "$CADRE" member official "$mid" --db "$DB" --date 2013-03-01 --decision "5-NQ/CB"
check official eval 'status 0 && has "official 2013-03-01"'
run "$CADRE" member transfer "$mid" --db "$DB" --date 2014-01-01 --decision x --to VN-01-C01
check transfer-same-unit eval 'status 1 && has "--to" && has "already in this unit"'
run "$CADRE" member transfer "$mid" --db "$DB" --date 2012-01-01 --decision x --to VN-01-C03
check transfer-before-last eval 'status 1 && has "--date"'
run "$CADRE" member transfer "$mid" --db "$DB" --date 2018-01-01 --decision "GT-18" \
	--to VN-08-C01
check transfer-other-province eval 'status 0 && has "VN-08-C01"'
run "$CADRE" member show 001080777001 --db "$DB"
check show-history eval 'status 0 && has "stint 2012-03-01 … 2018-01-01  VN-01-C01" &&
	has "transfer" && has "→ VN-08-C01"'
run "$CADRE" member stats --db "$DB" --unit VN-01 --as-of 2015-01-01 --org party --json
n_before=$(jnum members)
run "$CADRE" member leave "$mid" --db "$DB" --date 2020-01-01 --decision "QĐ-20"
check leave eval 'status 0 && has "left"'
run "$CADRE" member suspend "$mid" --db "$DB" --date 2021-01-01 --decision x
check event-after-end eval 'status 1 && has "ended"'
run "$CADRE" member stats --db "$DB" --unit VN-01 --as-of 2015-01-01 --org party --json
check stats-history-kept eval 'status 0 && [ "$(jnum members)" -eq "$n_before" ]'
run "$CADRE" member search nguyen van thu --db "$DB"
check search-folded eval 'status 0 && has "Nguyễn Văn Thử"'
run "$CADRE" member search 00108077 --db "$DB"
check search-citizen-prefix eval 'status 0 && has "001080777001"'
runin $'viewer-password-1\n' "$CADRE" user add --db "$DB" --login hn.viewer2 --role viewer --unit VN-01
run "$CADRE" member add --db "$DB" --name "Ai Đó" --as hn.viewer2
check viewer-cannot-write eval 'status 1 && has "may not"'

# Import.
cat >"$T/good.csv" <<'EOF'
Họ và tên,Số CCCD,Giới tính,Ngày sinh,Dân tộc,Mã đơn vị,Ngày vào Đảng,Số điện thoại
Phạm Văn Nhập,001080777101,Nam,12/05/1980,Kinh,VN-01-C01,01/02/2010,0912345678
Đỗ Thị Nhập,001185777102,Nữ,03/04/1985,Tày,VN-01-C03,05/06/2012,
EOF
run "$CADRE" import members "$T/good.csv" --db "$DB" --org party --json
check import-json eval 'status 0 && [ "$(jnum rows)" = 2 ] && [ "$(jnum valid)" = 2 ] &&
	[ "$(jnum rejected)" = 0 ] && [ "$(jnum inserted)" = 2 ] && has "\"quality_pct\": 100"'
run "$CADRE" import members "$T/good.csv" --db "$DB" --org party --json
check import-again-unchanged eval 'status 0 && [ "$(jnum unchanged)" = 2 ] && [ "$(jnum inserted)" = 0 ]'
cat >"$T/bad.csv" <<'EOF'
Họ và tên,Số CCCD,Giới tính,Ngày sinh,Dân tộc,Mã đơn vị,Ngày vào Đảng,Số điện thoại
Vũ Văn Đúng,001080777201,Nam,1980-01-01,Kinh,VN-01-C01,2010-01-01,
Vũ Văn Sai,0010807772,Nam,1980-01-01,Kinh,VN-01-C01,2010-01-01,
Vũ Văn Lặp,001080777201,Nam,1980-01-01,Kinh,VN-01-C01,2010-01-01,
Vũ Văn Thiếu,001080777203,Nam,1980-01-01
EOF
run "$CADRE" import members "$T/bad.csv" --db "$DB" --org party
check import-all-or-nothing eval 'status 1 && has "bad.csv:3: citizen_id" &&
	has "bad.csv:4: citizen_id" && has "citizen_id.duplicate" && has "bad.csv:5: row" &&
	has "3 of 4 rows refused"'
run "$CADRE" member search 001080777201 --db "$DB"
check import-wrote-nothing eval 'status 0 && has "0 of 0"'
run "$CADRE" import members "$T/bad.csv" --db "$DB" --org party --skip-invalid \
	--reject-file "$T/rejects.csv" --json
check import-skip-invalid eval 'status 0 && [ "$(jnum inserted)" = 1 ] && [ "$(jnum rejected)" = 3 ]'
out=$(cat "$T/rejects.csv" 2>&1)
check reject-file eval 'has "line,errors,Họ và tên" && has "3,citizen_id:" && has "4,\"citizen_id:" &&
	has "Vũ Văn Lặp,001080777201"'
printf '\xff\xfeH\x00o\x00' >"$T/utf16.csv"
run "$CADRE" import members "$T/utf16.csv" --db "$DB" --org party
check import-utf16-refused eval 'status 1 && has "UTF-16"'
run "$CADRE" import members "$T/good.csv" --db "$DB" --org nobody
check import-bad-org eval 'status 1 && has "--org"'
run "$CADRE" import members "$T/good.csv" --db "$DB" --org party --dry-run
check import-dry-run eval 'status 0 && has "dry run"'
# A refused file reports the true counts: rows refused by the database
# (already in another unit) after the first refusal count too, and nothing
# counts as inserted since nothing was written.
cat >"$T/refused.csv" <<'EOF'
Họ và tên,Số CCCD,Giới tính,Ngày sinh,Dân tộc,Mã đơn vị,Ngày vào Đảng,Số điện thoại
Vũ Văn Sai,0010807772,Nam,1980-01-01,Kinh,VN-01-C01,2010-01-01,
Phạm Văn Nhập,001080777101,Nam,12/05/1980,Kinh,VN-01-C03,01/02/2010,0912345678
Hà Văn Mới,001080777111,Nam,1980-01-01,Kinh,VN-01-C01,2010-01-01,
Đỗ Thị Nhập,001185777102,Nữ,03/04/1985,Tày,VN-01-C01,05/06/2012,
EOF
run "$CADRE" import members "$T/refused.csv" --db "$DB" --org party --json --max-errors 1
check import-refused-counts eval 'status 1 && [ "$(jnum rows)" = 4 ] && [ "$(jnum rejected)" = 3 ] &&
	[ "$(jnum valid)" = 1 ] && [ "$(jnum inserted)" = 0 ] && [ "$(jnum errors_more)" = 2 ]'
run "$CADRE" member search 001080777111 --db "$DB"
check import-refused-wrote-nothing eval 'status 0 && has "0 of 0"'

# Export, with a cell that a spreadsheet would run as a formula.
run "$CADRE" member add --db "$DB" --name "Hồ Văn Công" --citizen-id 001080777301 \
	--residence "=cmd|' /C calc'!A0"
run "$CADRE" member admit 001080777301 --db "$DB" --org party --unit VN-01-C01 \
	--date 2015-01-01 --decision x
run "$CADRE" export members --db "$DB" --org party --unit VN-01 --format csv --out "$T/party.csv"
check export-csv eval 'status 0 && has "written" && grep -q "Hồ Văn Công" "$T/party.csv" &&
	grep -qF "'"'"'=cmd" "$T/party.csv" && head -1 "$T/party.csv" | grep -q citizen_id'
run "$CADRE" export members --db "$DB" --org party --unit VN-01 --as-of 2015-06-01 \
	--format xlsx --out "$T/party.xlsx"
check export-xlsx eval 'status 0 && [ "$(head -c 2 "$T/party.xlsx")" = "PK" ]'
# Leavers exported with their status and end date import back unchanged.
run "$CADRE" export members --db "$DB" --org party --status left --format csv --out "$T/left.csv"
check export-leavers eval 'status 0 && grep -q "001080777001" "$T/left.csv"'
run "$CADRE" import members "$T/left.csv" --db "$DB" --org party --json
check import-leavers-back eval 'status 0 && [ "$(jnum rejected)" = 0 ] && [ "$(jnum inserted)" = 0 ] &&
	[ "$(jnum unchanged)" = "$(jnum rows)" ] && [ "$(jnum rows)" -gt 0 ]'
run "$CADRE" export members --db "$DB" --org party --format pdf --out "$T/x.pdf"
check export-bad-format eval 'status 2 && has "--format"'

run "$CADRE" audit verify --db "$DB"
check audit-verify eval 'status 0'

cli_lib_finish
