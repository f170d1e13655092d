#!/usr/bin/env bash
# Starts a throwaway PostgreSQL on 127.0.0.1 for development and tests, and prints its URL.
#
#   npm run pg:start                 # a new cluster in a temporary folder, on port 54329 or the next free one
#   PG_DIR=.pg PG_PORT=5433 npm run pg:start
#   eval "$(npm run -s pg:start -- --env)"   # exports AINEWS_TEST_POSTGRES_URL in this shell
#
# It needs PostgreSQL's server binaries (initdb, pg_ctl): `apt-get install postgresql` on Debian or Ubuntu.
# The cluster trusts every local connection and does not fsync: it is for throwaway data only. Stop it with
# the `pg_ctl … stop` line it prints. Run as root, it runs the server as the `postgres` user.
set -euo pipefail

env_only=false
[[ "${1:-}" == "--env" ]] && env_only=true

bin_dir=""
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
  bin_dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
else
  bin_dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ -z "$bin_dir" || ! -x "$bin_dir/initdb" ]]; then
  echo "pg:start: PostgreSQL's server binaries (initdb, pg_ctl) were not found. Install them with" >&2
  echo "  apt-get install postgresql" >&2
  exit 1
fi

dir="${PG_DIR:-$(mktemp -d -t ainews-pg.XXXXXX)}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"

port="${PG_PORT:-54329}"
running=false
if [[ -f "$dir/data/postmaster.pid" ]] && kill -0 "$(head -n 1 "$dir/data/postmaster.pid")" 2>/dev/null; then
  # Already started in this folder: report it again.
  running=true
  port="$(sed -n 4p "$dir/data/postmaster.pid")"
elif [[ -z "${PG_PORT:-}" ]]; then
  # The next port nothing listens on.
  while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
fi

as_owner=()
if [[ "$(id -u)" == "0" ]]; then
  # initdb and postgres refuse to run as root.
  chown -R postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi

if [[ ! -f "$dir/data/PG_VERSION" ]]; then
  "${as_owner[@]}" "$bin_dir/initdb" -D "$dir/data" -U ainews --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
fi

options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
if ! $running && ! "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$options" -w -t 60 start >/dev/null; then
  cat "$dir/server.log" >&2
  exit 1
fi

"${as_owner[@]}" "$bin_dir/psql" -h 127.0.0.1 -p "$port" -U ainews -d postgres -qAtc "SELECT 1 FROM pg_database WHERE datname = 'ainews'" | grep -q 1 ||
  "${as_owner[@]}" "$bin_dir/createdb" -h 127.0.0.1 -p "$port" -U ainews ainews

url="postgres://ainews@127.0.0.1:$port/ainews"
if $env_only; then
  echo "export AINEWS_TEST_POSTGRES_URL=$url"
else
  echo "PostgreSQL is running in $dir on 127.0.0.1:$port."
  echo "  AINEWS_DB=$url"
  echo "  AINEWS_TEST_POSTGRES_URL=$url"
  echo "Stop it with: ${as_owner[*]:+${as_owner[*]} }$bin_dir/pg_ctl -D $dir/data stop"
fi
