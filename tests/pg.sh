# pg.sh — sourced by the test harness; owns the throwaway PostgreSQL cluster
# the tests run against.  Needs only the Debian `postgresql` package (its
# binaries), never the system's PostgreSQL service.
#
#   source tests/pg.sh
#   pg_start            # initdb + start; exports CADRE_TEST_PG_URL
#   trap pg_stop EXIT   # optional: pg_start sets this trap itself when the
#                       # shell has no EXIT trap yet
#   ...
#   pg_stop             # stop (immediate) and remove everything; idempotent
#
# The cluster lives in a fresh directory under /tmp (data, log, and the unix
# socket), listens on no TCP address (set CADRE_PG_TCP=1 for 127.0.0.1 on a
# free port as well; it then also exports CADRE_TEST_PG_TCP_URL), runs with
# fsync off and trusts local connections: the socket directory is mode 0700,
# so only its owner (and root) can reach it.  The superuser role and the
# database are both named `cadre`.  As root, the server runs as the
# unprivileged user `cadre-test` (created if missing; `nobody` if that
# fails), since PostgreSQL refuses to run as root.  A watchdog stops the
# cluster if the calling shell dies without running pg_stop.
# Works under `set -euo pipefail`; reads nothing from stdin.

_cadre_pg_dir=""
_cadre_pg_user=""
_cadre_pg_watch=""
_cadre_pg_bin=""

# Run a command as the cluster's owner, from a directory it can read.
_cadre_pg_as() {
	if [ -n "$_cadre_pg_user" ]; then
		(cd "$_cadre_pg_dir" && runuser -u "$_cadre_pg_user" -- "$@")
	else
		(cd "$_cadre_pg_dir" && "$@")
	fi
}

_cadre_pg_find_bin() {
	local d
	if [ -n "${CADRE_PG_BIN:-}" ]; then
		_cadre_pg_bin=$CADRE_PG_BIN
	elif [ -x /usr/lib/postgresql/15/bin/initdb ]; then
		_cadre_pg_bin=/usr/lib/postgresql/15/bin
	else
		_cadre_pg_bin=""
		for d in /usr/lib/postgresql/*/bin; do
			[ -x "$d/initdb" ] && _cadre_pg_bin=$d
		done
		[ -n "$_cadre_pg_bin" ] &&
			echo "pg.sh: PostgreSQL 15 not found, using $_cadre_pg_bin" >&2
	fi
	if [ -z "$_cadre_pg_bin" ] || [ ! -x "$_cadre_pg_bin/initdb" ]; then
		echo "pg.sh: no PostgreSQL server binaries (apt-get install postgresql)" >&2
		return 1
	fi
}

# Prints a TCP port on 127.0.0.1 that nothing listens on.
_cadre_pg_free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

pg_start() {
	local dir port tcp_port="" listen="''" i user=""
	[ -n "$_cadre_pg_dir" ] && pg_stop
	_cadre_pg_find_bin || return 1

	if [ "$(id -u)" -eq 0 ]; then
		user=cadre-test
		if ! getent passwd "$user" >/dev/null; then
			useradd --system --no-create-home --home-dir /nonexistent \
				--shell /usr/sbin/nologin "$user" >/dev/null 2>&1 ||
				user=nobody
		fi
	fi

	# Under /tmp, not $TMPDIR: the server user must reach it (a root
	# TMPDIR may not be), and the socket path must stay short.
	dir=$(mktemp -d /tmp/cadre-pg.XXXXXX) || return 1
	chmod 0700 "$dir"
	_cadre_pg_dir=$dir
	_cadre_pg_user=$user
	if [ -n "$user" ]; then
		chown "$user:" "$dir" || { pg_stop; return 1; }
	fi

	port=5432
	if [ "${CADRE_PG_TCP:-0}" = 1 ]; then
		tcp_port=$(_cadre_pg_free_port) || {
			echo "pg.sh: no free port" >&2
			pg_stop
			return 1
		}
		port=$tcp_port
		listen="'127.0.0.1'"
	fi

	if ! _cadre_pg_as env LC_ALL=C "$_cadre_pg_bin/initdb" -D "$dir/data" \
		-U cadre --auth=trust -E UTF8 --locale=C --no-sync \
		</dev/null >"$dir/initdb.log" 2>&1; then
		echo "pg.sh: initdb failed:" >&2
		cat "$dir/initdb.log" >&2
		pg_stop
		return 1
	fi
	cat >>"$dir/data/postgresql.conf" <<-EOF

		# cadre tests (tests/pg.sh)
		listen_addresses = $listen
		port = $port
		unix_socket_directories = '$dir'
		unix_socket_permissions = 0700
		max_connections = 200
		shared_buffers = 64MB
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		logging_collector = off
		log_min_messages = warning
		timezone = 'UTC'
	EOF

	if ! _cadre_pg_as env LC_ALL=C "$_cadre_pg_bin/pg_ctl" start -D "$dir/data" \
		-l "$dir/server.log" -w -t 60 -s </dev/null >/dev/null 2>&1; then
		echo "pg.sh: the server did not start:" >&2
		cat "$dir/server.log" >&2 2>/dev/null
		pg_stop
		return 1
	fi
	for i in $(seq 1 120); do
		"$_cadre_pg_bin/pg_isready" -q -h "$dir" -p "$port" -U cadre \
			-d postgres </dev/null && break
		if [ "$i" -eq 120 ]; then
			echo "pg.sh: the server is not ready:" >&2
			cat "$dir/server.log" >&2
			pg_stop
			return 1
		fi
		sleep 0.25
	done
	if ! "$_cadre_pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" \
		-U cadre -d postgres -c 'CREATE DATABASE cadre' </dev/null >&2; then
		pg_stop
		return 1
	fi

	# If the caller dies without pg_stop (SIGKILL, a CI timeout killing its
	# process group), a watchdog in its own session stops the cluster.  It
	# is detached from the caller's output and job table; pg_stop ends it.
	local watch='
		trap "" INT HUP
		while kill -0 "$1" 2>/dev/null && [ -d "$2/data" ]; do
			sleep 2
		done
		if [ -f "$2/data/postmaster.pid" ]; then
			cd "$2" || exit 1
			if [ -n "$3" ]; then
				runuser -u "$3" -- "$4/pg_ctl" stop -D "$2/data" -m immediate -s
			else
				"$4/pg_ctl" stop -D "$2/data" -m immediate -s
			fi
		fi
		cd / && rm -rf "$2"'
	if command -v setsid >/dev/null; then
		setsid bash -c "$watch" cadre-pg-watch "$$" "$dir" "$user" \
			"$_cadre_pg_bin" </dev/null >/dev/null 2>&1 &
	else
		bash -c "$watch" cadre-pg-watch "$$" "$dir" "$user" \
			"$_cadre_pg_bin" </dev/null >/dev/null 2>&1 &
	fi
	_cadre_pg_watch=$!
	disown "$_cadre_pg_watch" 2>/dev/null || true

	if [ -z "$(trap -p EXIT)" ]; then
		trap pg_stop EXIT
	fi

	export CADRE_TEST_PG_URL="postgresql://cadre@/cadre?host=$dir&port=$port"
	if [ -n "$tcp_port" ]; then
		export CADRE_TEST_PG_TCP_URL="postgresql://cadre@127.0.0.1:$tcp_port/cadre"
	fi
	return 0
}

pg_stop() {
	local dir=$_cadre_pg_dir
	if [ -n "$_cadre_pg_watch" ]; then
		kill "$_cadre_pg_watch" 2>/dev/null || true
		_cadre_pg_watch=""
	fi
	if [ -n "$dir" ]; then
		if [ -f "$dir/data/postmaster.pid" ]; then
			_cadre_pg_as "$_cadre_pg_bin/pg_ctl" stop -D "$dir/data" \
				-m immediate -s </dev/null >/dev/null 2>&1 || true
		fi
		rm -rf "$dir"
	fi
	_cadre_pg_dir=""
	_cadre_pg_user=""
	unset CADRE_TEST_PG_URL CADRE_TEST_PG_TCP_URL
	return 0
}
