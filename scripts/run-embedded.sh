#!/usr/bin/env bash
# Embedded mode: Celery worker and beat in the background, the web app alongside, all on the
# local settings (SQLite and the filesystem broker in var/). Ctrl-C stops all three.
# Started by `make run`, which has already installed, migrated and seeded.
#
# The web app runs as in production: gunicorn (the WSGI server of the Dockerfile), DEBUG off,
# the app's own error pages, static files served by WhiteNoise. DEV_SERVER=1 (developers only)
# runs Django's development server with DEBUG on instead: auto-reload and the debug page.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.."

VENV=${VENV:-.venv}
# The demo's login page lists the demo users' codes: on for this run only (make run sets it too).
export DEMO_MODE=${DEMO_MODE:-true}
ADDR=${RUNSERVER_ADDR:-127.0.0.1:8000}
DEV_SERVER=${DEV_SERVER:-0}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-protection.settings.local}
LOG_DIR=var/log
mkdir -p "$LOG_DIR" var/broker var/mail

pids=()
declare -A names=()

# Each process gets its own session (setsid), so its process group -- including Celery's pool
# children -- can be signalled as a whole.
start() {
	local name=$1 log=$2
	shift 2
	if [[ -n $log ]]; then
		setsid "$@" </dev/null >>"$log" 2>&1 &
	else
		setsid "$@" </dev/null &
	fi
	pids+=("$!")
	names[$!]=$name
}

signal_all() {
	local sig=$1 pid
	for pid in "${pids[@]}"; do
		kill "-$sig" -- "-$pid" 2>/dev/null || kill "-$sig" "$pid" 2>/dev/null || true
	done
}

cleanup() {
	trap - EXIT
	# A second Ctrl-C while stopping kills at once.
	trap 'signal_all KILL' INT TERM
	set +e
	((${#pids[@]})) || return 0
	echo
	echo "Stopping the web server, worker and beat..."
	signal_all TERM
	# Give the worker time to finish the task in hand (warm shutdown), then force.
	(sleep 20 && kill -KILL -- "${pids[@]/#/-}" 2>/dev/null) &
	local killer=$!
	wait "${pids[@]}" 2>/dev/null
	kill "$killer" 2>/dev/null
	wait "$killer" 2>/dev/null
	signal_all KILL # anything left in the groups
	echo "Stopped. Logs are in $LOG_DIR/."
}
trap 'exit 130' INT
trap 'exit 143' TERM
trap cleanup EXIT

start worker "$LOG_DIR/worker.log" \
	"$VENV/bin/celery" -A protection worker -l info --pool prefork --concurrency 2 -Q celery
start beat "$LOG_DIR/beat.log" \
	"$VENV/bin/celery" -A protection beat -l info --schedule var/celerybeat-schedule
if [[ $DEV_SERVER == 1 ]]; then
	web=runserver
	start "$web" "" env DJANGO_DEBUG=1 "$VENV/bin/python" manage.py runserver "$ADDR" --noreload
else
	web=gunicorn
	start "$web" "" env DJANGO_DEBUG=0 "$VENV/bin/gunicorn" protection.wsgi:application \
		--bind "$ADDR" --workers 2 --timeout 60 --access-logfile - --error-logfile -
fi

cat <<MSG

  Open http://$ADDR/   (web server: $web)
  Worker log: $LOG_DIR/worker.log   Beat log: $LOG_DIR/beat.log
  Mail sent by the app: var/mail/   Data: var/ (kept between runs)
  Ctrl-C stops everything.

MSG

# Return when any of the three stops: the others are no use without it.
set +e
wait -n
status=$?
for pid in "${pids[@]}"; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "${names[$pid]} exited with status $status; stopping the others." >&2
		[[ ${names[$pid]} == "$web" ]] || echo "See $LOG_DIR/${names[$pid]}.log" >&2
		break
	fi
done
exit "$((status == 0 ? 1 : status))"
