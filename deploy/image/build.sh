#!/usr/bin/env bash
# Builds Igor's image with podman, from deploy/Dockerfile, on a machine that reaches no image
# registry but reaches a Debian mirror (as Igor's build machine):
#   1. the jar: mvn -q -B package -DskipTests (target/igor.jar and target/lib);
#   2. the base image localhost/debian:bookworm, unless it exists: Debian 12 (minbase) made by
#      mmdebstrap from the mirrors this machine's apt uses, imported into podman;
#   3. podman build --network host (the Dockerfile's apt-get reaches the mirror through the host),
#      tagged localhost/igor:dev.
# deploy/image/check.sh then runs it. Needs root, podman, runc and mmdebstrap (Debian: apt-get
# install podman runc mmdebstrap); podman reads deploy/image/containers.conf (runc, ulimits).
#
# Settings (environment): IMAGE (localhost/igor:dev); BASE (localhost/debian:bookworm: made here if
# missing; give any Debian 12 image where a registry answers, e.g. docker.io/library/debian:
# bookworm-slim); REMAKE_BASE=yes makes the base again; CONTAINERS_CONF (deploy/image/
# containers.conf).
# Exit status: 0 built; 1 failed; 77 cannot build here (no podman or mmdebstrap, not root, no
# Debian mirror, or podman cannot start a container on this machine).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.."

image="${IMAGE:-localhost/igor:dev}"
base="${BASE:-localhost/debian:bookworm}"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$here/containers.conf}"

started=$SECONDS
step_started=$SECONDS
say() { echo "[image build +$((SECONDS - started))s] $*"; }
took() { say "$* ($((SECONDS - step_started)) s)"; step_started=$SECONDS; }
cannot() { echo "[image build] CANNOT BUILD HERE: $*" >&2; exit 77; }

[ "$(id -u)" = 0 ] || cannot "podman runs rootful here: run as root"
command -v podman >/dev/null || cannot "no podman (apt-get install podman runc mmdebstrap)"
command -v runc >/dev/null || cannot "no runc (apt-get install runc)"
command -v mvn >/dev/null || cannot "no mvn"
if ! out=$(podman info 2>&1 >/dev/null); then
  cannot "podman does not work here ($CONTAINERS_CONF): $out"
fi

mvn -q -B package -DskipTests
took "jar built: target/igor.jar and target/lib"

if [ "$base" = localhost/debian:bookworm ] \
  && { [ "${REMAKE_BASE:-no}" = yes ] || ! podman image exists "$base"; }; then
  command -v mmdebstrap >/dev/null || cannot "no mmdebstrap (apt-get install mmdebstrap)"
  # The mirrors this machine's apt uses for bookworm (main, updates, security), as apt sees them.
  mapfile -t sources < <(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' \
    'Created-By: Packages' | awk '$2 ~ /^bookworm(-updates|-security)?$/ {
      print "deb " $1 " " $2 " main" }' | sort -u)
  ((${#sources[@]})) || cannot "apt knows no Debian 12 (bookworm) mirror (/etc/apt/sources.list*)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  say "making $base with mmdebstrap from: ${sources[*]}"
  mmdebstrap --quiet --variant=minbase bookworm "$work/rootfs.tar" "${sources[@]}" \
    || cannot "mmdebstrap could not make Debian 12 from ${sources[*]}"
  podman import --quiet "$work/rootfs.tar" "$base" >/dev/null
  rm -rf "$work"
  took "base image $base made"
fi

# Whether this machine lets podman start a container at all, apart from Igor's Dockerfile.
if ! out=$(podman run --rm --network host "$base" true 2>&1 | tr -d '\0'; exit "${PIPESTATUS[0]}")
then
  cannot "podman cannot start a container from $base here: $out"
fi

podman build --quiet --network host --build-arg "BASE=$base" -f deploy/Dockerfile \
  --ignorefile deploy/Dockerfile.dockerignore -t "$image" . >/dev/null
took "image $image built from deploy/Dockerfile"
say "$(podman image inspect -f '{{.Id}}' "$image" | cut -c1-12):" \
  "$(($(podman image inspect -f '{{.Size}}' "$image") / 1000000)) MB"
