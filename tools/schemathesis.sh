#!/usr/bin/env bash
# Property-based checks of the JSON API against its own OpenAPI document (schemathesis, from
# PyPI): the real binary on a fresh demo database, every check, a fixed seed so CI is
# repeatable. Usage: tools/schemathesis.sh [path-to-kith-binary]
set -euo pipefail
bin=${1:-${CARGO_TARGET_DIR:-target}/debug/kith}
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install -q schemathesis
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Schema conformance, not throttling: searches are not limited here.
KITH_SEARCH_REQUESTS_PER_MINUTE=0 KITH_DATA_DIR="$dir" KITH_BIND="127.0.0.1:$port" RUST_LOG=warn "$bin" serve &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/api/v1/search?q=help" | grep -q '"total":[1-9]' && break
  sleep 0.2
done
schemathesis run "http://127.0.0.1:$port/api/openapi.json" --checks all --max-examples 100 --seed 20261126
