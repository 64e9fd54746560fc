"""Fetch the pinned front-end files from the npm registry into static/vendor/.

Each tarball is checked against the sha512 integrity the registry published
(pinned in scripts/assets.json) before anything is extracted, and a SHA-256
of every extracted file is written to CHECKSUMS.sha256 in its folder. A
package marked `"test_only": true` (axe-core) goes to tests/vendor/ instead:
the application never serves it.
`--check` verifies the committed files against that list without a network.
Needs only the Python standard library: the set-up needs no Node.js.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "scripts" / "assets.json"
VENDOR = ROOT / "static" / "vendor"
TEST_VENDOR = ROOT / "tests" / "vendor"
FOLDERS = (VENDOR, TEST_VENDOR)
CHECKSUMS = VENDOR / "CHECKSUMS.sha256"
REGISTRY = os.environ.get("NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def tarball_url(name: str, version: str) -> str:
    basename = name.split("/")[-1]
    return f"{REGISTRY}/{name}/-/{basename}-{version}.tgz"


def verify_integrity(data: bytes, integrity: str, label: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"{label}: only sha512 integrity is supported, got {algorithm}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"{label}: integrity mismatch (expected {expected}, got {actual}); nothing written")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch() -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    extracted: dict[Path, dict[str, bytes]] = {folder: {} for folder in FOLDERS}
    for package in manifest["packages"]:
        folder = TEST_VENDOR if package.get("test_only") else VENDOR
        label = f"{package['name']}@{package['version']}"
        url = tarball_url(package["name"], package["version"])
        print(f"fetching {label} from {url}")
        with urllib.request.urlopen(url, timeout=60) as response:
            data = response.read()
        verify_integrity(data, package["integrity"], label)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            for source, target in package["files"].items():
                member = archive.extractfile(source)
                if member is None:
                    raise SystemExit(f"{label}: {source} is not in the tarball")
                extracted[folder][target] = member.read()
    # Write only after every package verified, so a failure leaves the old set intact.
    for folder, files in extracted.items():
        if not files:
            continue
        lines = []
        for target, content in sorted(files.items()):
            path = folder / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            lines.append(f"{hashlib.sha256(content).hexdigest()}  {target}")
        checksums = folder / "CHECKSUMS.sha256"
        checksums.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(files)} files and {checksums.relative_to(ROOT)}")


def check() -> int:
    problems = []
    for folder in FOLDERS:
        checksums = folder / "CHECKSUMS.sha256"
        if not checksums.exists():
            problems.append(f"missing: {checksums.relative_to(ROOT)}")
            continue
        for line in checksums.read_text(encoding="utf-8").splitlines():
            digest, _, target = line.partition("  ")
            path = folder / target
            if not path.exists():
                problems.append(f"missing: {path.relative_to(ROOT)}")
            elif sha256_of(path) != digest:
                problems.append(f"changed: {path.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify committed files, no download")
    args = parser.parse_args()
    if args.check:
        return check()
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main())
