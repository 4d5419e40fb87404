# A Patchdesk team server: `patchdesk serve` on its own clone of a GitHub repository, with
# auto-promote on (README: "Running a team server").
#
#   docker build -t patchdesk-team .
#   docker run -d -p 8765:8765 -v patchdesk-data:/data \
#     -e PATCHDESK_REPOSITORY=owner/name -e GITHUB_TOKEN -e PATCHDESK_POD_TOKENS \
#     -e PATCHDESK_PUBLIC_URL=https://pods.example.com patchdesk-team

# Build: the `patchdesk` command only (crates/cli; `serve` is in it), not the desktop app.
FROM rust:1-bookworm AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends pkg-config libssl-dev libdbus-1-dev \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --locked --release -p patchdesk-cli \
  && install -m 0755 target/release/patchdesk /usr/local/bin/patchdesk

# Run: git (clone, fetch, push), certificates for https, and the libraries the command links.
FROM debian:12-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates libssl3 libdbus-1-3 \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --create-home --home-dir /home/patchdesk patchdesk \
  && mkdir -p /data && chown patchdesk:patchdesk /data
COPY --from=build /usr/local/bin/patchdesk /usr/local/bin/patchdesk
COPY scripts/team-server/entrypoint.sh /usr/local/bin/patchdesk-team-server
USER patchdesk
ENV PATCHDESK_VOLUME=/data \
  PATCHDESK_BIND=0.0.0.0:8765
# The clone and Patchdesk's settings (pod token hashes, the inbox) live here across restarts.
VOLUME ["/data"]
EXPOSE 8765
HEALTHCHECK --interval=30s --timeout=5s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8765 && printf 'GET /health HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '\"ok\":true' <&3"]
ENTRYPOINT ["/usr/local/bin/patchdesk-team-server"]
