#!/usr/bin/env bash
# sign.sh CADRE SCRATCH — digital signatures end to end, checked with the
# tools a recipient has, never with cadre's own verifier alone:
#   pdfsig (poppler) against an NSS database that trusts our CA,
#   `openssl cms -verify` on the CMS and the signed bytes extracted here,
#   qpdf --check on the structure, and `cadre verify`.
# PDFs are made at test time: cairo (classic xref table), qpdf object
# streams (xref stream), an image-only "scan", LibreOffice when installed,
# an encrypted one, a broken xref, a truncated file, a non-PDF.  Then the
# workflow through `cadre serve`: an uploaded PDF stamped with the QR code of
# its public page, signed by two users and issued (zbarimg decodes the code).
# Prints "ok NAME" / "FAIL NAME" (with details) per check, "skip NAME" for
# optional tools that are missing (not counted), and last
# "N passed, N failed".  Exit status 0 only when nothing failed.
# Needs: pdfsig, pdftoppm, pdftotext (poppler-utils), qpdf, openssl,
# certutil (libnss3-tools), zbarimg (zbar-tools), curl, perl, a C compiler
# with cairo (libcairo2-dev).
set -uo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 CADRE SCRATCH_DIR" >&2
	exit 2
fi
cadre=$(realpath "$1")
dir=$2
mkdir -p "$dir" && dir=$(realpath "$dir")
cd "$dir" || exit 1
rm -rf ./*.pdf ./*.db ./*.key ./*.der ./*.bin nss ./*.log 2>/dev/null
export LC_ALL=C.UTF-8
unset CADRE_MASTER_KEY CADRE_MASTER_KEY_FILE
passed=0
failed=0
db=$dir/sign.db
log=$dir/last.log

ok() {
	echo "ok $1"
	passed=$((passed + 1))
}

fail() {
	local name=$1
	shift
	for l in "$@"; do
		[ -n "$l" ] && printf '    %s\n' "$l"
	done
	[ -s "$log" ] && tail -n 8 "$log" | sed 's/^/      /'
	echo "FAIL $name"
	failed=$((failed + 1))
}

# check NAME CMD… — ok when CMD succeeds (its output goes to $log).
check() {
	local name=$1
	shift
	if "$@" >"$log" 2>&1; then ok "$name"; else fail "$name" "command: $*"; fi
}

# refuse NAME CMD… — ok when CMD fails (exit 1).
refuse() {
	local name=$1 rc
	shift
	"$@" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 1 ]; then ok "$name"; else fail "$name" "expected exit 1, got $rc: $*"; fi
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# ---- tools ----
for t in pdfsig qpdf openssl certutil perl pdftoppm pdftotext zbarimg curl cc pkg-config; do
	if command -v "$t" >/dev/null; then ok "tool $t"; else fail "tool $t" "install it (scripts/deps.sh)"; fi
done
[ "$failed" -eq 0 ] || finish

# ---- generators: PDFs and PNGs with cairo, extraction with perl ----
cat >mkpdf.c <<'EOF'
/* mkpdf text OUT PAGES | scan OUT | big OUT KB | sigpng OUT | sealpng OUT */
#include <cairo-pdf.h>
#include <cairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int png(const char *kind, const char *out)
{
	int seal = strcmp(kind, "sealpng") == 0;
	cairo_surface_t *im = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, seal ? 300 : 420, seal ? 300 : 160);
	cairo_t *c = cairo_create(im);
	int st;
	if (seal) {
		cairo_set_source_rgba(c, 0.85, 0.05, 0.05, 0.9);
		cairo_set_line_width(c, 10);
		cairo_arc(c, 150, 150, 135, 0, 6.2832);
		cairo_stroke(c);
		cairo_arc(c, 150, 150, 100, 0, 6.2832);
		cairo_stroke(c);
		cairo_arc(c, 150, 150, 25, 0, 6.2832);
		cairo_fill(c);
	} else {
		cairo_set_source_rgba(c, 0.05, 0.15, 0.75, 1);
		cairo_set_line_width(c, 6);
		cairo_move_to(c, 20, 120);
		cairo_curve_to(c, 80, 10, 140, 150, 200, 60);
		cairo_curve_to(c, 260, 0, 300, 150, 400, 40);
		cairo_stroke(c);
	}
	cairo_destroy(c);
	st = cairo_surface_write_to_png(im, out);
	cairo_surface_destroy(im);
	return st ? 1 : 0;
}
int main(int argc, char **argv)
{
	cairo_surface_t *s;
	cairo_t *cr;
	int st;
	if (argc < 3) {
		return 2;
	}
	if (strstr(argv[1], "png")) {
		return png(argv[1], argv[2]);
	}
	s = cairo_pdf_surface_create(argv[2], 595.276, 841.89);
	cr = cairo_create(s);
	if (strcmp(argv[1], "text") == 0) {
		int pages = argc > 3 ? atoi(argv[3]) : 2;
		for (int p = 0; p < pages; p++) {
			cairo_select_font_face(cr, "Noto Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
			cairo_set_font_size(cr, 14);
			cairo_move_to(cr, 72, 100);
			cairo_show_text(cr, "QUYẾT ĐỊNH về việc thử nghiệm chữ ký số");
			for (int l = 0; l < 24; l++) {
				char line[80];
				snprintf(line, sizeof line, "Trang %d, dòng %d: nội dung văn bản.", p + 1, l + 1);
				cairo_move_to(cr, 72, 140 + 20 * l);
				cairo_show_text(cr, line);
			}
			cairo_show_page(cr);
		}
	} else {
		long want = argc > 3 ? atol(argv[3]) * 1024 : 0;
		int w = want ? 800 : 1200, h = want ? (int)(want / (800 * 3) * 1.05) + 1 : 1600;
		cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
		unsigned char *d;
		int stride = cairo_image_surface_get_stride(img);
		unsigned seed = 12345;
		cairo_surface_flush(img);
		d = cairo_image_surface_get_data(img);
		for (int y = 0; y < h; y++) {
			for (int x = 0; x < w; x++) {
				unsigned char *px = d + y * stride + 4 * x;
				seed = seed * 1103515245u + 12345u;
				if (want) {
					px[0] = (unsigned char)(seed >> 16);
					px[1] = (unsigned char)(seed >> 8);
					px[2] = (unsigned char)(seed >> 24);
				} else {
					px[0] = px[1] = px[2] = ((x / 40 + y / 40) % 2) ? 235 : (unsigned char)(40 + (seed >> 28));
				}
			}
		}
		cairo_surface_mark_dirty(img);
		cairo_scale(cr, 595.276 / w, 841.89 / h);
		cairo_set_source_surface(cr, img, 0, 0);
		cairo_paint(cr);
		cairo_show_page(cr);
		cairo_surface_destroy(img);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	return st ? 1 : 0;
}
EOF
# shellcheck disable=SC2046
check "build the cairo PDF generator" cc -O2 -o mkpdf mkpdf.c $(pkg-config --cflags --libs cairo)

cat >extract.pl <<'EOF'
# extract.pl FILE.pdf N OUTDIR — signature N (1 = first in the file):
# OUTDIR/sigN.der (the CMS, its zero padding removed) and
# OUTDIR/signedN.bin (the bytes its /ByteRange covers).
use strict;
my ($f, $n, $d) = @ARGV;
open(my $fh, '<:raw', $f) or die "$f: $!";
local $/;
my $b = <$fh>;
close $fh;
my @r;
while ($b =~ m{/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]}g) {
	push @r, [$1, $2, $3, $4];
}
my $x = $r[$n - 1] or die "no signature $n\n";
my ($a, $l1, $c, $l2) = @$x;
my $der = pack('H*', substr($b, $l1 + 1, $c - $l1 - 2));
my $len = ord(substr($der, 1, 1));
my $total = 2 + $len;
if ($len >= 0x80) {
	my ($k, $v) = ($len & 0x7f, 0);
	$v = $v * 256 + ord(substr($der, 2 + $_, 1)) for 0 .. $k - 1;
	$total = 2 + $k + $v;
}
open(my $o, '>:raw', "$d/sig$n.der") or die;
print $o substr($der, 0, $total);
close $o;
open($o, '>:raw', "$d/signed$n.bin") or die;
print $o substr($b, $a, $l1) . substr($b, $c, $l2);
close $o;
print "$a $l1 $c $l2\n";
EOF

check "cairo: text PDF (xref table)" ./mkpdf text doc.pdf 2
check "cairo: image-only scanned PDF" ./mkpdf scan scan.pdf
check "cairo: signature and seal PNGs" sh -c './mkpdf sigpng sig.png && ./mkpdf sealpng seal.png'
check "qpdf: PDF with an xref stream" qpdf --object-streams=generate doc.pdf xs.pdf
check "qpdf: encrypted PDF (user password)" qpdf --encrypt u o 256 -- doc.pdf enc.pdf
check "qpdf: encrypted PDF (no user password)" qpdf --encrypt "" o 256 -- doc.pdf enc0.pdf
perl -0777 -pe 's/startxref\s+(\d+)/"startxref\n".($1-7)/e' doc.pdf >badxref.pdf
head -c 9000 doc.pdf >trunc.pdf
printf 'GIF89a this is not a PDF\n' >not.pdf
if grep -q -a 'startxref' xs.pdf && ! tail -c 2000 xs.pdf | grep -q -a '^xref'; then
	ok "xs.pdf ends with an xref stream"
else
	fail "xs.pdf ends with an xref stream"
fi
lo=""
for c in soffice libreoffice; do command -v "$c" >/dev/null && lo=$c && break; done
if [ -n "$lo" ]; then
	printf 'Biên bản họp\nNội dung thử nghiệm ký số.\n' >lo.txt
	check "libreoffice: PDF from a word processor" sh -c "$lo --headless --convert-to pdf lo.txt >/dev/null 2>&1 && test -s lo.pdf"
else
	echo "skip libreoffice: not installed"
fi

# ---- the organization: database, users, CA, certificates ----
check "cadre init" "$cadre" init --db "$db"
adduser() { printf '%s\n' "$4" | "$cadre" user add --db "$db" --login "$1" --role "$2" --unit VN --name "$3"; }
check "user an.nguyen (signer)" adduser an.nguyen signer "Nguyễn Văn An" "an-password-123"
check "user binh.tran (signer)" adduser binh.tran signer "Trần Thị Bình" "binh-password-123"
check "user chi.le (viewer)" adduser chi.le viewer "Lê Văn Chí" "chi-password-123"
check "user dung.pham (signer, external CA)" adduser dung.pham signer "Phạm Dũng" "dung-password-123"
check "ca init" "$cadre" ca init --db "$db" --unit VN --name "CA Thử nghiệm cadre"
if [ "$(stat -c %a "$db.key" 2>/dev/null)" = 600 ]; then ok "master key file <db>.key has mode 0600"; else fail "master key file <db>.key has mode 0600"; fi
check "ca issue an.nguyen" "$cadre" ca issue --db "$db" --login an.nguyen
check "ca issue binh.tran" "$cadre" ca issue --db "$db" --login binh.tran
refuse "ca issue refused for a viewer" "$cadre" ca issue --db "$db" --login chi.le
grep -q "role viewer" "$log" && ok "ca issue: the refusal names the role" || fail "ca issue: the refusal names the role"
check "ca export" "$cadre" ca export --db "$db" --out ca.pem
check "openssl reads the CA certificate" openssl x509 -in ca.pem -noout -subject
mkdir -p nss
check "NSS database trusting the CA" sh -c 'certutil -N -d sql:nss --empty-password && certutil -A -d sql:nss -n cadre-ca -t "CT,C,C" -i ca.pem'

sign() { # sign LOGIN PASSWORD IN OUT [more flags]
	local login=$1 pw=$2 in=$3 out=$4
	shift 4
	printf '%s\n' "$pw" | "$cadre" doc sign --db "$db" --login "$login" --in "$in" --out "$out" "$@"
}

# pdfsig_ok NAME FILE N — all N signatures valid and trusted, the last
# covering the whole file, the earlier ones not.
pdfsig_ok() {
	local name=$1 f=$2 n=$3 v t tot not
	pdfsig -nssdir sql:nss "$f" >"$log" 2>&1
	v=$(grep -c 'Signature Validation: Signature is Valid.' "$log")
	t=$(grep -c 'Certificate Validation: Certificate is Trusted.' "$log")
	tot=$(grep -c 'Total document signed' "$log")
	not=$(grep -c 'Not total document signed' "$log")
	if [ "$v" -eq "$n" ] && [ "$t" -eq "$n" ] && [ "$tot" -eq 1 ] && [ "$not" -eq $((n - 1)) ] &&
		grep 'document signed' "$log" | tail -n 1 | grep -q 'Total document signed'; then
		ok "$name"
	else
		fail "$name" "pdfsig: $v valid, $t trusted, $tot total, $not not total (want $n signatures)"
	fi
}

# openssl_ok NAME FILE I — `openssl cms -verify` accepts signature I.
openssl_ok() {
	local name=$1 f=$2 i=$3
	if perl extract.pl "$f" "$i" . >/dev/null 2>"$log" &&
		openssl cms -verify -binary -inform DER -in "sig$i.der" -content "signed$i.bin" \
			-CAfile ca.pem -purpose any -out /dev/null >"$log" 2>&1 &&
		grep -q 'Verification successful' "$log"; then
		ok "$name"
	else
		fail "$name"
	fi
}

# ---- one signature, then a second, on a cairo PDF ----
check "doc sign: cairo PDF, with signature and seal images" \
	sign an.nguyen an-password-123 doc.pdf s1.pdf --title "Bí thư" --signature-image sig.png \
	--seal-image seal.png --reason "Ban hành" --location "Hà Nội"
cmp -s -n "$(stat -c %s doc.pdf)" doc.pdf s1.pdf && ok "s1.pdf keeps the original bytes" || fail "s1.pdf keeps the original bytes"
# The password is checked without a session: no login/logout in the audit
# log, no session row left behind.
n_sess=$(sqlite3 "$db" "SELECT (SELECT COUNT(*) FROM audit WHERE action LIKE 'session.%'
	AND object_id = 'an.nguyen') + (SELECT COUNT(*) FROM user_session)" 2>&1)
[ "$n_sess" = 0 ] && ok "doc sign: no session and no session audit entries" ||
	fail "doc sign: no session and no session audit entries" "got $n_sess"
pdfsig_ok "pdfsig: s1.pdf valid, trusted, total document signed" s1.pdf 1
openssl_ok "openssl cms -verify: s1.pdf signature 1" s1.pdf 1
if openssl cms -cmsout -print -inform DER -in sig1.der 2>/dev/null | grep -q 'signingCertificateV2'; then
	ok "the CMS has the ESS signing-certificate-v2 attribute"
else
	fail "the CMS has the ESS signing-certificate-v2 attribute"
fi
if ! openssl cms -cmsout -print -inform DER -in sig1.der 2>/dev/null | grep -q 'signingTime'; then
	ok "PAdES baseline: no signing-time attribute in the CMS (the time is /M)"
else
	fail "PAdES baseline: no signing-time attribute in the CMS (the time is /M)"
fi
check "qpdf --check s1.pdf" qpdf --check s1.pdf
check "pdftoppm renders the signed page" sh -c 'pdftoppm -f 2 -l 2 -r 50 -png s1.pdf page 2>err.log && test -s page-2.png && ! test -s err.log'
check "cadre verify --db s1.pdf" "$cadre" verify s1.pdf --db "$db"
check "cadre verify --ca s1.pdf (no database)" "$cadre" verify s1.pdf --ca ca.pem
refuse "cadre verify without any trusted CA" "$cadre" verify s1.pdf

check "doc sign: a second signer on s1.pdf" sign binh.tran binh-password-123 s1.pdf s2.pdf --title "Chánh Văn phòng"
pdfsig_ok "pdfsig: s2.pdf both signatures valid, the last total" s2.pdf 2
openssl_ok "openssl cms -verify: s2.pdf signature 1" s2.pdf 1
openssl_ok "openssl cms -verify: s2.pdf signature 2" s2.pdf 2
check "cadre verify --db s2.pdf" "$cadre" verify s2.pdf --db "$db"
if "$cadre" verify s2.pdf --db "$db" --json | grep -q '"covers_whole_file": false'; then
	ok "cadre verify: the first no longer covers the whole file"
else
	fail "cadre verify: the first no longer covers the whole file"
fi

# ---- an xref stream PDF: the update's xref is a stream too ----
check "doc sign: xref-stream PDF" sign an.nguyen an-password-123 xs.pdf xs1.pdf
check "doc sign: xref-stream PDF, second signature" sign binh.tran binh-password-123 xs1.pdf xs2.pdf
off=$(tail -c 40 xs2.pdf | grep -a -A1 startxref | tail -n 1 | tr -dc 0-9)
if [ -n "$off" ] && tail -c +"$((off + 1))" xs2.pdf | head -c 300 | grep -q -a '/Type /XRef'; then
	ok "xs2.pdf: the update's cross-reference is a stream"
else
	fail "xs2.pdf: the update's cross-reference is a stream"
fi
off=$(tail -c 40 s2.pdf | grep -a -A1 startxref | tail -n 1 | tr -dc 0-9)
if [ -n "$off" ] && tail -c +"$((off + 1))" s2.pdf | head -c 4 | grep -q '^xref'; then
	ok "s2.pdf: the update's cross-reference is a table"
else
	fail "s2.pdf: the update's cross-reference is a table"
fi
pdfsig_ok "pdfsig: xs2.pdf both valid" xs2.pdf 2
openssl_ok "openssl cms -verify: xs2.pdf signature 2" xs2.pdf 2
check "qpdf --check xs2.pdf" qpdf --check xs2.pdf
check "cadre verify --db xs2.pdf" "$cadre" verify xs2.pdf --db "$db"

# ---- scanned and word-processor PDFs ----
check "doc sign: image-only scan" sign an.nguyen an-password-123 scan.pdf scan1.pdf
pdfsig_ok "pdfsig: scan1.pdf valid" scan1.pdf 1
if [ -n "$lo" ] && [ -s lo.pdf ]; then
	check "doc sign: LibreOffice PDF" sign an.nguyen an-password-123 lo.pdf lo1.pdf
	pdfsig_ok "pdfsig: lo1.pdf valid" lo1.pdf 1
fi

# ---- a byte changed after signing ----
positions=""
if [ -s s2.pdf ] && read -r _ b c _ < <(perl extract.pl s2.pdf 2 . 2>/dev/null); then
	n=$(stat -c %s s2.pdf)
	positions="200 $((n / 3)) $((b - 40)) $((c + 20)) $((n - 12))"
else
	fail "tamper tests: s2.pdf with two signatures exists"
fi
for pos in $positions; do
	perl -e 'my ($f, $p, $o) = @ARGV; open(my $h, "<:raw", $f); local $/; my $s = <$h>;
		substr($s, $p, 1) = chr((ord(substr($s, $p, 1)) + 1) % 256); open(my $w, ">:raw", $o); print $w $s' \
		s2.pdf "$pos" t.pdf
	pdfsig -nssdir sql:nss t.pdf >"$log" 2>&1
	if [ "$(grep -c 'Signature is Valid' "$log")" -lt 2 ]; then
		ok "tampered at byte $pos: pdfsig reports a failure"
	else
		fail "tampered at byte $pos: pdfsig reports a failure"
	fi
	if perl extract.pl t.pdf 2 . >/dev/null 2>&1 &&
		openssl cms -verify -binary -inform DER -in sig2.der -content signed2.bin -CAfile ca.pem \
			-purpose any -out /dev/null >"$log" 2>&1; then
		fail "tampered at byte $pos: openssl cms -verify fails"
	else
		ok "tampered at byte $pos: openssl cms -verify fails"
	fi
	refuse "tampered at byte $pos: cadre verify exits 1" "$cadre" verify t.pdf --db "$db"
done
grep -q 'problem:' "$log" && ok "cadre verify says which signature failed and why" ||
	fail "cadre verify says which signature failed and why"

# ---- bad input: clear errors, nothing written ----
for f in not.pdf trunc.pdf badxref.pdf enc.pdf enc0.pdf; do
	rm -f out.pdf
	refuse "doc sign refuses $f" sign an.nguyen an-password-123 "$f" out.pdf
	if [ ! -e out.pdf ] && ! ls out.pdf.tmp-* >/dev/null 2>&1; then ok "$f: nothing written"; else fail "$f: nothing written"; fi
	grep -q -E 'not a PDF|broken|truncated|encrypted' "$log" && ok "$f: the message says why" ||
		fail "$f: the message says why"
done
refuse "cadre verify refuses a non-PDF" "$cadre" verify not.pdf
refuse "doc sign refused for a viewer" sign chi.le chi-password-123 doc.pdf out.pdf
grep -q 'role viewer' "$log" && ok "viewer: the refusal names the role" || fail "viewer: the refusal names the role"
refuse "doc sign refused with a wrong password" sign an.nguyen wrong-password-1 doc.pdf out.pdf

# ---- PKCS#12 from an external CA ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout extca.key -out extca.pem \
	-days 30 -subj "/C=VN/O=External/CN=External Test CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout ext.key -out ext.csr -subj "/C=VN/O=UBND/CN=Pham Dung" >/dev/null 2>&1
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >ext.cnf
openssl x509 -req -in ext.csr -CA extca.pem -CAkey extca.key -CAcreateserial -out ext.pem -days 20 \
	-extfile ext.cnf >/dev/null 2>&1
check "openssl: PKCS#12 from an external CA" openssl pkcs12 -export -inkey ext.key -in ext.pem \
	-certfile extca.pem -out ext.p12 -passout pass:p12-secret
refuse "ca import with a wrong PKCS#12 password" sh -c "printf 'nope\n' | '$cadre' ca import --db '$db' --login dung.pham --p12 ext.p12"
check "ca import" sh -c "printf 'p12-secret\n' | '$cadre' ca import --db '$db' --login dung.pham --p12 ext.p12"
check "doc sign with the imported certificate" sign dung.pham dung-password-123 s2.pdf s3.pdf
# An older tool's PKCS#12 (RC2/3DES, SHA-1 MAC: OpenSSL 3's legacy provider).
check "user em.vu (signer, legacy PKCS#12)" adduser em.vu signer "Vũ Em" "em-password-1234"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout em.key -out em.csr \
	-subj "/C=VN/O=UBND/CN=Vu Em" >/dev/null 2>&1
openssl x509 -req -in em.csr -CA extca.pem -CAkey extca.key -CAcreateserial -out em.pem -days 20 \
	-extfile ext.cnf >/dev/null 2>&1
check "openssl: legacy PKCS#12 without the CA" openssl pkcs12 -export -legacy -inkey em.key -in em.pem \
	-out em.p12 -passout pass:em-secret
refuse "ca import of a bundle without its CA" sh -c "printf 'em-secret\n' | '$cadre' ca import --db '$db' --login em.vu --p12 em.p12"
check "ca import of a legacy PKCS#12 with --ca" sh -c "printf 'em-secret\n' | '$cadre' ca import --db '$db' --login em.vu --p12 em.p12 --ca extca.pem"
check "doc sign with the legacy-imported certificate" sign em.vu em-password-1234 doc.pdf em1.pdf
check "cadre verify --db em1.pdf" "$cadre" verify em1.pdf --db "$db"
check "cadre verify --db s3.pdf (three signatures, two CAs)" "$cadre" verify s3.pdf --db "$db"
pdfsig -nocert s3.pdf >"$log" 2>&1
[ "$(grep -c 'Signature is Valid' "$log")" -eq 3 ] && ok "pdfsig -nocert: s3.pdf three valid signatures" ||
	fail "pdfsig -nocert: s3.pdf three valid signatures"

# ---- the workflow: an uploaded PDF stamped with its QR code, two signers, issued ----
# doc.pdf (cairo, not cadre) goes draft → review → approved (stamped with the
# QR code and short link of its public page) → signed by an.nguyen then
# binh.tran through the API → issued; the issued file must show the link on
# page 1 (pdftotext), its QR code must decode to it (zbarimg on pdftoppm's
# rendering), both signatures must be valid with the last covering the whole
# file, and the public page and the public check must know it.
export CADRE_PUBLIC_URL=https://xacminh.example.vn/
base=https://xacminh.example.vn
check "doc issuer VN" "$cadre" doc issuer --db "$db" --unit VN --org state --symbol UBND
check "doc add: a cairo PDF, signers an.nguyen then binh.tran" "$cadre" doc add --db "$db" --type QĐ \
	--subject "Quyết định ký số hai người" --issuer VN --signer an.nguyen --signer binh.tran --pdf doc.pdf
wid=$(sed -n 's/^document \([0-9]*\) created$/\1/p' "$log")
check "doc submit" "$cadre" doc submit --db "$db" "$wid"
check "doc review --approve (stamps the PDF)" "$cadre" doc review --db "$db" "$wid" --approve
check "doc show: the main file is version 2 after approval" sh -c "'$cadre' doc show --db '$db' '$wid' | grep -q 'file main v2 '"
port=""
for _ in $(seq 1 50); do
	p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
"$cadre" serve --db "$db" --listen "127.0.0.1:$port" </dev/null >server.log 2>&1 &
spid=$!
url=http://127.0.0.1:$port/api/v1
up=1
for _ in $(seq 1 300); do
	curl -sf -o /dev/null --max-time 2 "$url/health" && up=0 && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.1
done
if [ "$up" -eq 0 ]; then ok "cadre serve (for the sign step)"; else fail "cadre serve (for the sign step)" "$(tail -n 5 server.log)"; fi
tok_an=$("$cadre" user token --db "$db" --login an.nguyen 2>/dev/null </dev/null | tail -n 1)
tok_binh=$("$cadre" user token --db "$db" --login binh.tran 2>/dev/null </dev/null | tail -n 1)
# api TOKEN PATH [curl flags…] — the body on stdout.
api() {
	local t=$1 path=$2
	shift 2
	curl -s --max-time 120 ${t:+-H "Authorization: Bearer $t"} "$@" "$url$path"
}
api "$tok_an" "/documents/$wid/sign" -X POST -H 'Content-Type: application/json' \
	-d '{"reason":"Ký ban hành"}' >"$log" 2>&1
grep -q '"status":"signing"' "$log" && ok "POST /documents/{id}/sign as an.nguyen" || fail "POST /documents/{id}/sign as an.nguyen"
api "$tok_binh" "/documents/$wid/sign" -X POST -H 'Content-Type: application/json' -d '{}' >"$log" 2>&1
grep -q '"status":"signed"' "$log" && ok "POST /documents/{id}/sign as binh.tran" || fail "POST /documents/{id}/sign as binh.tran"
check "doc issue" "$cadre" doc issue --db "$db" "$wid"
api "$tok_an" "/documents/$wid/file?slot=main" |
	perl -MJSON::PP -MMIME::Base64 -0777 -ne 'print decode_base64(decode_json($_)->{content_base64})' >issued.pdf 2>"$log"
api "$tok_an" "/documents/$wid/versions" >"$log"
origins=$(perl -MJSON::PP -0777 -ne 'print join(" ", map { $_->{origin} } @{decode_json($_)})' "$log" 2>/dev/null)
[ "$origins" = "upload stamped signed signed" ] && ok "versions: upload, stamped, signed, signed (stamped once)" ||
	fail "versions: upload, stamped, signed, signed (stamped once)" "got: $origins"
link=$(pdftotext -f 1 -l 1 issued.pdf - 2>/dev/null | grep -o "$base/verify/[0-9]*" | head -n 1)
code=${link##*/}
[ "${#code}" -eq 15 ] && ok "pdftotext: page 1 of the issued PDF shows the link $link" ||
	fail "pdftotext: page 1 of the issued PDF shows the link" "$(pdftotext -f 1 -l 1 issued.pdf - 2>&1 | tail -n 3)"
if pdftotext -f 2 -l 2 issued.pdf - 2>/dev/null | grep -q 'verify/'; then
	fail "pdftotext: page 2 has no stamp"
else
	ok "pdftotext: page 2 has no stamp"
fi
pdftoppm -r 150 -f 1 -l 1 -png issued.pdf qr >/dev/null 2>&1
qr=$(zbarimg -q --raw qr-1.png 2>/dev/null)
[ -n "$link" ] && [ "$qr" = "$link" ] && ok "zbarimg: the QR code on page 1 decodes to the link" ||
	fail "zbarimg: the QR code on page 1 decodes to the link" "decoded: '$qr', printed: '$link'"
[ "$(grep -a -c 'CadreStamp1 Do' issued.pdf)" -eq 1 ] && ! grep -a -q 'CadreStamp2' issued.pdf &&
	ok "issued.pdf carries one stamp" || fail "issued.pdf carries one stamp"
pdfsig_ok "pdfsig: issued.pdf both signatures valid, the last total" issued.pdf 2
openssl_ok "openssl cms -verify: issued.pdf signature 1" issued.pdf 1
openssl_ok "openssl cms -verify: issued.pdf signature 2" issued.pdf 2
check "qpdf --check issued.pdf" qpdf --check issued.pdf
check "cadre verify --db issued.pdf" "$cadre" verify issued.pdf --db "$db"
sha=$(sha256sum issued.pdf | cut -d' ' -f1)
api "" "/public/documents/$code" >"$log"
if perl -Mutf8 -MJSON::PP -e 'my ($c, $s, $f) = @ARGV; open(my $h, "<:raw", $f) or exit 1; local $/;
	my $j = decode_json(<$h>); exit !($j->{code} eq $c && $j->{sha256} eq $s &&
	$j->{symbol} eq "01/QĐ-UBND" && @{$j->{signers}} == 2)' "$code" "$sha" "$log" 2>/dev/null; then
	ok "GET /public/documents/{code}: the code, symbol, two signers, the issued file's hash"
else
	fail "GET /public/documents/{code}: the code, symbol, two signers, the issued file's hash"
fi
api "" /public/verify -X POST --data-binary @issued.pdf >"$log"
grep -q '"known":true' "$log" && grep -q "\"code\":\"$code\"" "$log" &&
	ok "POST /public/verify: the issued file is known, with its code" ||
	fail "POST /public/verify: the issued file is known, with its code"
api "" /public/verify -X POST --data-binary @doc.pdf >"$log"
grep -q '"known":false' "$log" && ok "POST /public/verify: the upload before stamping is not the issued document" ||
	fail "POST /public/verify: the upload before stamping is not the issued document"
kill -TERM "$spid" 2>/dev/null
wait "$spid" 2>/dev/null
src=$?
[ "$src" -eq 0 ] && ok "cadre serve exits 0 on SIGTERM" || fail "cadre serve exits 0 on SIGTERM" "exit $src" "$(tail -n 5 server.log)"
unset CADRE_PUBLIC_URL

# ---- revocation ----
check "ca revoke binh.tran" "$cadre" ca revoke --db "$db" --login binh.tran --reason keyCompromise
serial=$(sed -n 's/^  serial *\([0-9A-F]*\)$/\1/p' "$log" | head -n 1)
refuse "cadre verify --db s2.pdf after the revocation" "$cadre" verify s2.pdf --db "$db"
grep -q 'REVOKED' "$log" && ok "cadre verify reports the revoked certificate" ||
	fail "cadre verify reports the revoked certificate"
refuse "doc sign refused with the revoked certificate" sign binh.tran binh-password-123 doc.pdf out.pdf
check "ca crl" "$cadre" ca crl --db "$db" --out crl.pem
check "openssl crl: signed by the CA" openssl crl -in crl.pem -CAfile ca.pem -noout
if [ -n "$serial" ] && openssl crl -in crl.pem -noout -text | grep -q "Serial Number: 0*$serial"; then
	ok "the CRL lists the revoked serial"
else
	fail "the CRL lists the revoked serial" "serial '$serial'"
fi
check "cadre audit verify" "$cadre" audit verify --db "$db"

finish
