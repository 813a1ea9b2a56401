#!/usr/bin/env bash
# The production stack on this machine, without Docker: `make stack` / `make stack-stop`.
#
#   scripts/stack.sh start   PostgreSQL, Redis, an S3-compatible object store (SeaweedFS),
#                            the stand-in KRS, gunicorn (several workers), a Celery worker and
#                            Celery beat, every one a separate process on loopback, with the
#                            production settings; migrates, loads the registry, the catalogue
#                            and the demo accounts; prints the URL.
#   scripts/stack.sh start-empty   only PostgreSQL (an empty database), Redis and the object
#                            store: what `make restore` restores into.
#   scripts/stack.sh stop    ends every process it started, by its pid, and checks none is left.
#   scripts/stack.sh status  which processes run.
#   scripts/stack.sh env     prints the environment of the stack's processes (for backup,
#                            restore and the tests that use the stack).
#
# Everything lives under var/stack (STACK_DIR): data, logs, pids, and the env file made on the
# first start (free ports, a random SECRET_KEY and S3 keys), reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STACK_DIR=${STACK_DIR:-$ROOT/var/stack}
PY="$ROOT/.venv/bin/python"
WEED="$ROOT/.venv/bin/weed"
WORKERS=${STACK_WORKERS:-3}

log() { printf '== %s\n' "$*"; }
pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pidfile() { echo "$STACK_DIR/pids/$1.pid"; }
# A killed process this machine's init has not reaped yet is a zombie: not running.
running() {
  [ -f "$(pidfile "$1")" ] || return 1
  local state; state=$(ps -o stat= -p "$(cat "$(pidfile "$1")")" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "${state:0:1}" != Z ]
}

make_env() {
  mkdir -p "$STACK_DIR"/{pids,logs,pg,redis,s3,media,static}
  [ -f "$STACK_DIR/env" ] && return
  # Twelve distinct free ports, held open together while they are chosen (one at a time, the
  # system may hand the same one out twice).
  local ports pg redis s3 master volume filer web krs
  read -r -a ports <<<"$("$PY" -c 'import socket
held = [socket.socket() for _ in range(12)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))')"
  pg=${ports[0]}; redis=${ports[1]}; s3=${ports[2]}; master=${ports[3]}; volume=${ports[4]}
  filer=${ports[5]}; web=${ports[6]}; krs=${ports[7]}
  local secret key s3secret
  secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(60))')
  key=$("$PY" -c 'import secrets; print("pmqa" + secrets.token_hex(8))')
  s3secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(30))')
  cat >"$STACK_DIR/env" <<EOF
DJANGO_SETTINGS_MODULE=pmqa_site.settings.production
PMQA_NO_DOTENV=1
SECRET_KEY=$secret
ALLOWED_HOSTS=localhost,127.0.0.1
SECURE_SSL_REDIRECT=false
SECURE_HSTS_SECONDS=0
DATABASE_URL=postgres://pmqa@127.0.0.1:$pg/pmqa
CELERY_BROKER_URL=redis://127.0.0.1:$redis/0
CELERY_RESULT_BACKEND=redis://127.0.0.1:$redis/1
STORAGE_BACKEND=s3
AWS_STORAGE_BUCKET_NAME=pmqa
AWS_S3_ENDPOINT_URL=http://127.0.0.1:$s3
AWS_S3_REGION_NAME=us-east-1
AWS_ACCESS_KEY_ID=$key
AWS_SECRET_ACCESS_KEY=$s3secret
KRS_BASE_URL=http://127.0.0.1:$krs
STATIC_ROOT=$STACK_DIR/static
MEDIA_ROOT=$STACK_DIR/media
LOG_FORMAT=json
STACK_PG_PORT=$pg
STACK_REDIS_PORT=$redis
STACK_S3_PORT=$s3
STACK_MASTER_PORT=$master
STACK_VOLUME_PORT=$volume
STACK_FILER_PORT=$filer
STACK_WEB_PORT=$web
STACK_KRS_PORT=$krs
STACK_MASTER_GRPC_PORT=${ports[8]}
STACK_VOLUME_GRPC_PORT=${ports[9]}
STACK_FILER_GRPC_PORT=${ports[10]}
STACK_S3_GRPC_PORT=${ports[11]}
EOF
  chmod 600 "$STACK_DIR/env"
}

load_env() { set -a; . "$STACK_DIR/env"; set +a; }

wait_for() {  # wait_for NAME COMMAND...: until COMMAND succeeds, or print the log and fail
  local name=$1; shift
  for _ in $(seq 150); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  echo "$name did not start; the end of its log:" >&2
  tail -n 30 "$STACK_DIR/logs/$name.log" >&2 || true
  exit 1
}

start_background() {  # start_background NAME COMMAND...
  local name=$1; shift
  if running "$name"; then return; fi
  nohup "$@" >"$STACK_DIR/logs/$name.log" 2>&1 &
  echo $! >"$(pidfile "$name")"
}

start_services() {  # PostgreSQL (an empty database), Redis and the object store (an empty bucket)
  bash scripts/need-debian.sh pg_ctlcluster:postgresql redis-server:redis-server
  make --no-print-directory test-deps >/dev/null
  make_env
  load_env
  local bindir; bindir=$(pg_bindir)
  if [ ! -f "$STACK_DIR/pg/PG_VERSION" ]; then
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$STACK_DIR/pg"
    as_pg "$bindir/initdb" -D "$STACK_DIR/pg" -U pmqa --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  if ! as_pg "$bindir/pg_ctl" -D "$STACK_DIR/pg" status >/dev/null 2>&1; then
    log "PostgreSQL on 127.0.0.1:$STACK_PG_PORT"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$STACK_DIR/logs" && touch "$STACK_DIR/logs/postgres.log" \
      && chown postgres "$STACK_DIR/logs/postgres.log"
    as_pg "$bindir/pg_ctl" -D "$STACK_DIR/pg" -l "$STACK_DIR/logs/postgres.log" -w \
      -o "-h 127.0.0.1 -p $STACK_PG_PORT -k /tmp -c max_connections=200" start >/dev/null \
      || { tail -n 30 "$STACK_DIR/logs/postgres.log" >&2; exit 1; }
    "$bindir/psql" -h 127.0.0.1 -p "$STACK_PG_PORT" -U pmqa -d postgres -Atc \
      "SELECT 1 FROM pg_database WHERE datname = 'pmqa'" | grep -q 1 \
      || "$bindir/createdb" -h 127.0.0.1 -p "$STACK_PG_PORT" -U pmqa pmqa
  fi
  log "Redis on 127.0.0.1:$STACK_REDIS_PORT"
  start_background redis redis-server --bind 127.0.0.1 --port "$STACK_REDIS_PORT" --dir "$STACK_DIR/redis" \
    --appendonly yes
  wait_for redis redis-cli -p "$STACK_REDIS_PORT" ping
  log "Object store (SeaweedFS S3 gateway) on 127.0.0.1:$STACK_S3_PORT"
  cat >"$STACK_DIR/s3.json" <<EOF
{"identities": [{"name": "pmqa", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID", "secretKey": "$AWS_SECRET_ACCESS_KEY"}],
  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
EOF
  chmod 600 "$STACK_DIR/s3.json"
  start_background s3 "$WEED" server -dir="$STACK_DIR/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -master.port="$STACK_MASTER_PORT" -master.port.grpc="$STACK_MASTER_GRPC_PORT" \
    -volume.port="$STACK_VOLUME_PORT" -volume.port.grpc="$STACK_VOLUME_GRPC_PORT" \
    -filer.port="$STACK_FILER_PORT" -filer.port.grpc="$STACK_FILER_GRPC_PORT" \
    -s3 -s3.port="$STACK_S3_PORT" -s3.port.grpc="$STACK_S3_GRPC_PORT" -s3.config="$STACK_DIR/s3.json" \
    -s3.port.iceberg=0 -s3.port.lance=0 -metricsPort=0 \
    -master.volumeSizeLimitMB=512 -volume.max=20
  wait_for s3 "$PY" -m pmqa_site.s3_bucket
}

start() {
  start_services
  log "Migrate, static files, registry, catalogue, demo accounts"
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py collectstatic --noinput -v0
  "$PY" manage.py load_offices >/dev/null
  "$PY" manage.py load_catalogue >/dev/null
  "$PY" manage.py load_profile_questions >/dev/null
  "$PY" manage.py demo_setup --accounts-file "$STACK_DIR/demo-accounts.json" >"$STACK_DIR/demo-accounts.txt"
  log "Stand-in KRS, gunicorn ($WORKERS workers), Celery worker and beat"
  start_background krs "$PY" manage.py run_krs_standin --port "$STACK_KRS_PORT"
  start_background web "$PY" -m gunicorn pmqa_site.wsgi:application --workers "$WORKERS" \
    --bind "127.0.0.1:$STACK_WEB_PORT" --timeout 60 --graceful-timeout 20
  start_background worker "$PY" -m celery -A pmqa_site worker --concurrency 2 --loglevel INFO \
    --hostname "pmqa@%h"
  start_background beat "$PY" -m celery -A pmqa_site beat --loglevel INFO \
    --schedule "$STACK_DIR/celerybeat-schedule"
  wait_for web curl -fsS "http://127.0.0.1:$STACK_WEB_PORT/healthz/"
  echo
  echo "The production stack answers on http://localhost:$STACK_WEB_PORT/"
  echo "Demo accounts (username / password): $STACK_DIR/demo-accounts.json"
  sed -n '/Demo accounts/,$p' "$STACK_DIR/demo-accounts.txt"
  echo "Readiness: http://localhost:$STACK_WEB_PORT/healthz/ready/   Logs: $STACK_DIR/logs/   Stop: make stack-stop"
}

stop() {
  [ -f "$STACK_DIR/env" ] || { echo "No stack under $STACK_DIR."; return; }
  load_env
  for name in beat worker web krs s3 redis; do
    if running "$name"; then
      kill "$(cat "$(pidfile "$name")")" 2>/dev/null || true
    fi
  done
  for name in beat worker web krs s3 redis; do
    for _ in $(seq 100); do running "$name" || break; sleep 0.2; done
    if running "$name"; then kill -9 "$(cat "$(pidfile "$name")")" 2>/dev/null || true; fi
    rm -f "$(pidfile "$name")"
  done
  local bindir; bindir=$(pg_bindir)
  as_pg "$bindir/pg_ctl" -D "$STACK_DIR/pg" -m fast stop >/dev/null 2>&1 || true
  # Nothing of the stack may survive: children included (gunicorn and Celery workers).
  local left
  left=$(pgrep -f -- "$STACK_DIR|127.0.0.1:$STACK_WEB_PORT|pmqa@" || true)
  if [ -n "$left" ]; then
    echo "Ending what is left: $left"
    kill -9 $left 2>/dev/null || true
  fi
  echo "The stack under $STACK_DIR is stopped."
}

status() {
  [ -f "$STACK_DIR/env" ] || { echo "No stack under $STACK_DIR."; return; }
  for name in redis s3 krs web worker beat; do
    if running "$name"; then echo "$name: running (pid $(cat "$(pidfile "$name")"))"; else echo "$name: stopped"; fi
  done
  as_pg "$(pg_bindir)/pg_ctl" -D "$STACK_DIR/pg" status >/dev/null 2>&1 && echo "postgres: running" || echo "postgres: stopped"
}

case "${1:-}" in
  start) start ;;
  start-empty) start_services; echo "Services of an empty stack under $STACK_DIR: restore into it, then start it." ;;
  stop) stop ;;
  status) status ;;
  env) cat "$STACK_DIR/env" ;;
  *) echo "usage: $0 start|start-empty|stop|status|env" >&2; exit 2 ;;
esac
