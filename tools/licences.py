#!/usr/bin/env python3
"""Offline licence check: every crate in Cargo.lock (and every npm package the browser
tests install) must be usable without copyleft obligations on Kith — no GPL, AGPL or LGPL
unless the crate also offers a permissive licence (an "OR" choice). Reads `cargo metadata`
(no network) and prints the licences in use. Exits 1 naming each package that fails."""

import json
import os
import re
import subprocess
import sys

FORBIDDEN = re.compile(r"\b(A?GPL|LGPL|SSPL|EUPL|OSL)\b", re.IGNORECASE)


def acceptable(expression: str) -> bool:
    """Evaluates an SPDX expression (AND binds tighter than OR; old "/" means OR): true when
    the licences one may choose include no copyleft licence."""
    tokens = re.findall(r"\(|\)|[^\s()]+", expression.replace("/", " OR "))
    at = 0

    def peek():
        return tokens[at] if at < len(tokens) else None

    def factor():
        nonlocal at
        token = peek()
        at += 1
        if token == "(":
            value = disjunction()
            at += 1  # ")"
        else:
            value = token is not None and not FORBIDDEN.search(token)
        if peek() == "WITH":
            at += 2  # an exception only adds permissions
        return value

    def conjunction():
        nonlocal at
        value = factor()
        while peek() == "AND":
            at += 1
            value = factor() and value
        return value

    def disjunction():
        nonlocal at
        value = conjunction()
        while peek() == "OR":
            at += 1
            value = conjunction() or value
        return value

    return disjunction()


def crates(manifest):
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--locked", "--offline",
         "--manifest-path", manifest],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    meta = json.loads(out)
    workspace = set(meta["workspace_members"])
    for p in meta["packages"]:
        if p["id"] in workspace:
            continue
        yield f'{p["name"]} {p["version"]}', p.get("license"), p.get("license_file")


def npm_packages(folder):
    lock = os.path.join(folder, "package-lock.json")
    if not os.path.exists(lock):
        return
    with open(lock) as f:
        packages = json.load(f).get("packages", {})
    for path, p in packages.items():
        if not path:
            continue
        manifest = os.path.join(folder, path, "package.json")
        licence = p.get("license")
        if licence is None and os.path.exists(manifest):
            with open(manifest) as f:
                licence = json.load(f).get("license")
        yield f'{path.split("node_modules/")[-1]} {p.get("version", "")} (npm)', licence, None


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    failures, counts = [], {}
    # The service, its fuzz targets (their own workspace), and the browser tests' packages.
    packages = sorted(set(
        list(crates(os.path.join(root, "Cargo.toml")))
        + list(crates(os.path.join(root, "fuzz", "Cargo.toml")))
    )) + list(npm_packages(os.path.join(root, "tests", "e2e")))
    for name, licence, licence_file in packages:
        if licence is None:
            failures.append(f"{name}: no SPDX licence (licence file {licence_file})")
            continue
        counts[licence] = counts.get(licence, 0) + 1
        if not acceptable(licence):
            failures.append(f"{name}: {licence}")
    for licence, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        print(f"{n:4}  {licence}")
    print(f"{len(packages)} packages checked")
    if failures:
        print("Not allowed:", *failures, sep="\n  ")
        sys.exit(1)


assert acceptable("MIT OR Apache-2.0") and acceptable("(MIT OR Apache-2.0) AND Unicode-3.0")
assert acceptable("MIT OR Apache-2.0 OR LGPL-2.1-or-later") and acceptable("Apache-2.0 / MIT")
assert not acceptable("GPL-3.0") and not acceptable("(MIT OR Apache-2.0) AND LGPL-2.1")
assert not acceptable("AGPL-3.0-only OR GPL-2.0") and acceptable("Apache-2.0 WITH LLVM-exception")


if __name__ == "__main__":
    main()
