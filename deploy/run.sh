#!/bin/bash
# Start script of the Lambda image: the Lambda Web Adapter waits until this server answers
# its readiness path, then turns each invocation into an HTTP request to it.
set -euo pipefail

# The script lives in deploy/ of the app's root: /var/task in the image, or a checkout.
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Every embedded SQLite file lives in DATA_DIR; on Lambda only /tmp is writable.
mkdir -p "${DATA_DIR:-./var}"

# --timeout 0: Lambda freezes the whole sandbox between invocations. On thaw, gunicorn's
# arbiter would see a worker heartbeat minutes old and kill the worker that is about to
# serve the waking request; Lambda's own function timeout bounds every request instead.
exec python -m gunicorn -c gunicorn.conf.py \
    --bind "127.0.0.1:${AWS_LWA_PORT:-${PORT:-8080}}" \
    --timeout 0 \
    wsgi:app
