#!/usr/bin/env python3
"""Builds the runtime stage of Kith's Dockerfile without a container engine, runs it as the
image would run, and checks it. For machines (such as CI here) that have no Docker daemon.

    tools/container_check.py <kith binary> [--cache DIR]

It reads the Dockerfile's last stage and carries it out in a chroot: its base image
(`debian:<release>-slim`) becomes a minimal Debian root made by debootstrap (cached as a
tarball in DIR), each RUN runs there, COPY takes the binary given (the build stage's
`cargo build --release` of the same source; CI passes its own build), and ENV, USER,
VOLUME, EXPOSE, HEALTHCHECK, STOPSIGNAL, ENTRYPOINT and CMD are kept as the image's config.
Then, as `docker run -p` would, it starts the entrypoint as the image's user with its
environment, and checks that:

- the user is not root and owns the volume, which only it can read;
- the health check command passes within the start period, and the pages answer;
- `kith admin create` works beside the server, as through `docker exec`;
- nothing is written outside the volume (so the container can run with a read-only root);
- the stop signal stops it cleanly within 35 seconds.

Needs root (chroot, mounting /proc) and debootstrap. Exits 1 with what failed.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MIRROR = "http://deb.debian.org/debian"


def fail(message):
    print(f"container check: {message}", file=sys.stderr)
    sys.exit(1)


def instructions(dockerfile):
    """The Dockerfile's instructions as (KEYWORD, text), continuation lines joined."""
    found, pending = [], ""
    for line in dockerfile.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") or (not stripped and not pending):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        whole = (pending + stripped).strip()
        pending = ""
        if whole:
            keyword, _, rest = whole.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def runtime_stage(found):
    """The global ARG defaults, and the last stage's instructions (its FROM first)."""
    args, stages = {}, []
    for keyword, text in found:
        if keyword == "FROM":
            stages.append([])
        if not stages:
            if keyword == "ARG":
                name, _, default = text.partition("=")
                args[name] = default
            continue
        stages[-1].append((keyword, text))
    if not stages:
        fail("the Dockerfile has no FROM")
    return args, stages[-1]


def expand(text, args):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: args.get(m[1] or m[2], ""), text)


def exec_form(text):
    """A JSON-array command (exec form), or a shell-form command run by /bin/sh -c."""
    if text.startswith("["):
        return json.loads(text)
    return ["/bin/sh", "-c", text]


def env_pairs(text):
    pairs = {}
    for word in shlex.split(text):
        key, _, value = word.partition("=")
        pairs[key] = value
    return pairs


def duration(text):
    number, unit = re.fullmatch(r"(\d+)(ms|s|m|h)", text).groups()
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[unit]


class Image:
    """The runtime stage carried out in a directory."""

    def __init__(self, root):
        self.root = root
        self.env = {"PATH": DEFAULT_PATH}
        self.user = "root"
        self.volumes, self.exposed = [], []
        self.health = None
        self.stop_signal = "SIGTERM"
        self.entrypoint, self.cmd = [], []
        self.workdir = "/"

    def chroot(self, argv, user=None, extra_env=None, **popen):
        env = dict(self.env, **(extra_env or {}))
        command = ["chroot"]
        if user:
            command.append(f"--userspec={user}")
        command += [str(self.root), "/usr/bin/env", "-i"]
        command += [f"{k}={v}" for k, v in env.items()] + argv
        return subprocess.Popen(command, **popen)

    def run(self, text):
        print(f"   RUN {text[:100]}{'…' if len(text) > 100 else ''}")
        done = self.chroot(
            exec_form(text), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, err = done.communicate()
        if done.returncode != 0:
            fail(f"RUN failed ({done.returncode}): {text}\n{err.decode(errors='replace')}")

    def copy(self, text, binary):
        words = text.split()
        options = [w for w in words if w.startswith("--")]
        paths = [w for w in words if not w.startswith("--")]
        if options != ["--from=build"] or len(paths) != 2 or Path(paths[0]).name != "kith":
            fail(f"COPY {text}: only the binary from the build stage is understood here")
        target = self.root / paths[1].lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(binary, target)
        target.chmod(0o755)

    def user_ids(self):
        """The numeric uid and gid of the image's USER."""
        name, _, group = self.user.partition(":")
        passwd = [
            line.split(":")
            for line in (self.root / "etc/passwd").read_text().splitlines()
        ]
        for entry in passwd:
            if name in (entry[0], entry[2]):
                return int(entry[2]), int(group or entry[3])
        if name.isdigit():
            return int(name), int(group or name)
        fail(f"USER {self.user} is not in the image's /etc/passwd")


def base_root(base, cache):
    """A Debian root for `debian:<release>-slim`, from the cache or debootstrap."""
    match = re.fullmatch(r"debian:(\w+)-slim", base)
    if not match:
        fail(f"FROM {base}: only debian:<release>-slim is reproduced here")
    release = match[1]
    tarball = cache / f"debian-{release}-minbase.tar"
    root = Path(tempfile.mkdtemp(prefix="kith-image-"))
    if not tarball.exists():
        print(f"   debootstrap --variant=minbase {release} (once; cached in {tarball})")
        scratch = Path(tempfile.mkdtemp(prefix="kith-debootstrap-"))
        subprocess.run(
            ["debootstrap", "--variant=minbase", release, str(scratch), MIRROR],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        cache.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball, "w") as tar:
            tar.add(scratch, arcname=".")
        shutil.rmtree(scratch)
    with tarfile.open(tarball) as tar:
        tar.extractall(root, filter="fully_trusted")
    root.chmod(0o755)  # mkdtemp's 0700 would shut the image's user out of its own "/"
    # As Docker does: the host's resolver, so RUN can reach Debian's archive.
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    return root


def build(dockerfile, binary, cache):
    args, stage = runtime_stage(instructions(dockerfile))
    base = expand(stage[0][1], args)
    print(f"== reproducing the runtime stage (FROM {base})")
    image = Image(base_root(base, cache))
    for keyword, text in stage[1:]:
        text = expand(text, dict(args, **image.env))
        if keyword == "RUN":
            image.run(text)
        elif keyword == "COPY":
            image.copy(text, binary)
        elif keyword == "ENV":
            image.env.update(env_pairs(text))
        elif keyword == "USER":
            image.user = text
        elif keyword == "VOLUME":
            image.volumes += exec_form(text) if text.startswith("[") else text.split()
        elif keyword == "EXPOSE":
            image.exposed += [int(p.split("/")[0]) for p in text.split()]
        elif keyword == "HEALTHCHECK":
            options = dict(re.findall(r"--([\w-]+)=(\S+)", text))
            command = text[text.index("CMD") + 3 :].strip()
            image.health = (options, exec_form(command))
        elif keyword == "STOPSIGNAL":
            image.stop_signal = text
        elif keyword == "ENTRYPOINT":
            image.entrypoint = exec_form(text)
        elif keyword == "CMD":
            image.cmd = exec_form(text)
        elif keyword == "WORKDIR":
            image.workdir = text
        elif keyword != "ARG":
            fail(f"{keyword} is not understood here")
    return image


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as res:
            return res.status
    except urllib.error.HTTPError as err:
        return err.code


def check(image):
    uid, gid = image.user_ids()
    if uid == 0:
        fail("the image runs as root")
    data = image.env.get("KITH_DATA_DIR", "")
    if data not in image.volumes:
        fail(f"the data directory {data!r} is not a VOLUME ({image.volumes})")
    volume = image.root / data.lstrip("/")
    owner = volume.stat()
    if (owner.st_uid, owner.st_gid) != (uid, gid) or owner.st_mode & 0o077:
        fail(f"{data} must belong to {uid}:{gid} and be private ({oct(owner.st_mode)})")
    if not image.health:
        fail("the image has no HEALTHCHECK")
    if not image.entrypoint:
        fail("the image has no ENTRYPOINT")
    print(f"   runs as {image.user} ({uid}:{gid}); volume {data}; ports {image.exposed}")

    # `docker run -p <port>:8080`: the same container port, here on a free host port.
    bind_host, _, bind_port = image.env.get("KITH_BIND", "").rpartition(":")
    if int(bind_port) not in image.exposed:
        fail(f"KITH_BIND {image.env.get('KITH_BIND')} is not an EXPOSEd port")
    port = free_port()
    run_env = {"KITH_BIND": f"{bind_host}:{port}"}
    user = f"{uid}:{gid}"
    proc_dir = image.root / "proc"
    subprocess.run(["mount", "-t", "proc", "proc", str(proc_dir)], check=True)
    marker = time.time()
    time.sleep(0.01)
    server = image.chroot(
        image.entrypoint + image.cmd,
        user=user,
        extra_env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        options, probe = image.health
        limit = duration(options.get("start-period", "30s"))
        started = time.time()
        while True:
            said = image.chroot(
                probe, user=user, extra_env=run_env, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            out, _ = said.communicate()
            if said.returncode == 0:
                break
            if server.poll() is not None or time.time() - started > limit:
                fail(f"the health check never passed: {out.decode(errors='replace')}")
            time.sleep(1)
        print(f"   healthy after {time.time() - started:.1f} s: {out.decode().strip()[:80]}")

        status = Path(f"/proc/{server.pid}/status").read_text()
        running_as = re.search(r"^Uid:\s+(\d+)", status, re.M)[1]
        if int(running_as) != uid:
            fail(f"the server runs as uid {running_as}, not {uid}")
        base = f"http://127.0.0.1:{port}"
        for path in ["/", "/search?q=lunch", "/static/css/kith.css", "/health"]:
            code = get(base + path)
            if code != 200:
                fail(f"GET {path} answered {code}")

        # The first administrator, as a council creates them (`docker exec ... kith admin`).
        admin = image.chroot(
            image.entrypoint + ["admin", "create", "--email", "admin@council.example"],
            user=user,
            extra_env=run_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        out, _ = admin.communicate(b"a long enough container password\n")
        if admin.returncode != 0:
            fail(f"kith admin create failed: {out.decode(errors='replace')}")

        stop = getattr(signal, image.stop_signal)
        server.send_signal(stop)
        try:
            code = server.wait(timeout=35)
        except subprocess.TimeoutExpired:
            fail(f"{image.stop_signal} did not stop the server within 35 s")
        if code != 0:
            fail(f"the server exited {code} on {image.stop_signal}")
        print(f"   {image.stop_signal} stopped it cleanly")
    finally:
        if server.poll() is None:
            server.kill()
        subprocess.run(["umount", str(proc_dir)], check=False)

    written = []
    skip = {proc_dir, volume, image.root / "dev"}
    for path in image.root.rglob("*"):
        if any(path == s or s in path.parents for s in skip):
            continue
        if not path.is_symlink() and path.stat().st_mtime > marker:
            written.append("/" + str(path.relative_to(image.root)))
    if written:
        fail(f"written outside the volume (a read-only root would refuse): {written[:10]}")
    print("   nothing written outside the volume")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", type=Path)
    parser.add_argument("--cache", type=Path, default=ROOT / "target/ci-tools")
    parser.add_argument("--dockerfile", type=Path, default=ROOT / "Dockerfile")
    opts = parser.parse_args()
    if os.geteuid() != 0:
        fail("needs root (chroot and mounting /proc)")
    image = build(opts.dockerfile, opts.binary.resolve(), opts.cache)
    try:
        check(image)
    finally:
        shutil.rmtree(image.root, ignore_errors=True)
    print("== the image's runtime stage works")


if __name__ == "__main__":
    main()
