# syntax=docker/dockerfile:1
# Kith's container image:   docker build -t kith .
# Built in the Rust image; run as a non-root user in slim Debian holding only what the binary
# needs: the C library and libgcc (in every Debian image) and CA certificates (for mail relays,
# PostgreSQL and S3 over TLS). Pages' CSS, scripts, fonts and the postcode areas are inside
# the binary. `.ci/run` lints this file and rebuilds the runtime stage's contents without a
# container engine (deploy/container/check). README: "The container".

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=bookworm

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS build
WORKDIR /src
COPY . .
# The registry and target caches speed up rebuilds; the binary is copied out of them.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked --bin kith \
    && install -D -m 0755 target/release/kith /out/kith

FROM debian:${DEBIAN_RELEASE}-slim
# Versions are Debian's current ones for the release: rebuild the image for security updates.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --user-group --uid 10001 --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin kith \
    && install -d -o kith -g kith -m 0700 /data
COPY --from=build /out/kith /usr/local/bin/kith

# The embedded database, search index, session key and (unless they are in a bucket)
# uploaded files live in /data: keep it on a volume. With PostgreSQL and S3 it holds only
# this instance's search index, which is rebuilt from the database when missing.
ENV KITH_DATA_DIR=/data \
    KITH_BIND=0.0.0.0:8080 \
    KITH_LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080
USER 10001:10001

# Ready: the database and file store answer and the search index has caught up. A first
# start on a large directory builds the index, which can take minutes.
HEALTHCHECK --interval=15s --timeout=6s --start-period=3m --retries=3 CMD ["kith", "probe"]
# SIGTERM stops it cleanly: requests in flight and background writes finish (up to 35 s, so
# give `docker stop` a longer timeout than its default 10 s: `stop_grace_period` in compose).
STOPSIGNAL SIGTERM
ENTRYPOINT ["kith"]
CMD ["serve"]
