# cadre — build.  `make` builds ./cadre; `make run` sets up and serves the
# demo; `make test` builds the release and ASan+UBSan variants and runs every
# test.  Sources are found by glob: a new src/**/*.c file needs no edit here.

PKGS    := sqlite3 libpq libmicrohttpd jansson libsodium libutf8proc openssl libzip expat xlsxwriter libqpdf poppler-glib cairo pangocairo libqrencode
MODE    ?= rel
B       := build/$(MODE)
WARN    := -Wall -Wextra -Wformat=2 -Wshadow -Werror
ifeq ($(MODE),asan)
OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
OPT     := -O2 -g
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) -Isrc $(PKG_CFLAGS) -MMD -MP
LDLIBS  := $(PKG_LIBS) -lpthread -lm

SRC       := $(shell find src -name '*.c' ! -path 'src/main.c' | sort)
OBJ       := $(SRC:%.c=$(B)/%.o) $(B)/gen/migrations.o $(B)/gen/web.o
MIGRATIONS:= $(sort $(wildcard src/db/migrations/*.sql))
WEBFILES  := $(shell find web -type f 2>/dev/null | sort)
UNIT_SRC  := $(sort $(wildcard tests/unit/*.c))
API_SRC   := $(sort $(wildcard tests/api/*.c))
BENCH_SRC := $(sort $(wildcard bench/*.c))

.PHONY: all run test asan clean bench valgrind fuzz
all: cadre

cadre: $(B)/cadre
	cp $< $@.tmp && mv -f $@.tmp $@

$(B)/cadre: $(B)/src/main.o $(B)/libcadre.a
	$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(B)/libcadre.a: $(OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

$(B)/gen/migrations.c: build/embed $(MIGRATIONS)
	@mkdir -p $(dir $@)
	build/embed embed_migrations src/db/ $(MIGRATIONS) > $@

$(B)/gen/web.c: build/embed $(WEBFILES)
	@mkdir -p $(dir $@)
	build/embed embed_web web/ $(WEBFILES) > $@

$(B)/gen/%.o: $(B)/gen/%.c
	$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

# Tests: one binary per suite, linked against the library.
$(B)/unit_tests: $(UNIT_SRC:%.c=$(B)/%.o) $(B)/libcadre.a
	$(CC) $(OPT) -o $@ $^ $(LDLIBS)

$(B)/api_tests: $(API_SRC:%.c=$(B)/%.o) $(B)/libcadre.a
	$(CC) $(OPT) -o $@ $^ $(LDLIBS) $(shell pkg-config --libs libcurl)

$(B)/bench_%: bench/%.c $(B)/libcadre.a
	$(CC) $(CFLAGS) -o $@ $< $(B)/libcadre.a $(LDLIBS)

tests-bin: $(B)/cadre $(B)/unit_tests $(B)/api_tests

asan:
	$(MAKE) MODE=asan tests-bin

run:
	bash scripts/deps.sh
	$(MAKE) cadre
	bash scripts/run.sh

test:
	bash scripts/deps.sh
	$(MAKE) cadre tests-bin
	$(MAKE) MODE=asan tests-bin
	bash tests/run.sh

bench: cadre $(BENCH_SRC:bench/%.c=$(B)/bench_%)
	bash bench/run.sh

valgrind: tests-bin
	bash tests/valgrind.sh

clean:
	rm -rf build cadre

-include $(shell find build -name '*.d' 2>/dev/null)
