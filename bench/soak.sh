#!/usr/bin/env bash
# The soak of docs/BENCHMARKS.md: 30 minutes of steady mixed traffic (jobs submitted at 410 tasks/s,
# half the many-jobs throughput of igor bench; pause/unpause and kill/retry every second; lists and single jobs
# four times a second; three clients following the event stream) against a throw-away Igor on the
# configured PostgreSQL and Redis (IGOR_DATABASE_URL, IGOR_REDIS_URL; the machine's own by default).
# Prints heap after GC and latencies per minute, then the verdict; exits 1 when heap or latency
# grew, a job did not finish, a request failed or load had to be shed.
#
#   bench/soak.sh                                  # 3 minutes of warm-up, then 30 measured
#   bench/soak.sh --duration 5m --rate 300 --window 30s
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ ! -f "$root/target/igor.jar" ]; then
  (cd "$root" && mvn -q -B package -DskipTests)
fi
exec "$root/igor" soak "$@"
