#!/bin/bash
# Entrypoint of the offline PostgreSQL 15 image built by .ci/provision-docker.sh.
# It behaves like the official postgres image's entrypoint for the parts the tests rely on:
#   - POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER (default postgres),
#     POSTGRES_DB (default $POSTGRES_USER), POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD;
#   - initdb once into $PGDATA (default /var/lib/postgresql/data);
#   - runs /docker-entrypoint-initdb.d/*.sh, *.sql, *.sql.gz against a temporary server that listens on the
#     Unix socket only, so `pg_isready --host localhost` (the Testcontainers wait) succeeds only once the real
#     server is up;
#   - listens on all addresses, port 5432, password auth (scram-sha-256) for remote hosts;
#   - runs as the postgres user and execs the server in the foreground (it is PID 1, signals reach it);
#   - a first argument starting with '-' is passed to postgres (Testcontainers passes "-c fsync=off ...").
set -Eeuo pipefail

log() { printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*"; }

if [ "${1:-}" = '' ] || [ "${1#-}" != "$1" ]; then
	set -- postgres "$@"
fi

export PGDATA="${PGDATA:-/var/lib/postgresql/data}"

if [ "$1" != 'postgres' ]; then
	exec "$@"
fi

# As root: prepare the folders, then re-run this script as the postgres user.
if [ "$(id -u)" = '0' ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	chown postgres:postgres "$PGDATA" /var/run/postgresql
	chmod 700 "$PGDATA"
	chmod 3777 /var/run/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	POSTGRES_USER="${POSTGRES_USER:-postgres}"
	POSTGRES_DB="${POSTGRES_DB:-$POSTGRES_USER}"
	POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-}"
	POSTGRES_HOST_AUTH_METHOD="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
		echo 'Error: the database is uninitialized and POSTGRES_PASSWORD is not set.' >&2
		echo '       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust, which allows connections without a password).' >&2
		exit 1
	fi

	log "initdb into $PGDATA (user $POSTGRES_USER, database $POSTGRES_DB)"
	pwfile="$(mktemp)"
	printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
	# shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as in the official image
	initdb --username="$POSTGRES_USER" --pwfile="$pwfile" ${POSTGRES_INITDB_ARGS:-}
	rm -f "$pwfile"

	{
		echo
		echo "listen_addresses = '*'"
	} >> "$PGDATA/postgresql.conf"
	{
		echo
		echo "host all all all $POSTGRES_HOST_AUTH_METHOD"
	} >> "$PGDATA/pg_hba.conf"

	# Temporary server on the Unix socket only: nothing outside sees it as ready.
	# Its log goes to stdout too, so "database system is ready to accept connections" shows twice, as with
	# the official image (log-based waits that count two of them work as well).
	pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
	export PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD" PGHOST=/var/run/postgresql PGPORT=5432
	psql_cmd=(psql -v ON_ERROR_STOP=1 --no-password --no-psqlrc --quiet)
	if [ "$POSTGRES_DB" != 'postgres' ]; then
		exists="$("${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" --tuples-only --no-align <<-'EOSQL'
			SELECT 1 FROM pg_database WHERE datname = :'db';
		EOSQL
		)"
		if [ -z "$exists" ]; then
			"${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
				CREATE DATABASE :"db";
			EOSQL
		fi
	fi
	if [ -d /docker-entrypoint-initdb.d ]; then
		for f in /docker-entrypoint-initdb.d/*; do
			case "$f" in
				*.sh)
					if [ -x "$f" ]; then log "running $f"; "$f"; else log "sourcing $f"; . "$f"; fi ;;
				*.sql)    log "running $f"; "${psql_cmd[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
				*.sql.gz) log "running $f"; gunzip -c "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB" ;;
				*)        if [ -e "$f" ]; then log "ignoring $f"; fi ;;
			esac
		done
	fi
	pg_ctl -D "$PGDATA" -m fast -w stop
	unset PGPASSWORD PGUSER PGHOST PGPORT
	log 'PostgreSQL init process complete; ready for start up.'
else
	log "PostgreSQL database directory $PGDATA already initialized; skipping initialization"
fi

exec "$@"
