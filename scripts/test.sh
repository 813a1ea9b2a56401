#!/usr/bin/env bash
# The whole test suite, as `make test` runs it (and .ci/run calls `make test`).
#
# 1. Makes sure the system packages the tests use are there: PostgreSQL, Redis, Chromium,
#    Thai fonts, WeasyPrint's Pango/HarfBuzz and poppler-utils. As root it installs them from Debian; otherwise it names what is
#    missing and stops.
# 2. Starts a throw-away PostgreSQL and Redis on loopback for this run only.
# 3. Runs the suite against SQLite (the embedded default), then against PostgreSQL +
#    Redis, with the Celery round trip and the browser tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3.11}

log() { printf '\n== %s\n' "$*"; }

pg_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

missing=()
[ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
[ -x /usr/bin/chromium ] || missing+=(chromium)
# grep -c reads all of its input: grep -q would close the pipe early and fail under pipefail.
[ "$(fc-list 2>/dev/null | grep -ci -E 'garuda|loma|kinnari|tlwg' || true)" -gt 0 ] || missing+=(fonts-thai-tlwg)
# The report book: WeasyPrint's libraries (as its documentation lists them for Debian) and
# poppler-utils (pdftotext, pdffonts, pdftoppm) that the book's tests read it back with.
for lib in libpango-1.0-0:libpango-1.0.so.0 libpangoft2-1.0-0:libpangoft2-1.0.so.0 \
  libharfbuzz-subset0:libharfbuzz-subset.so.0; do
  [ "$(ldconfig -p 2>/dev/null | grep -c "${lib#*:}" || true)" -gt 0 ] || missing+=("${lib%%:*}")
done
command -v pdftotext >/dev/null && command -v pdffonts >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "Installing from Debian: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" fontconfig >/dev/null
  else
    echo "Missing system packages: ${missing[*]}" >&2
    echo "Install them with: sudo apt-get install ${missing[*]}   (or run make test as root)" >&2
    exit 1
  fi
fi
command -v "$PYTHON" >/dev/null || { echo "Python 3.11 ($PYTHON) is required" >&2; exit 1; }

log "Python packages"
make --no-print-directory test-deps PYTHON="$PYTHON"
PY="$ROOT/.venv/bin/python"

RUN_DIR=$(mktemp -d /tmp/pmqa-test.XXXXXX)
chmod 755 "$RUN_DIR"
# Free ports unless given: several checkouts (or CI jobs) may run the suite at once.
read -r PG_FREE REDIS_FREE <<<"$("$PY" -c 'import socket
held = [socket.socket() for _ in range(2)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))')"
PG_PORT=${PG_PORT:-$PG_FREE}
REDIS_PORT=${REDIS_PORT:-$REDIS_FREE}
PG_DATA="$RUN_DIR/pg"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  as_pg "$(pg_bindir)/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${REDIS_PID:-}" ] && kill "$REDIS_PID" 2>/dev/null || true
  [ -n "${S3_PID:-}" ] && kill "$S3_PID" 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

log "PostgreSQL on 127.0.0.1:$PG_PORT"
mkdir -p "$PG_DATA"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DATA" "$RUN_DIR"
as_pg "$(pg_bindir)/initdb" -D "$PG_DATA" -U pmqa --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$(pg_bindir)/pg_ctl" -D "$PG_DATA" -l "$RUN_DIR/pg.log" -w \
  -o "-h 127.0.0.1 -p $PG_PORT -k $RUN_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
  || { echo "PostgreSQL did not start; the end of its log:" >&2; tail -n 30 "$RUN_DIR/pg.log" >&2; exit 1; }
"$(pg_bindir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U pmqa -d postgres -Atc "select version()"

log "Redis on 127.0.0.1:$REDIS_PORT"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no --daemonize no \
  --dir "$RUN_DIR" >"$RUN_DIR/redis.log" 2>&1 &
REDIS_PID=$!
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 \
  || { echo "Redis did not start; the end of its log:" >&2; tail -n 30 "$RUN_DIR/redis.log" >&2; exit 1; }
redis-cli -p "$REDIS_PORT" info server | grep redis_version

log "Object store (SeaweedFS S3 gateway) for run 2"
read -r -a ports <<<"$("$PY" -c 'import socket
held = [socket.socket() for _ in range(8)]
for s in held: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in held))')"
S3_PORT=${ports[7]}
S3_KEY="test$("$PY" -c 'import secrets; print(secrets.token_hex(6))')"
S3_SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(24))')
printf '{"identities": [{"name": "pmqa", "credentials": [{"accessKey": "%s", "secretKey": "%s"}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}\n' \
  "$S3_KEY" "$S3_SECRET" >"$RUN_DIR/s3.json"
mkdir -p "$RUN_DIR/s3"
"$ROOT/.venv/bin/weed" server -dir="$RUN_DIR/s3" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
  -master.port="${ports[0]}" -master.port.grpc="${ports[1]}" -volume.port="${ports[2]}" \
  -volume.port.grpc="${ports[3]}" -filer.port="${ports[4]}" -filer.port.grpc="${ports[5]}" \
  -s3 -s3.port="$S3_PORT" -s3.port.grpc="${ports[6]}" -s3.config="$RUN_DIR/s3.json" \
  -s3.port.iceberg=0 -s3.port.lance=0 -metricsPort=0 \
  -master.volumeSizeLimitMB=256 -volume.max=20 >"$RUN_DIR/s3.log" 2>&1 &
S3_PID=$!
S3_ENV="AWS_STORAGE_BUCKET_NAME=pmqa-test AWS_S3_ENDPOINT_URL=http://127.0.0.1:$S3_PORT AWS_S3_REGION_NAME=us-east-1 AWS_ACCESS_KEY_ID=$S3_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET"
for _ in $(seq 150); do env $S3_ENV "$PY" -m pmqa_site.s3_bucket >/dev/null 2>&1 && break; sleep 0.2; done
env $S3_ENV "$PY" -m pmqa_site.s3_bucket \
  || { echo "The object store did not start; the end of its log:" >&2; tail -n 30 "$RUN_DIR/s3.log" >&2; exit 1; }

export DJANGO_SETTINGS_MODULE=pmqa_site.settings.test
export MEDIA_ROOT="$RUN_DIR/media"

log "Import layers (README, Architecture): an upward import or a cycle fails here"
"$ROOT/.venv/bin/lint-imports"

log "Run 1 of 2: SQLite (the embedded default)"
env -u DATABASE_URL -u CELERY_BROKER_URL -u REDIS_URL \
  "$PY" -m pytest -q -p no:cacheprovider -m "not browser and not redis and not stack and not postgresql" "$@"

log "Run 2 of 2: PostgreSQL + Redis + the object store, Celery worker round trip, the production stack, browser tests in headless Chromium"
# Verbose, so the log names the PostgreSQL run's Celery round trip and browser journeys.
# Files (evidence, pictures) go to the S3-compatible store, as in production.
env $S3_ENV STORAGE_BACKEND=s3 \
DATABASE_URL="postgres://pmqa@127.0.0.1:$PG_PORT/pmqa" \
REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" \
  "$PY" -m pytest -v -p no:cacheprovider "$@"
