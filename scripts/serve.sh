#!/usr/bin/env bash
# Serve OneWindow as production does: one scheduler and one video worker beside several gunicorn workers.
# ONEWINDOW_BIND (default 127.0.0.1:5000) and ONEWINDOW_WORKERS (default 3) choose where and how many.
#
# The scheduler and the video worker are kept running: if one exits it is started again after a
# pause that doubles up to a minute (and resets after it ran a while), logged on stderr, while the
# other processes carry on. The script ends when gunicorn ends, or on INT/TERM.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BIND=${ONEWINDOW_BIND:-127.0.0.1:5000}
WORKERS=${ONEWINDOW_WORKERS:-3}

# keep_running NAME COMMAND...: run COMMAND again whenever it exits, with a growing pause.
keep_running() {
  local name=$1 pause=1 started status
  shift
  while true; do
    started=$SECONDS
    "$@" &
    local child=$!
    trap 'kill "$child" 2>/dev/null; exit 0' TERM INT
    status=0
    wait "$child" || status=$?
    trap - TERM INT
    if (( SECONDS - started > 300 )); then pause=1; fi  # it ran a good while: start again promptly
    echo "serve.sh: $name exited with status $status; starting it again in ${pause}s" >&2
    sleep "$pause"
    pause=$(( pause * 2 > 60 ? 60 : pause * 2 ))
  done
}

keep_running scheduler "$VENV/bin/flask" --app wsgi ow scheduler &
scheduler=$!
# The video worker; ONEWINDOW_VIDEO_DEMO=1 (set by `make run`) adds a generated demo camera on the zwfw window.
video_args=(monitor)
if [ "${ONEWINDOW_VIDEO_DEMO:-0}" = "1" ]; then video_args+=(--demo); fi
keep_running "video worker" "$VENV/bin/flask" --app wsgi "${video_args[@]}" &
video=$!
trap 'kill "$scheduler" "$video" 2>/dev/null || true' EXIT INT TERM

echo "OneWindow on http://$BIND  (API docs: http://$BIND/api/docs)"
# No control socket: its default path is shared by every gunicorn of the user (tests run several).
# Request lines up to gunicorn's largest bound (8190 bytes, default 4094) reach the app, so a long
# query gets the API's own JSON refusal rather than gunicorn's HTML 414.
"$VENV/bin/gunicorn" --workers "$WORKERS" --bind "$BIND" --access-logfile - --graceful-timeout 5 \
  --limit-request-line 8190 --no-control-socket wsgi:app &
gunicorn=$!
wait "$gunicorn"
