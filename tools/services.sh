#!/usr/bin/env bash
# Starts the local services the test suites use, when they are installed and stopped: PostgreSQL
# (127.0.0.1:5432), MariaDB (127.0.0.1:3306) and Redis (127.0.0.1:6379). Machines without them skip
# this; the suites that need them say so. Safe to run repeatedly.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { for _ in $(seq 1 30); do up "$1" && return 0; sleep 0.5; done; echo "services: $2 did not come up on port $1" >&2; }

if ! up 5432 && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start && wait_for 5432 PostgreSQL
fi
if ! up 6379 && command -v redis-server >/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null && wait_for 6379 Redis
fi
if ! up 3306 && [ -x /usr/sbin/mariadbd ]; then
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd && wait_for 3306 MariaDB
fi
exit 0
