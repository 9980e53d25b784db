# Shared by deploy/image/check.sh and compose-check.sh (sourced): messages, ports, the job.
# The caller sets `who` (its name in messages) before sourcing.
started=$SECONDS
say() { echo "[$who +$((SECONDS - started))s] $*"; }
fail() { echo "[$who] FAILED: $*" >&2; exit 1; }
cannot() { echo "[$who] CANNOT RUN HERE: $*" >&2; exit 77; }
answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

# A port nothing listens on, from a range away from Igor's defaults and cluster.sh's.
free_port() {
  local port
  for _ in $(seq 50); do
    port=$((30000 + RANDOM % 20000))
    answers 127.0.0.1 "$port" || { echo "$port"; return; }
  done
  fail "no free port found"
}

# Waits until GET $1/readyz answers 200, for at most $2 seconds, while the command $3... succeeds
# (a check that the containers still run).
await_ready() {
  local url=$1 timeout=$2 waited
  shift 2
  for ((waited = 0; ; waited++)); do
    "$@" || fail "stopped before $url/readyz answered 200"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ] && return
    ((waited < timeout)) || fail "$url/readyz not 200 after ${timeout}s"
    sleep 1
  done
}

# Posts a job (echo and sleep, then noop) with token $3 to the API at $1, and waits until the API
# at $2 reads it COMPLETED, with the echo task's result its argument.
run_job() {
  local post=$1 read=$2 auth job job_id greeting result waited
  auth=(-H "Authorization: Bearer $3" -H 'Content-Type: application/json')
  greeting=$(printf 'hello from the image' | base64)
  job=$(curl -sf "${auth[@]}" -X POST "$post/api/v1/jobs" -d '{
    "name": "image check",
    "layers": [
      {"name": "first", "priority": 0, "tasks": [
        {"type": "echo", "name": "greet", "args": "'"$greeting"'"},
        {"type": "sleep", "args": "'"$(printf 1 | base64)"'"}]},
      {"name": "then", "priority": 10, "tasks": [{"type": "noop"}]}]}') \
    || fail "POST $post/api/v1/jobs did not succeed"
  job_id=$(jq -r .id <<<"$job")
  say "job $job_id posted to $post: $(jq -c '[.layers[].tasks[].status]' <<<"$job")"
  for ((waited = 0; ; waited++)); do
    job=$(curl -sf "${auth[@]}" "$read/api/v1/jobs/$job_id") || fail "GET $read/api/v1/jobs/..."
    [ "$(jq -r .status <<<"$job")" = COMPLETED ] && break
    ((waited < 120)) || fail "job not COMPLETED after 60 s: $(jq -c . <<<"$job")"
    sleep 0.5
  done
  result=$(jq -r '.layers[].tasks[] | select(.name == "greet") | .result' <<<"$job")
  [ "$result" = "$greeting" ] || fail "the echo task's result is '$result', not its argument"
  say "job COMPLETED (read from $read):" \
    "$(jq -c '[.layers[].tasks[] | {type, status, attempts}]' <<<"$job")"
}
