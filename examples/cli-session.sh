#!/bin/sh
# The CLI session of the README, against `igor dev` (./igor dev in another terminal), run from the
# checkout's root.
# Every command exits 0 when it worked; see docs/client.md for the other exit codes.
set -e
export IGOR_URL=${IGOR_URL:-http://127.0.0.1:8100}

JOB=$(./igor submit examples/hello-job.json -o json | jq -r .id)   # create it (the API v1 create shape)
./igor watch "$JOB"                                           # progress bars until it ends; exit 0 if COMPLETED
./igor get job "$JOB"                                         # the whole job, layer by layer
./igor ls tasks --job "$JOB" --status completed --type echo   # lists take every filter of the API
./igor ls jobs --name hello --limit 5 -o json | jq -r '.[].status'

LATE=$(echo '{"name": "late", "layers": [{"tasks": [{"type": "sleep", "args": "NjA="}]}]}' | ./igor submit - -o json | jq -r .id)
./igor kill job "$LATE"                                       # updated 1
./igor retry job "$LATE"                                      # updated 1
./igor skip job "$LATE"                                       # updated 1
./igor audit "$LATE"                                          # kill, retry, skip with their times
./igor get job 00000000-0000-4000-8000-000000000000 || echo "exit $? (2: not found)"
