# Sourced by tests/e2e/proto_postgres.sh and testdata/record.sh (not executable, so tests/run.sh
# does not run it): a throwaway PostgreSQL 15 cluster on 127.0.0.1, run as the unprivileged user
# nobody (the server refuses root), with every statement logged.
#   pg_find                 sets PGBIN (or returns 1 with PG_WHY)
#   pg_start DIR PORT       initdb into DIR/data, start postgres on PORT (TCP 127.0.0.1 and a unix
#                           socket in DIR/sock), log to DIR/pg.log; sets PG_PID (the postmaster)
#   pg_stop                 fast shutdown of PG_PID (SIGINT), waited for; SIGKILL after 20 s
# Roles: postgres (SCRAM over TCP, password $PG_SUPER_PW), plainuser (cleartext password
# $PG_PLAIN_PW), wire (trust over TCP: tests/e2e/pgwire.py speaks no SCRAM).
PG_SUPER_PW=tt-super-Secret-7
PG_PLAIN_PW=tt-plain-Secret-42
PG_PID=

pg_find() {
	local d
	for d in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
		if [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pgbench" ]; then
			PGBIN=$d
			return 0
		fi
	done
	PG_WHY="no PostgreSQL server binaries (apt install postgresql)"
	return 1
}

# as nobody, without a shell or PAM session in between: $! is the server itself
pg_as() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

pg_start() { # dir port
	local dir=$1 port=$2 i
	mkdir -p "$dir"
	chmod 755 "$dir"
	mkdir -p "$dir/data" "$dir/sock"
	chown nobody:nogroup "$dir/data" "$dir/sock"
	chmod 700 "$dir/data"
	printf '%s\n' "$PG_SUPER_PW" >"$dir/pw"
	chmod 644 "$dir/pw"
	(cd / && pg_as "$PGBIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pw" -A trust \
		--no-sync -E UTF8 --locale=C) >"$dir/initdb.log" 2>&1 || {
		PG_WHY="initdb failed: $(tail -1 "$dir/initdb.log")"
		return 1
	}
	cat >"$dir/data/pg_hba.conf" <<EOF
local all all trust
host all plainuser 127.0.0.1/32 password
host all wire 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
EOF
	: >"$dir/pg.log"
	chown nobody "$dir/pg.log"
	(cd / && exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
		"$PGBIN/postgres" -D "$dir/data" -p "$port" -k "$dir/sock" \
		-c listen_addresses=127.0.0.1 -c log_statement=all -c log_min_error_statement=error \
		-c logging_collector=off -c log_connections=on -c log_error_verbosity=verbose \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		-c max_connections=20 -c shared_buffers=16MB) >>"$dir/pg.log" 2>&1 &
	PG_PID=$!
	for i in $(seq 200); do
		if "$PGBIN/psql" -h "$dir/sock" -p "$port" -U postgres -X -q -c 'SELECT 1' \
			>/dev/null 2>&1; then
			"$PGBIN/psql" -h "$dir/sock" -p "$port" -U postgres -X -q -v ON_ERROR_STOP=1 \
				>>"$dir/setup.log" 2>&1 <<EOF || { PG_WHY="setup failed"; return 1; }
CREATE ROLE plainuser LOGIN PASSWORD '$PG_PLAIN_PW';
CREATE ROLE wire LOGIN;
CREATE TABLE wire_items (id int PRIMARY KEY, name text);
INSERT INTO wire_items VALUES (1, 'one'), (2, 'two');
GRANT ALL ON wire_items TO wire, plainuser;
EOF
			return 0
		fi
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	PG_WHY="postgres did not start: $(tail -2 "$dir/pg.log" | tr '\n' ' ')"
	return 1
}

pg_stop() {
	local i
	[ -n "$PG_PID" ] || return 0
	kill -INT "$PG_PID" 2>/dev/null || true # (callers may run under set -e)
	for i in $(seq 200); do
		kill -0 "$PG_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$PG_PID" 2>/dev/null || true
	wait "$PG_PID" 2>/dev/null || true
	PG_PID=
}
