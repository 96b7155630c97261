#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL and Redis on free loopback ports:
#   bash .ci/with-servers.sh uv run pytest -m "not e2e"
# The command sees DATABASE_URL and REDIS_URL. Both servers and their files are removed on exit,
# whatever happens. Without the server binaries this layer is skipped (exit 0) with a clear line.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARGS...]" >&2
  exit 2
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
missing=()
[ -n "$pg_bin" ] && [ -x "$pg_bin/pg_ctl" ] || missing+=("PostgreSQL (pg_ctl)")
command -v redis-server >/dev/null 2>&1 || missing+=("redis-server")
if [ ${#missing[@]} -gt 0 ]; then
  which=$(printf '%s and ' "${missing[@]}")
  echo "SKIPPED: PostgreSQL/Redis layer — ${which% and } not installed" \
    "(install postgresql and redis-server)"
  # CI promises this layer ran: there a missing server is a failure, not a skip.
  [ "${CI:-}" = true ] && exit 1
  exit 0
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

work=$(mktemp -d /tmp/with-servers.XXXXXX)
pg_dir=$work/pg
redis_dir=$work/redis
mkdir -p "$pg_dir" "$redis_dir"

# initdb and postgres refuse to run as root, so as root the cluster belongs to `postgres`.
as_db_owner=()
if [ "$(id -u)" = 0 ]; then
  chmod 711 "$work"
  chown postgres: "$pg_dir"
  as_db_owner=(runuser -u postgres --)
fi

pg_started=
redis_pid_file=$redis_dir/redis.pid
cleanup() {
  status=$?
  if [ -n "$pg_started" ]; then
    "${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -f "$redis_pid_file" ]; then
    redis_pid=$(cat "$redis_pid_file")
    kill "$redis_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$redis_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
pg_port=$(free_port)
# Trust on loopback only, in a cluster that lives as long as this command; durability is off
# because the data is thrown away.
"${as_db_owner[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 \
  --locale=C.UTF-8 --no-sync >"$pg_dir/initdb.log" 2>&1 \
  || { cat "$pg_dir/initdb.log"; exit 1; }
"${as_db_owner[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $pg_dir -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
  || { cat "$pg_dir/server.log"; exit 1; }
pg_started=1
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres partnership

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --dir "$redis_dir" --pidfile "$redis_pid_file" --logfile "$redis_dir/redis.log"
for _ in $(seq 50); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$redis_port" ping >/dev/null || { cat "$redis_dir/redis.log"; exit 1; }

export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/partnership"
export REDIS_URL="redis://127.0.0.1:$redis_port/0"
echo "PostgreSQL on port $pg_port and Redis on port $redis_port ready in $((SECONDS - started)) s"

"$@"
