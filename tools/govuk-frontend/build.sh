#!/usr/bin/env bash
# Rebuilds static/govuk/ from the govuk-frontend npm package with Arial (never GDS Transport,
# which is reserved for GOV.UK) and assets under /static/govuk/. Run by hand when upgrading;
# the output is committed so that building Kith needs no Node.js.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../static/govuk"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/kith.scss" "$work/"
cd "$work"
npm install --no-audit --no-fund
npx sass --load-path=node_modules --style=compressed --no-source-map kith.scss "$out/govuk-frontend.min.css"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out/"
if grep -q 'GDS Transport' "$out/govuk-frontend.min.css"; then
  echo "GDS Transport found in the compiled CSS" >&2
  exit 1
fi
