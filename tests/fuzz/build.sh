#!/usr/bin/env bash
# build.sh — builds the libFuzzer targets of the import parsers (CSV, XLSX)
# with clang -fsanitize=fuzzer,address,undefined and runs each for a while.
# Not part of `make test`.  Usage: tests/fuzz/build.sh [SECONDS]  (30)
# Everything goes to build/fuzz/: the binaries, the corpora (seeded here),
# and crash-* files when a target finds one.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
out=build/fuzz
mkdir -p "$out/corpus_csv" "$out/corpus_xlsx"

pkgs="libutf8proc libzip expat"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Wall -Wextra -Wshadow -Werror
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	$(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lm"
base="src/base/csv.c src/base/utf8.c src/base/err.c src/base/buf.c src/base/date.c"

# shellcheck disable=SC2086
clang $cflags -o "$out/fuzz_csv" tests/fuzz/fuzz_csv.c $base \
	src/domain/member_columns.c $libs
# shellcheck disable=SC2086
clang $cflags -o "$out/fuzz_xlsx" tests/fuzz/fuzz_xlsx.c $base \
	src/base/xlsx_read.c src/base/xlsx_parts.c $libs

# Seeds: a few real shapes of each input.
c=$out/corpus_csv
printf '\xEF\xBB\xBFH\xE1\xBB\x8D v\xC3\xA0 t\xC3\xAAn,S\xE1\xBB\x91 CCCD,Gi\xE1\xBB\x9Bi t\xC3\xADnh,Ng\xC3\xA0y sinh,Ng\xC3\xA0y v\xC3\xA0o \xC4\x90\xE1\xBA\xA3ng\r\nNguy\xE1\xBB\x85n V\xC4\x83n A,001085012345,Nam,15/03/1985,19/05/2010\r\n' >"$c/seed1"
printf 'a;b;"c;d"\n"x ""y"" z";2;"multi\nline"\n;;\n' >"$c/seed2"
printf 'full_name,gender\n"unterminated,F\n' >"$c/seed3"
printf '\xFF\xFEa\x00,\x00' >"$c/seed4"
python3 - "$out/corpus_xlsx" <<'PY'
import io, sys, zipfile
d = sys.argv[1]
book = ('<workbook xmlns:r="r"><workbookPr date1904="0"/><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
rels = ('<Relationships><Relationship Id="rId1" Type="x/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>')
sst = ('<sst><si><t>Họ và tên</t></si><si><r><t>Nguyễn </t></r><r><t>Văn A</t></r>'
       '<rPh><t>x</t></rPh></si><si><t>a_x000D_b</t></si></sst>')
styles = ('<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
          '<cellXfs><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/></cellXfs></styleSheet>')
sheet = ('<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
         '<c r="C1" t="inlineStr"><is><t>Ngày</t></is></c></row>'
         '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" s="1"><v>32874</v></c>'
         '<c r="C3" s="2"><v>45351.5</v></c><c r="D3"><v>12345678901</v></c>'
         '<c r="E3" t="b"><v>1</v></c><c r="F3" t="str"><f>A1</f><v>x</v></c></row>'
         '<row><c t="s"><v>2</v></c></row></sheetData></worksheet>')
for i, comp in enumerate((zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', comp) as z:
        z.writestr('xl/workbook.xml', book)
        z.writestr('xl/_rels/workbook.xml.rels', rels)
        z.writestr('xl/sharedStrings.xml', sst)
        z.writestr('xl/styles.xml', styles)
        z.writestr('xl/worksheets/sheet1.xml', sheet)
    open(f'{d}/seed_zip{i}', 'wb').write(b'\x01' + b.getvalue())
parts = '\0'.join((sheet, sst, styles, book)).encode()
open(f'{d}/seed_parts', 'wb').write(b'\x00' + parts)
PY

status=0
for t in csv xlsx; do
	echo "== fuzz_$t: ${secs}s"
	if ! (cd "$out" && ASAN_OPTIONS=detect_leaks=1 ./"fuzz_$t" -max_total_time="$secs" \
		-rss_limit_mb=2048 -max_len=65536 -timeout=10 \
		-artifact_prefix="crash-$t-" "corpus_$t" 2>"fuzz_$t.log"); then
		status=1
		echo "fuzz_$t FOUND A CRASH: see $out/fuzz_$t.log and $out/crash-$t-*"
	fi
	grep -E '^Done|^#[0-9]+.*DONE' "$out/fuzz_$t.log" | tail -1 || true
done
exit $status
