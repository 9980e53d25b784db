# A stand-in for Docker Hub's postgres image, from Debian's postgresql-15, for running
# deploy/compose/compose.yaml where no image registry answers (deploy/image/compose-check.sh).
# It does what the Compose file asks of postgres:17: POSTGRES_USER (a superuser), POSTGRES_PASSWORD
# and POSTGRES_DB made on the first start, data in /var/lib/postgresql/data, pg_isready, password
# logins from the other containers.
ARG BASE=localhost/debian:bookworm
FROM ${BASE}
# The package's own cluster is not needed: the entrypoint makes one in PGDATA.
RUN mkdir -p /etc/postgresql-common/createcluster.d \
 && echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/no-main.conf \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/*
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
EXPOSE 5432
STOPSIGNAL SIGINT
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
