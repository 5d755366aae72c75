#!/usr/bin/env python3
"""Snapshot what the local cluster's real node could change on the host, and compare two snapshots.

    python3 scripts/cluster/realnode/hoststate.py snapshot FILE   # before `scripts/cluster/cluster.sh up`
    python3 scripts/cluster/realnode/hoststate.py compare FILE    # after `scripts/cluster/cluster.sh down`: exit 1
                                                                  # on any difference

Sections: the host network namespace's iptables (nft and legacy backends) and nftables rulesets, links, addresses
and routes; the host-wide sysctls kubelet sets plus IPv4 forwarding; /proc/mounts; kubelet's cgroups (kubepods*)
and the node's cgroup parent; listening sockets with their programs; processes started from this checkout's
.tools; and the default paths of a kubelet/containerd/CNI install, which the node must never use.

Other checkouts on the same machine may run their own clusters meanwhile: their real node's veth (and its
addresses and routes), their cgroup parent and the listening sockets of programs under their .tools are left out.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[3]
TOOLS = ROOT / ".tools"
CLUSTER = os.environ.get("KWOK_CLUSTER_NAME", "ai-inference")
# The same id as scripts/cluster/realnode/node.sh: sha256 of "<checkout>:<cluster name>", 6 hex digits.
NODE_ID = hashlib.sha256(f"{ROOT}:{CLUSTER}".encode()).hexdigest()[:6]
VETH = re.compile(r"\brn([0-9a-f]{6})\b")
CGROUP_TAG = re.compile(r"^/[^/]+-([0-9a-f]{6})(/|$)")
SYSCTLS = (
    "vm/overcommit_memory",
    "vm/panic_on_oom",
    "kernel/panic",
    "kernel/panic_on_oops",
    "kernel/keys/root_maxkeys",
    "kernel/keys/root_maxbytes",
    "net/ipv4/ip_forward",
    "net/ipv4/conf/all/route_localnet",
    "net/bridge/bridge-nf-call-iptables",
)
DEFAULT_PATHS = (
    "/var/lib/kubelet",
    "/var/lib/containerd",
    "/run/containerd",
    "/opt/containerd",
    "/var/lib/cni",
    "/etc/cni/net.d",
    "/opt/cni",
    "/var/log/pods",
    "/var/log/containers",
    "/run/netns",
    "/usr/libexec/kubernetes",
)


def run(*cmd: str) -> list[str]:
    """Lines of a command's output; a missing command gives one line saying so (compared like any other)."""
    if shutil.which(cmd[0]) is None:
        return [f"({cmd[0]} not installed)"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return proc.stdout.splitlines() + [f"(stderr) {line}" for line in proc.stderr.splitlines()]


def rules(*cmd: str) -> list[str]:
    """iptables-save output without its timestamps and packet counters."""
    return [re.sub(r"\[\d+:\d+\]", "[-]", line) for line in run(*cmd) if not line.startswith("#")]


def others_veth(line: str) -> bool:
    return any(m.group(1) != NODE_ID for m in VETH.finditer(line))


def network(*cmd: str) -> list[str]:
    return [line for line in run(*cmd) if not others_veth(line)]


def sysctls() -> list[str]:
    out = []
    for key in SYSCTLS:
        path = Path("/proc/sys") / key
        out.append(f"{key} = {path.read_text().strip() if path.exists() else '(absent)'}")
    return out


def mounts() -> list[str]:
    return sorted(Path("/proc/mounts").read_text().splitlines())


def cgroups() -> list[str]:
    """kubepods* directories and the top-level cgroups of real nodes, in every cgroup hierarchy (depth 4)."""
    found = []
    for line in mounts():
        fields = line.split()
        if fields[2] not in {"cgroup", "cgroup2"}:
            continue
        base = Path(fields[1])
        for dirpath, dirnames, _ in os.walk(base):
            rel = "/" + str(Path(dirpath).relative_to(base)).lstrip(".")
            depth = rel.count("/")
            if depth >= 4:
                dirnames.clear()
            tag = CGROUP_TAG.match(rel)
            if tag and tag.group(1) != NODE_ID:
                dirnames.clear()  # another checkout's node
            elif "kubepods" in rel or (tag and depth == 1):
                found.append(f"{fields[1]}{rel}")
    return sorted(found)


def owner_exe(users: str) -> str:
    pid = re.search(r"pid=(\d+)", users)
    if not pid:
        return "?"
    try:
        return os.readlink(f"/proc/{pid.group(1)}/exe")
    except OSError:
        return "?"


def foreign(exe: str) -> bool:
    """A program under another checkout's .tools (that checkout's own cluster)."""
    return "/.tools/" in exe and not exe.startswith(str(TOOLS) + "/")


def listening() -> list[str]:
    out = []
    for line in run("ss", "-Hlntup"):
        fields = line.split()
        if len(fields) < 5:
            continue
        exe = owner_exe(fields[-1]) if len(fields) > 5 else "?"
        if not foreign(exe):
            out.append(f"{fields[0]} {fields[4]} {exe}")
    return sorted(set(out))


def processes() -> list[str]:
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            exe = os.readlink(proc / "exe")
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if exe.startswith(str(TOOLS)) or str(TOOLS / "realnode") in cmdline:
            out.append(f"{exe} {cmdline.strip()}")
    return sorted(out)


def paths() -> list[str]:
    out = []
    for path in map(Path, DEFAULT_PATHS):
        entries = sorted(p.name for p in path.iterdir()) if path.is_dir() else []
        out.append(f"{path} {'exists' if path.exists() else 'absent'} {' '.join(entries)}".rstrip())
    return out


SECTIONS: dict[str, Callable[[], list[str]]] = {
    "iptables": lambda: rules("iptables-save"),
    "ip6tables": lambda: rules("ip6tables-save"),
    "iptables-legacy": lambda: rules("iptables-legacy-save"),
    "nftables": lambda: run("nft", "list", "ruleset"),
    "links": lambda: network("ip", "-o", "link"),
    "addresses": lambda: network("ip", "-o", "addr"),
    "routes": lambda: network("ip", "route") + network("ip", "-6", "route"),
    "sysctls": sysctls,
    "mounts": mounts,
    "cgroups": cgroups,
    "listening": listening,
    "processes": processes,
    "paths": paths,
}


def snapshot() -> dict[str, list[str]]:
    return {name: take() for name, take in SECTIONS.items()}


def compare(before: dict[str, list[str]], after: dict[str, list[str]]) -> list[str]:
    diff: list[str] = []
    for name in SECTIONS:
        a, b = before.get(name, []), after.get(name, [])
        if a != b:
            diff += difflib.unified_diff(a, b, f"{name} before up", f"{name} after down", lineterm="")
    return diff


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in {"snapshot", "compare"}:
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    if argv[0] == "snapshot":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(snapshot(), indent=1))
        return 0
    diff = compare(json.loads(path.read_text()), snapshot())
    if diff:
        print("the host differs from before `cluster.sh up`:", *diff, sep="\n", file=sys.stderr)
        return 1
    print(f"host state after down equals the state before up ({', '.join(SECTIONS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
