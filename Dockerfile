# syntax=docker/dockerfile:1
#
# Maeum in a container: `maeum run` with the emotion model and ONNX Runtime
# inside, as a non-root user. Three stages:
#   builder      the release binary (Rust, Debian trixie)
#   onnxruntime  libonnxruntime from PyPI's onnxruntime wheel, by scripts/setup
#                (ONNX Runtime has no Debian package; nothing downloads at run time)
#   runtime      Debian trixie slim: the binary, the library, the model
#
# Build:  docker build -t maeum .
# Check on a host without Docker: scripts/check-dockerfile (docs/deploy.md).

ARG RUST_VERSION=1.95
ARG DEBIAN_RELEASE=trixie

FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY benches benches
COPY config config
COPY migrations migrations
COPY src src
RUN cargo build --release --locked --bin maeum \
    && cp target/release/maeum /src/maeum

FROM python:3.12-slim-${DEBIAN_RELEASE} AS onnxruntime
WORKDIR /src
COPY scripts/setup scripts/setup
RUN scripts/setup

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates libssl3t64 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin maeum
WORKDIR /app
COPY --from=builder /src/maeum /usr/local/bin/maeum
COPY --from=onnxruntime /src/runtime/ runtime/
COPY model/model.onnx model/tokenizer.json model/config.json model/neutral.json model/ngram.bin model/crisis_ngram.bin model/
# SQLite and the opt-out marker key live here when DATABASE_URL / MAEUM_MARKER_KEY
# are not set: mount a volume on it.
RUN mkdir -p data && chown maeum:maeum data
USER 10001:10001
# Adapters are enabled by the deployment (MAEUM__HTTP__ENABLED=true and
# MAEUM_HTTP_TOKEN, TELEGRAM_*, DISCORD_*), so `maeum classify` etc. run as is.
ENV MAEUM__LOG__FORMAT=json \
    MAEUM__HTTP__LISTEN=0.0.0.0:8080
EXPOSE 8080 8443
ENTRYPOINT ["/usr/local/bin/maeum"]
CMD ["run"]
