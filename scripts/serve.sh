#!/usr/bin/env bash
# Serve OneWindow as production does: one scheduler and one video worker beside several gunicorn workers.
# ONEWINDOW_BIND (default 127.0.0.1:5000) and ONEWINDOW_WORKERS (default 3) choose where and how many.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BIND=${ONEWINDOW_BIND:-127.0.0.1:5000}
WORKERS=${ONEWINDOW_WORKERS:-3}

"$VENV/bin/flask" --app wsgi ow scheduler &
scheduler=$!
# The video worker; ONEWINDOW_VIDEO_DEMO=1 (set by `make run`) adds a generated demo camera on the zwfw window.
if [ "${ONEWINDOW_VIDEO_DEMO:-0}" = "1" ]; then
  "$VENV/bin/flask" --app wsgi monitor --demo &
else
  "$VENV/bin/flask" --app wsgi monitor &
fi
video=$!
trap 'kill "$scheduler" "$video" 2>/dev/null || true' EXIT INT TERM

echo "OneWindow on http://$BIND  (API docs: http://$BIND/api/docs)"
# No control socket: its default path is shared by every gunicorn of the user (tests run several).
"$VENV/bin/gunicorn" --workers "$WORKERS" --bind "$BIND" --access-logfile - --graceful-timeout 5 \
  --no-control-socket wsgi:app &
gunicorn=$!
wait -n "$scheduler" "$video" "$gunicorn"
