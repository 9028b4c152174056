#!/usr/bin/env bash
# run_reorg.sh — build the JSON/reorg fuzz target with clang's libFuzzer and
# ASan, and run it for SECONDS (default 60) from a small seed corpus.
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
out=build/fuzz
mkdir -p "$out/corpus_reorg"
make -s build/rel/gen/migrations.c build/rel/gen/web.c
pkgs="sqlite3 libpq libmicrohttpd jansson libsodium libutf8proc openssl"
srcs=$(ls src/base/buf.c src/base/err.c src/base/date.c src/base/utf8.c src/base/sha256.c src/base/log.c src/db/*.c src/domain/org*.c src/domain/auth.c src/domain/audit.c src/domain/cx.c)
clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Isrc \
	$(pkg-config --cflags $pkgs) tests/fuzz/fuzz_reorg_json.c $srcs \
	build/rel/gen/migrations.c build/rel/gen/web.c \
	$(pkg-config --libs $pkgs) -lpthread -lm -o "$out/fuzz_reorg_json"
printf '%s' '{"kind":"merge","date":"2025-07-01","decision":"x","sources":[1,2],"into":{"code":"A","name":"B","kind":"province"}}' > "$out/corpus_reorg/merge.json"
printf '%s' '{"kind":"split","date":"2025-02-30","decision":"x","unit":3,"parts":[{"code":"a","name":"b","share":0.5}],"assign":{"4":1}}' > "$out/corpus_reorg/split.json"
"$out/fuzz_reorg_json" -max_total_time="$secs" -max_len=4096 "$out/corpus_reorg"
