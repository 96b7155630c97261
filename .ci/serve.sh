#!/usr/bin/env bash
# `make run`'s server: Django's development server with a real Celery worker (and beat) beside
# it, on kombu's filesystem broker (no REDIS_URL: see CELERY_DIR in settings), so a report's
# progress page works as it does in production. The worker stops when the server stops, however
# it stops (Ctrl-C, an error, a signal).
#   bash .ci/serve.sh [ADDRESS:PORT]      (default 127.0.0.1:8000)
# The worker does not reload on code changes as the server does: stop and start `make run`.
set -euo pipefail
cd "$(dirname "$0")/.."
address=${1:-127.0.0.1:8000}
venv=.venv/bin
celery_dir=${CELERY_DIR:-.celery}
mkdir -p "$celery_dir"

# In a process group of its own (setsid), so that stopping it stops its beat process too.
setsid "$venv/celery" -A partnership worker --beat --pool=solo --loglevel=warning \
  --hostname "laptop@%h" --schedule "$celery_dir/beat-schedule" &
worker=$!
echo "Celery worker started (pid $worker), on the filesystem broker in $celery_dir/"

stop_worker() {
  if kill -0 "$worker" 2>/dev/null; then
    kill -TERM -- "-$worker" 2>/dev/null || true
    # A warm shutdown lets a report being made finish; after 30 s it is stopped anyway (the
    # run is queued again at the next start: partnership/runs.py).
    for _ in $(seq 300); do kill -0 "$worker" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$worker" 2>/dev/null || true
  fi
  wait "$worker" 2>/dev/null || true
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$venv/python" manage.py runserver "$address"
