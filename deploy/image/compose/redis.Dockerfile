# A stand-in for Docker Hub's redis image, from Debian's redis-server (7.0), for running
# deploy/compose/compose.yaml where no image registry answers (deploy/image/compose-check.sh).
# Like the official image, it runs the Compose file's command (`redis-server --appendonly yes`)
# in /data, reachable from the other containers (protected mode off), with redis-cli for the
# health check.
ARG BASE=localhost/debian:bookworm
FROM ${BASE}
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data && chown redis:redis /data
WORKDIR /data
USER redis
EXPOSE 6379
# The official image's entrypoint turns protected mode off when no configuration file is given.
ENTRYPOINT ["/bin/sh", "-c", "exec \"$@\" --protected-mode no", "redis-entrypoint"]
CMD ["redis-server"]
