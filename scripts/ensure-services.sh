#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis the tests talk to are up on 127.0.0.1, starting whichever is
# down with this machine's own commands, and wait (bounded) until both answer.
# Used by CI (START_SERVICES=1 make test); harmless when both are already running.
set -euo pipefail

WAIT_SECONDS=${SERVICES_WAIT_SECONDS:-30}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 >/dev/null 2>&1; }
redis_up() { [[ $(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null) == PONG ]]; }

for cmd in pg_isready redis-cli; do
	if ! command -v "$cmd" >/dev/null 2>&1; then
		echo "ensure-services: '$cmd' not found; PostgreSQL and Redis clients are needed." >&2
		exit 1
	fi
done

if pg_up; then
	echo "PostgreSQL: up on 127.0.0.1:5432"
else
	echo "PostgreSQL: down; starting it"
	# Not fatal by itself ("already running" while it is still starting): the wait below decides.
	pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ||
		echo "PostgreSQL: pg_ctlcluster returned $?" >&2
fi

if redis_up; then
	echo "Redis: up on 127.0.0.1:6379"
else
	echo "Redis: down; starting it"
	mkdir -p /var/lib/redis /var/log/redis
	redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
		--dir /var/lib/redis --logfile /var/log/redis/ci.log ||
		echo "Redis: redis-server returned $?" >&2
fi

for ((waited = 0; ; waited++)); do
	pg=down redis=down
	pg_up && pg=up
	redis_up && redis=up
	if [[ $pg == up && $redis == up ]]; then
		((waited == 0)) || echo "PostgreSQL and Redis answer after ${waited}s"
		exit 0
	fi
	if ((waited >= WAIT_SECONDS)); then
		echo "ensure-services: after ${WAIT_SECONDS}s PostgreSQL is $pg, Redis is $redis." >&2
		[[ $pg == up ]] || echo "  check: pg_lsclusters; logs in /var/log/postgresql/" >&2
		[[ $redis == up ]] || echo "  check: /var/log/redis/ci.log" >&2
		exit 1
	fi
	sleep 1
done
