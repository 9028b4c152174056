#!/usr/bin/env bash
# run.sh — `make run` after the build: create the demo database on first use
# (printing the admin's one-time password), then serve it on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
db=data/cadre.db
listen=127.0.0.1:8080
mkdir -p data
if [ ! -e "$db" ]; then
	./cadre init --db "$db" --demo
else
	echo "database: $db exists (delete it to start over from the demo)"
	echo "forgot the admin password? set a one-time one with:"
	echo "  echo NEW-PASSWORD | ./cadre user passwd --db $db --login admin --one-time"
fi
# The address printed on documents (QR code and short link to /verify/…):
# this server's own, unless set for a public deployment (docs/admin.md).
export CADRE_PUBLIC_URL=${CADRE_PUBLIC_URL:-http://$listen}
echo
echo "cadre: open http://$listen/ in a browser (Ctrl-C stops the server)"
exec ./cadre serve --db "$db" --listen "$listen"
