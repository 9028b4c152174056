#!/usr/bin/env bash
# bench/sign.sh — issue 4's signature floor: sign a 1 MB PDF in-process
# (sign_pdf) faster than `openssl cms -sign` signs the same bytes from the
# command line, measured in the same run by build/rel/bench_sign.
#
#   bash bench/sign.sh            (builds build/rel/bench_sign when missing)
#
# Environment: RUNS (default 20), KB (PDF size, default 1024), ALG
# (ecdsa-p256, the default of cadre's CA, or rsa-3072; openssl gets a key
# and certificate of the same kind).  Exits 1 when the floor is missed.
set -uo pipefail

cd "$(dirname "$0")/.."
B=build/rel
RUNS=${RUNS:-20}
KB=${KB:-1024}
ALG=${ALG:-ecdsa-p256}
if [ ! -x "$B/bench_sign" ]; then
	make -s "$B/bench_sign" || exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cadre-bench-sign.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

case $ALG in
ecdsa-p256) newkey=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
rsa-3072) newkey=(-newkey rsa:3072) ;;
*) echo "ALG must be ecdsa-p256 or rsa-3072" >&2; exit 2 ;;
esac
# openssl's signer: a CA and a certificate like the ones cadre issues.
openssl req -x509 "${newkey[@]}" -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.pem" -days 30 \
	-subj "/C=VN/O=Bench/CN=Bench CA" -addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1 &&
openssl req "${newkey[@]}" -nodes -keyout "$tmp/key.pem" -out "$tmp/req.csr" \
	-subj "/C=VN/O=Bench/CN=Bench Signer" >/dev/null 2>&1 &&
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' >"$tmp/ext.cnf" &&
openssl x509 -req -in "$tmp/req.csr" -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
	-out "$tmp/cert.pem" -days 20 -extfile "$tmp/ext.cnf" >/dev/null 2>&1 || {
	echo "bench/sign.sh: openssl could not make the signer" >&2
	exit 1
}

echo "== signatures (bench_sign), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
	"load $(cut -d' ' -f1-3 /proc/loadavg); $(openssl version | cut -d' ' -f1-2)"
TMPDIR=$tmp "$B/bench_sign" --key "$tmp/key.pem" --cert "$tmp/cert.pem" --ca "$tmp/ca.pem" \
	--kb "$KB" --runs "$RUNS" --algorithm "$ALG"
