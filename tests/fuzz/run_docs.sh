#!/usr/bin/env bash
# run_docs.sh — builds the libFuzzer targets of the documents capability
# with clang -fsanitize=fuzzer,address,undefined and runs each:
#   fuzz_docnum      docnum_parse / docnum_format (src/domain/docnum.c),
#                    instrumented alone (it needs only base/utf8.c);
#   fuzz_pdf_verify  sign_verify_pdf (src/sign/verify.c and certs.c
#                    instrumented; the rest linked from build/rel/libcadre.a,
#                    so `make cadre` first), seeded with PDFs signed by
#                    `./cadre doc sign` (one and two signatures, a changed
#                    byte, a truncated copy) and trusting their CA.
# Not part of `make test`.  Usage:
#   tests/fuzz/run_docs.sh [DOCNUM_RUNS] [VERIFY_SECONDS]   (1000000, 300)
# Everything goes to build/fuzz/: binaries, corpora, logs, crash-* files.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-1000000}
secs=${2:-300}
out=build/fuzz
mkdir -p "$out/corpus_docnum" "$out/corpus_verify"
cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Isrc -Wall -Wextra -Werror
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
pkgs="sqlite3 libpq libmicrohttpd jansson libsodium libutf8proc openssl libzip expat
	xlsxwriter libqpdf poppler-glib cairo pangocairo libqrencode"

# shellcheck disable=SC2086
clang $cflags $(pkg-config --cflags libutf8proc) -o "$out/fuzz_docnum" \
	tests/fuzz/fuzz_docnum.c src/domain/docnum.c src/base/utf8.c src/base/err.c \
	$(pkg-config --libs libutf8proc)

[ -f build/rel/libcadre.a ] && [ -x build/rel/cadre ] || make -s -j2 cadre
# shellcheck disable=SC2086
clang $cflags $(pkg-config --cflags $pkgs) -o "$out/fuzz_pdf_verify" \
	tests/fuzz/fuzz_pdf_verify.c src/sign/verify.c src/sign/certs.c \
	build/rel/libcadre.a $(pkg-config --libs $pkgs) -lstdc++ -lpthread -lm

# Seeds: symbols of every shape, and signed PDFs.
c=$out/corpus_docnum
printf '\001NQ\000TU\00004-NQ/TU' >"$c/party"
printf '\000QĐ\000UBND\000123/QĐ-UBND' >"$c/state"
printf '\001QĐ\000TWĐTN-VP\000367-QĐ/TWĐTN-VP' >"$c/party_dash"
printf '\000CV\000MTTW-BTT\0001018/CV-MTTW-BTT' >"$c/state_dash"
printf '\000\000UBND-VP\00005/UBND-VP' >"$c/state_notype"
printf '\000NĐ\000CP\00098/2023/NĐ-CP' >"$c/year"
printf '\000QĐ\000UBND\000 12 / qđ - ubnd ' >"$c/spaces"
printf '\001NQ\000TU\000Số 04-NQ/TU' >"$c/prefix"

v=$out/corpus_verify
if [ ! -f "$v/signed2.pdf" ]; then
	t=$(mktemp -d)
	python3 - "$t/doc.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
text = b"BT /F1 12 Tf 72 760 Td (Quyet dinh so 1) Tj ET"
objs[3] = b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream"
out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(sys.argv[1], "wb").write(out)
PY
	db=$t/f.db
	./cadre init --db "$db" >/dev/null
	printf 'fuzz-password-1\n' | ./cadre user add --db "$db" --login fz.signer --role signer \
		--unit VN --name "Người Ký" >/dev/null
	./cadre ca init --db "$db" --unit VN --name "CA fuzz" >/dev/null
	./cadre ca issue --db "$db" --login fz.signer >/dev/null
	./cadre ca export --db "$db" --out "$v/../ca_verify.pem" >/dev/null
	printf 'fuzz-password-1\n' | ./cadre doc sign --db "$db" --login fz.signer \
		--in "$t/doc.pdf" --out "$v/signed1.pdf" >/dev/null
	printf 'fuzz-password-1\n' | ./cadre doc sign --db "$db" --login fz.signer \
		--in "$v/signed1.pdf" --out "$v/signed2.pdf" >/dev/null
	cp "$t/doc.pdf" "$v/unsigned.pdf"
	python3 - "$v" <<'PY'
import sys
d = sys.argv[1]
b = bytearray(open(f"{d}/signed1.pdf", "rb").read())
b[200] ^= 1
open(f"{d}/tampered.pdf", "wb").write(b)
open(f"{d}/truncated.pdf", "wb").write(b[: len(b) * 2 // 3])
PY
	rm -rf "$t"
fi

status=0
echo "== fuzz_docnum: $runs runs"
if ! (cd "$out" && ./fuzz_docnum -runs="$runs" -max_len=512 -timeout=10 \
	-artifact_prefix=crash-docnum- corpus_docnum 2>fuzz_docnum.log); then
	status=1
	echo "fuzz_docnum FOUND A CRASH: see $out/fuzz_docnum.log and $out/crash-docnum-*"
fi
grep -E '^Done|^#[0-9]+' "$out/fuzz_docnum.log" | tail -1 || true
echo "== fuzz_pdf_verify: ${secs}s"
if ! (cd "$out" && FUZZ_CA_PEM=ca_verify.pem ASAN_OPTIONS=detect_leaks=1 ./fuzz_pdf_verify \
	-max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
	-artifact_prefix=crash-verify- corpus_verify 2>fuzz_pdf_verify.log); then
	status=1
	echo "fuzz_pdf_verify FOUND A CRASH: see $out/fuzz_pdf_verify.log and $out/crash-verify-*"
fi
grep -E '^Done|^#[0-9]+' "$out/fuzz_pdf_verify.log" | tail -1 || true
exit $status
