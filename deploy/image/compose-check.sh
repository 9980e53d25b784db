#!/usr/bin/env bash
# Runs deploy/compose/compose.yaml's topology with podman-compose: PostgreSQL, Redis, three nodes
# that form one cluster, two workers, on a network of their own. Docker Hub's postgres and redis
# images cannot be pulled where no registry answers: compose/podman.yaml swaps in stand-ins built
# here from Debian's packages (compose/*.Dockerfile); Igor's image is deploy/image/build.sh's.
# It checks that every node answers /readyz on its published port, that the Compose file's health
# checks pass, that node 1 sees three Up members, that a job posted to node 1 runs on the workers
# to COMPLETED as read from node 3, and that `stop` ends every container within its grace (the
# JVMs with 143: their shutdown hooks ran).
# Everything it made is removed after (`down` with the volumes); the images stay.
#
# Settings (environment): IMAGE (localhost/igor:dev: the Compose file's igor:dev), BASE (the
# stand-ins' base, localhost/debian:bookworm), READY_TIMEOUT (300 s: three JVMs starting at once
# on 2 busy cores), CONTAINERS_CONF (deploy/image/containers.conf).
# Exit status: 0 passed; 1 failed; 77 cannot run here (no podman-compose, no image).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."

image="${IMAGE:-localhost/igor:dev}"
base="${BASE:-localhost/debian:bookworm}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"
ready_timeout="${READY_TIMEOUT:-300}"

who="compose check"
# shellcheck source=deploy/image/lib.sh
source "$here/lib.sh"

for tool in podman podman-compose curl jq; do
  command -v "$tool" >/dev/null || cannot "$tool is not installed"
done
podman image exists "$image" || cannot "no image $image: run deploy/image/build.sh first"
podman image exists "$base" || cannot "no base image $base: run deploy/image/build.sh first"
[ "$image" = localhost/igor:dev ] || podman tag "$image" localhost/igor:dev

step_started=$SECONDS
for standin in postgres:15 redis:7; do
  podman build --quiet --network host --build-arg "BASE=$base" \
    -f "$here/compose/${standin%%:*}.Dockerfile" -t "localhost/igor-compose-$standin" \
    "$here/compose" >/dev/null
done
say "stand-ins for postgres and redis built from Debian's packages ($((SECONDS - step_started)) s)"

project="igor-compose-check-$$"
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export IGOR_AUTH_TOKENS="check:$token:admin" IGOR_API_TOKEN="$token"
export IGOR_COMPOSE_PORT_1 IGOR_COMPOSE_PORT_2 IGOR_COMPOSE_PORT_3
IGOR_COMPOSE_PORT_1=$(free_port)
IGOR_COMPOSE_PORT_2=$(free_port)
IGOR_COMPOSE_PORT_3=$(free_port)
nodes=("http://127.0.0.1:$IGOR_COMPOSE_PORT_1" "http://127.0.0.1:$IGOR_COMPOSE_PORT_2"
  "http://127.0.0.1:$IGOR_COMPOSE_PORT_3")
compose=(podman-compose --project-name "$project" -f deploy/compose/compose.yaml
  -f "$here/compose/podman.yaml")
log=$(mktemp)

containers() {
  podman ps -a --filter "label=io.podman.compose.project=$project" --format '{{.Names}}'
}
cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "[$who] podman-compose said:" >&2
    tail -20 "$log" | sed 's/^/  /' >&2
    for container in $(containers); do
      echo "[$who] last lines of $container:" >&2
      podman logs --tail 15 "$container" 2>&1 | sed 's/^/  /' >&2 || true
    done
  fi
  "${compose[@]}" down -v >/dev/null 2>&1 || true
  # podman-compose 1.0.3's down leaves the project's network.
  podman network rm -f "${project}_default" >/dev/null 2>&1 || true
  rm -f "$log"
  exit "$status"
}
trap cleanup EXIT

step_started=$SECONDS
"${compose[@]}" up -d >"$log" 2>&1 || fail "podman-compose up failed"
say "podman-compose up: $(containers | tr '\n' ' ')($((SECONDS - step_started)) s)"
[ "$(containers | wc -l)" = 7 ] || fail "not 7 containers (postgres, redis, 3 nodes, 2 workers)"

all_running() {
  local container
  for container in $(containers); do
    [ "$(podman inspect -f '{{.State.Running}}' "$container")" = true ] || return 1
  done
}
for node in "${nodes[@]}"; do
  await_ready "$node" "$ready_timeout" all_running
  say "$node/readyz answers 200"
done

# podman runs health checks from systemd timers, and there is no systemd here: run each once.
for container in $(containers); do
  case "$container" in *worker*) continue ;; esac
  health=$(podman healthcheck run "$container" 2>&1) \
    || fail "the Compose file's health check of $container says: ${health:-unhealthy}"
done
say "the Compose file's health checks pass (postgres, redis, igor-1 to igor-3)"

# Members join one after the other: wait until node 1 sees all three Up.
up_members='[(if type == "array" then . else .members end)[] | select(.status == "Up")]'
for ((waited = 0; ; waited++)); do
  members=$(curl -s -w '\n%{http_code}' -H "Authorization: Bearer $token" \
    "${nodes[0]}/api/v1/cluster")
  if [ "$(tail -1 <<<"$members")" = 200 ]; then
    members=$(sed '$d' <<<"$members")
    [ "$(jq "$up_members | length" <<<"$members")" = 3 ] && break
  fi
  ((waited < 120)) || fail "node 1 does not see 3 Up members after 120 s: $members"
  sleep 1
done
say "node 1 sees 3 Up members: $(jq -c "$up_members | map(.address)" <<<"$members")"

run_job "${nodes[0]}" "${nodes[2]}" "$token"

# podman-compose 1.0.3 ignores stop_grace_period (podman's 10 s would SIGKILL a node that is still
# handing its jobs over): give every container the longest grace of the Compose file.
step_started=$SECONDS
"${compose[@]}" stop -t 60 >>"$log" 2>&1 || fail "podman-compose stop failed"
for container in $(containers); do
  code=$(podman inspect -f '{{.State.ExitCode}}' "$container")
  case "$container" in
    *postgres* | *redis*) [ "$code" = 0 ] || fail "$container exited with $code on stop, not 0" ;;
    *) [ "$code" = 143 ] || fail "$container exited with $code on SIGTERM, not 143" ;;
  esac
done
say "podman-compose stop: every container ended within its grace ($((SECONDS - step_started)) s)"
say "PASSED"
