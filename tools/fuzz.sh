#!/usr/bin/env bash
# Fuzzes the parsers that read what strangers send — the search query string (search page,
# JSON API, Open Referral filters), Kith's CSV import template and Open Referral UK JSON —
# with cargo-fuzz (libFuzzer, AddressSanitizer), each for a bounded time.
#
#   tools/fuzz.sh                    60 s per target (FUZZ_SECONDS to change)
#   tools/fuzz.sh import_csv         one target
#
# Seeds come from fuzz/seeds/<target>/ (and, for Open Referral, the profile's examples in
# tests/data). A crash leaves its input in fuzz/artifacts/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-60}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(search_query import_csv import_oruk)

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
# libFuzzer's instrumentation needs unstable compiler flags: a nightly toolchain when there
# is one, otherwise the stable compiler told to allow them.
toolchain=()
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
else
  export RUSTC_BOOTSTRAP=1
fi
# A debug build with many codegen units: it builds in a fraction of the time of an
# optimised one, and these parsers are quick enough unoptimised for a bounded run.
build=(--dev --codegen-units 16)

cargo "${toolchain[@]}" fuzz build "${build[@]}"
for target in "${targets[@]}"; do
  corpus=$(mktemp -d)
  cp fuzz/seeds/"$target"/* "$corpus"/
  if [ "$target" = import_oruk ]; then
    cp tests/data/openreferral-uk/service.json tests/data/openreferral-uk/service_list.json "$corpus"/
  fi
  echo "== fuzzing $target for ${seconds}s"
  log=$(mktemp)
  if ! cargo "${toolchain[@]}" fuzz run "${build[@]}" "$target" "$corpus" -- \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1; then
    tail -80 "$log"
    echo "fuzz target $target failed: the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^Done [0-9]+ runs|^stat::(number_of_executed_units|new_units_added|peak_rss_mb)' "$log" || tail -5 "$log"
  rm -f "$log"
  rm -rf "$corpus"
done
