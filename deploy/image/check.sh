#!/usr/bin/env bash
# Runs Igor's image (deploy/image/build.sh builds it) against this machine's PostgreSQL and Redis,
# in two containers on the host's network, as a deployment runs it: `igor server` (roles api,jobs)
# and `igor worker`. It checks that the node answers /readyz, runs as uid 10001, runs a job posted
# over HTTP to COMPLETED on the worker (an echo task's result is its argument), and that both stop
# on SIGTERM within their grace, the node leaving its cluster (the coordinated shutdown).
#
# The node gets a database of its own (igor_image_check_<pid>, dropped after) and a Redis key prefix
# of its own (igor-image-check-<pid>, its keys deleted after), and ports that nothing listens on.
#
# Settings (environment): IMAGE (localhost/igor:dev); PGHOST, PGPORT, PGUSER, PGPASSWORD for
# PostgreSQL (127.0.0.1, 5432, postgres, none: this user creates and drops the database);
# REDIS_HOST, REDIS_PORT (127.0.0.1, 6379); READY_TIMEOUT (180 s: the node's start on 2 busy
# cores); CONTAINERS_CONF (deploy/image/containers.conf).
# Exit status: 0 passed; 1 failed; 77 cannot run here (no podman, or PostgreSQL or Redis missing).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."

image="${IMAGE:-localhost/igor:dev}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
redis_host="${REDIS_HOST:-127.0.0.1}"
redis_port="${REDIS_PORT:-6379}"
ready_timeout="${READY_TIMEOUT:-180}"

who="image check"
# shellcheck source=deploy/image/lib.sh
source "$here/lib.sh"

for tool in podman psql redis-cli curl jq; do
  command -v "$tool" >/dev/null || cannot "$tool is not installed"
done
podman image exists "$image" || cannot "no image $image: run deploy/image/build.sh first"
answers "$PGHOST" "$PGPORT" || cannot "no PostgreSQL answers at $PGHOST:$PGPORT"
answers "$redis_host" "$redis_port" || cannot "no Redis answers at $redis_host:$redis_port"

id=$$
database="igor_image_check_$id"
prefix="igor-image-check-$id"
server="igor-check-server-$id"
worker="igor-check-worker-$id"
http_port=$(free_port)
cluster_port=$(free_port)
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
api="http://127.0.0.1:$http_port"
rcli() { redis-cli -h "$redis_host" -p "$redis_port" "$@"; }

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    for container in "$server" "$worker"; do
      if podman container exists "$container"; then
        echo "[image check] last lines of $container:" >&2
        podman logs --tail 40 "$container" 2>&1 | sed 's/^/  /' >&2 || true
      fi
    done
  fi
  podman rm -f -t 5 "$server" "$worker" >/dev/null 2>&1 || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
  rcli --scan --pattern "$prefix:*" | xargs -r -n 100 redis-cli -h "$redis_host" -p "$redis_port" \
    del >/dev/null || true
  exit "$status"
}
trap cleanup EXIT

psql -q -d postgres -c "CREATE DATABASE $database" || fail "could not create database $database"
say "database $database, Redis prefix $prefix, HTTP port $http_port, cluster port $cluster_port"

# The settings a node needs (docs/operations.md), as a deployment gives them.
node_env=(
  -e "IGOR_DATABASE_URL=jdbc:postgresql://$PGHOST:$PGPORT/$database"
  -e "IGOR_DATABASE_USER=$PGUSER"
  -e "IGOR_DATABASE_PASSWORD=${PGPASSWORD:-}"
  -e "IGOR_REDIS_URL=redis://$redis_host:$redis_port"
  -e "IGOR_REDIS_KEY_PREFIX=$prefix"
  -e "IGOR_HTTP_HOST=127.0.0.1"
  -e "IGOR_HTTP_PORT=$http_port"
  -e "IGOR_CLUSTER_HOST=127.0.0.1"
  -e "IGOR_CLUSTER_PORT=$cluster_port"
  -e "IGOR_SEED_NODES=127.0.0.1:$cluster_port"
  -e "IGOR_NODE_ROLES=api,jobs"
  -e "IGOR_AUTH_TOKENS=check:$token:admin"
  -e "IGOR_JAVA_OPTS=-Xmx512m -XX:+ExitOnOutOfMemoryError"
)
worker_env=(
  -e "IGOR_REDIS_URL=redis://$redis_host:$redis_port"
  -e "IGOR_REDIS_KEY_PREFIX=$prefix"
  -e "IGOR_API_URL=$api"
  -e "IGOR_API_TOKEN=$token"
  -e "IGOR_WORKER_CONCURRENCY=4"
  -e "IGOR_JAVA_OPTS=-Xmx256m -XX:+ExitOnOutOfMemoryError"
)
podman run -d --name "$server" --network host "${node_env[@]}" "$image" server >/dev/null
podman run -d --name "$worker" --network host "${worker_env[@]}" "$image" worker >/dev/null
say "started $server (igor server) and $worker (igor worker) from $image"

running() { [ "$(podman inspect -f '{{.State.Running}}' "$1")" = true ]; }
both_running() { running "$server" && running "$worker"; }
await_ready "$api" "$ready_timeout" both_running
say "/readyz answers 200"

[ "$(podman exec "$server" id -u)" = 10001 ] || fail "the node does not run as uid 10001"
curl -s -o /dev/null -w '%{http_code}' "$api/api/v1/jobs" | grep -qx 401 \
  || fail "the API answers without a token"

run_job "$api" "$api" "$token"

# SIGTERM with the grace the manifests give (workers 30 s, nodes 60 s). The JVM runs Igor's
# shutdown hooks and then exits with 143 (128 + SIGTERM); 137 would mean podman had to SIGKILL it.
stop_started=$SECONDS
podman stop -t 30 "$worker" >/dev/null
podman stop -t 60 "$server" >/dev/null
for container in "$worker" "$server"; do
  code=$(podman inspect -f '{{.State.ExitCode}}' "$container")
  [ "$code" = 143 ] || fail "$container exited with $code on SIGTERM, not 143 (its shutdown hooks)"
done
server_log=$(podman logs "$server" 2>&1)
grep -q 'Exiting completed' <<<"$server_log" \
  || fail "the node did not leave its cluster on SIGTERM (no 'Exiting completed' in its log)"
say "both stopped on SIGTERM within their grace (exit 143), the node left its cluster:" \
  "$((SECONDS - stop_started)) s"
errors=$(grep ' ERROR ' <<<"$server_log$(podman logs "$worker" 2>&1)" || true)
if [ -n "$errors" ]; then
  echo "[image check] note: ERROR lines in the logs (not a failure of this check):" >&2
  head -5 <<<"$errors" >&2
fi
say "PASSED"
