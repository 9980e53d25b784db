#!/usr/bin/env bash
# Igor nodes on 127.0.0.1 from the built jar, against real PostgreSQL and Redis.
#
#   deploy/local/cluster.sh start [N]     start N nodes (default 3), wait until each is ready
#   deploy/local/cluster.sh stop          SIGTERM every node (graceful leave), wait for them
#   deploy/local/cluster.sh kill I        SIGKILL node I (1..N): a crash
#   deploy/local/cluster.sh restart I     start node I again
#   deploy/local/cluster.sh status        each node's pid and /readyz
#
# Node I listens for HTTP on 8100+I and for the cluster on 25520+I; every node lists the first
# three as seeds. Logs and pids go to IGOR_CLUSTER_DIR (default ./target/local-cluster):
# node-I.log and node-I.pid. PostgreSQL and Redis are IGOR_DATABASE_URL (and _USER, _PASSWORD)
# and IGOR_REDIS_URL, by default the machine's own (jdbc:postgresql://127.0.0.1:5432/igor, user
# postgres; redis://127.0.0.1:6379). Build first: mvn -q -B package -DskipTests.
# IGOR_NODE_ROLES (default api,jobs,worker here, so that tasks of the built-in types run) applies
# to every node. The API is open (IGOR_AUTH_ALLOW_OPEN=true, as under `igor dev`: it listens on
# 127.0.0.1 only) unless IGOR_AUTH_TOKENS or IGOR_AUTH_TOKENS_FILE is set; then give the
# in-process workers a write token in IGOR_API_TOKEN so their handlers can add tasks.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="${IGOR_CLUSTER_DIR:-$root/target/local-cluster}"
http_base=8100
cluster_base=25520

export IGOR_DATABASE_URL="${IGOR_DATABASE_URL:-jdbc:postgresql://127.0.0.1:5432/igor}"
export IGOR_DATABASE_USER="${IGOR_DATABASE_USER:-postgres}"
export IGOR_REDIS_URL="${IGOR_REDIS_URL:-redis://127.0.0.1:6379}"
export IGOR_NODE_ROLES="${IGOR_NODE_ROLES:-api,jobs,worker}"
export IGOR_JAVA_OPTS="${IGOR_JAVA_OPTS:--Xmx512m}"
if [ -z "${IGOR_AUTH_TOKENS:-}" ] && [ -z "${IGOR_AUTH_TOKENS_FILE:-}" ]; then
  export IGOR_AUTH_ALLOW_OPEN="${IGOR_AUTH_ALLOW_OPEN:-true}"
fi

# Whether the process runs (a killed one not yet reaped by its parent is a zombie: not running).
alive() { ps -o stat= -p "$1" 2>/dev/null | grep -qv Z; }

seeds() {
  local n=$1 list="" i
  for ((i = 1; i <= (n < 3 ? n : 3); i++)); do
    list+="${list:+,}127.0.0.1:$((cluster_base + i))"
  done
  echo "$list"
}

start_node() {
  local i=$1 n=$2
  if [ -f "$dir/node-$i.pid" ] && alive "$(cat "$dir/node-$i.pid")"; then
    echo "node $i already runs (pid $(cat "$dir/node-$i.pid"))"
    return
  fi
  IGOR_HTTP_PORT=$((http_base + i)) IGOR_CLUSTER_PORT=$((cluster_base + i)) \
    IGOR_SEED_NODES="$(seeds "$n")" \
    nohup "$root/igor" server >"$dir/node-$i.log" 2>&1 &
  echo $! >"$dir/node-$i.pid"
  echo "node $i: pid $! http=http://127.0.0.1:$((http_base + i)) cluster=127.0.0.1:$((cluster_base + i)) log=$dir/node-$i.log"
}

await_ready() {
  local i=$1 deadline=$((SECONDS + 90))
  until curl -fsS "http://127.0.0.1:$((http_base + i))/readyz" >/dev/null 2>&1; do
    if ((SECONDS > deadline)); then
      echo "node $i not ready after 90 s; see $dir/node-$i.log" >&2
      return 1
    fi
    alive "$(cat "$dir/node-$i.pid")" || { echo "node $i exited; see $dir/node-$i.log" >&2; return 1; }
    sleep 1
  done
  echo "node $i ready"
}

nodes() { ls "$dir"/node-*.pid 2>/dev/null | sed 's/.*node-\([0-9]*\)\.pid/\1/' | sort -n; }

case "${1:-}" in
  start)
    n="${2:-3}"
    [ -f "$root/target/igor.jar" ] || { echo "build first: mvn -q -B package -DskipTests" >&2; exit 1; }
    mkdir -p "$dir"
    echo "$n" >"$dir/size"
    start_node 1 "$n"
    await_ready 1
    for ((i = 2; i <= n; i++)); do start_node "$i" "$n"; done
    for ((i = 2; i <= n; i++)); do await_ready "$i"; done
    ;;
  stop)
    for i in $(nodes); do
      pid="$(cat "$dir/node-$i.pid")"
      kill -TERM "$pid" 2>/dev/null && echo "node $i: SIGTERM" || true
    done
    for i in $(nodes); do
      pid="$(cat "$dir/node-$i.pid")"
      while alive "$pid"; do sleep 0.2; done
      rm -f "$dir/node-$i.pid"
    done
    echo "stopped"
    ;;
  kill)
    i="${2:?node number}"
    pid="$(cat "$dir/node-$i.pid")"
    kill -KILL "$pid" && echo "node $i: SIGKILL"
    # The signal is delivered asynchronously: wait, so that `status` right after says gone.
    while alive "$pid"; do sleep 0.1; done
    ;;
  restart)
    i="${2:?node number}"
    start_node "$i" "$(cat "$dir/size")"
    await_ready "$i"
    ;;
  status)
    for i in $(nodes); do
      pid="$(cat "$dir/node-$i.pid")"
      state=$(alive "$pid" && echo running || echo gone)
      ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((http_base + i))/readyz" || true)
      echo "node $i: pid $pid $state readyz=$ready"
    done
    ;;
  *)
    # The comment at the top of this file.
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
    ;;
esac
