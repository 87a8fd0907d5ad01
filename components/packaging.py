"""Build the Lambda deployment package: ``runtime/`` plus its pinned dependencies.

The archive is reproducible: the same requirements and the same ``runtime/`` sources give a
byte-identical zip (sorted entries, fixed timestamps and permissions, hash-based ``.pyc``
compiled with ``--invalidation-mode unchecked-hash`` and path prefix ``/var/task``), so
``source_code_hash`` only changes when the code does and ``pulumi up`` shows no spurious
update.

Dependencies are installed for the Lambda platform (``manylinux2014_aarch64``, plus
``manylinux_2_28_aarch64`` because some pinned packages only publish that tag; the Python 3.12
runtime runs on Amazon Linux 2023, glibc 2.34, which accepts both) into
``build/deps/<hash>/``, keyed by a hash of the requirements file and the target, and reused
while that hash holds.

boto3, botocore, s3transfer and jmespath are left out: the Lambda Python runtime ships them,
the runtime only uses long-stable APIs of them, and bundling them would add ~14 MB zipped,
pushing the package towards the 50 MB direct-upload limit. So is ``dialogflow_v2beta1``, which
the google-cloud-dialogflow wheel carries beside the v2 API the runtime uses (3 MB zipped: the
room the places index takes).

:func:`lambda_archive` first builds the artefacts the runtime loads instead of computing them
at start-up (the places index and the classifier's calibration, see ``runtime/places/`` and
``runtime/nlu/artefact.py``; both are rebuilt only when stale). Their builders' code and inputs
(``runtime/places/builder``, ``runtime/places/sources``) stay out of the package.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Lambda's limits for a function and its layers together.
MAX_ZIPPED_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024

PYTHON_VERSION = "3.12"
PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
#: Provided by the Lambda runtime; see the module docstring.
PROVIDED_DISTRIBUTIONS = ("boto3", "botocore", "s3transfer", "jmespath")
#: Installed with the runtime's requirements but never imported in Lambda, kept out to stay
#: inside the 30 MB package budget: waitress serves only the local server; pyasn1 and
#: pyasn1_modules only google-auth's python-rsa signer (``google/auth/crypt/_python_rsa.py``,
#: unused: cryptography signs); dateutil only Powertools' feature flags, which the runtime does
#: not use. ``NEVER_IMPORTED_BY`` names the only modules that import them.
UNUSED_DISTRIBUTIONS = (
    "waitress",
    "pyasn1",
    "pyasn1_modules",
    "dateutil",
    "python_dateutil",
)
NEVER_IMPORTED_BY = (
    "runtime/api/server.py",  # the local server (python -m runtime serve), not the handler
    "google/auth/crypt/_python_rsa.py",
    "aws_lambda_powertools/utilities/feature_flags/",
)
EXCLUDED_DISTRIBUTIONS = PROVIDED_DISTRIBUTIONS + UNUSED_DISTRIBUTIONS
#: Parts of installed distributions the runtime never imports (paths under the target).
EXCLUDED_PATHS = ("google/cloud/dialogflow_v2beta1",)
#: Build-time parts of ``runtime/`` (relative to it): the places index's builder and inputs.
BUILD_ONLY = ("places/builder", "places/sources")
#: Commands that build the runtime's artefacts (each a no-op when its artefact is current).
ARTEFACT_COMMANDS = (
    ("runtime.places.builder", "--if-stale"),
    ("runtime.nlu.artefact",),
)
#: Environment variable naming an already built archive (CI artefacts, mocked test runs).
PREBUILT_ENV = "TRAVELBOT_LAMBDA_ARCHIVE"
#: Environment variable naming the interpreter whose bytecode matches the Lambda runtime.
BYTECODE_PYTHON_ENV = "TRAVELBOT_BYTECODE_PYTHON"

#: Bump when the cached dependency tree is built differently, so old caches are not reused.
_CACHE_LAYOUT = 3
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o644 << 16 | stat.S_IFREG << 16
_SKIP_DIRS = frozenset({"__pycache__", "tests", ".pytest_cache", ".mypy_cache"})
_SKIP_SUFFIXES = (".pyc", ".pyo")


class PackagingError(RuntimeError):
    """The package could not be built or breaks a Lambda size limit."""


@dataclass(frozen=True, kw_only=True)
class LambdaArchive:
    """A built package: where it is, its hash as Lambda reports it, and its sizes."""

    path: Path
    source_code_hash: str  # base64 SHA-256, the form Lambda's CodeSha256 uses
    zipped_bytes: int
    unzipped_bytes: int
    has_bytecode: bool


def archive_info(path: Path) -> LambdaArchive:
    """Describe an existing archive and check it against Lambda's limits."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    unzipped = sum(info.file_size for info in infos)
    check_limits(len(data), unzipped, path)
    return LambdaArchive(
        path=path,
        source_code_hash=base64.b64encode(hashlib.sha256(data).digest()).decode(),
        zipped_bytes=len(data),
        unzipped_bytes=unzipped,
        has_bytecode=any(info.filename.endswith(".pyc") for info in infos),
    )


def check_limits(zipped: int, unzipped: int, path: Path) -> None:
    """Raise PackagingError when either Lambda size limit is exceeded."""
    if zipped > MAX_ZIPPED_BYTES:
        raise PackagingError(
            f"{path}: zipped size {zipped} bytes exceeds Lambda's {MAX_ZIPPED_BYTES}-byte limit"
        )
    if unzipped > MAX_UNZIPPED_BYTES:
        raise PackagingError(
            f"{path}: unzipped size {unzipped} bytes exceeds Lambda's "
            f"{MAX_UNZIPPED_BYTES}-byte limit (function and layers together)"
        )


def lambda_archive(repo_root: Path) -> LambdaArchive:
    """The archive to deploy: ``$TRAVELBOT_LAMBDA_ARCHIVE`` if set, else a fresh build."""
    prebuilt = os.environ.get(PREBUILT_ENV, "").strip()
    if prebuilt:
        path = Path(prebuilt)
        if not path.is_file():
            raise PackagingError(f"{PREBUILT_ENV} points at {path}, which is not a file")
        return archive_info(path)
    build_artefacts(repo_root)
    return build_package(
        source=repo_root / "runtime",
        requirements=repo_root / "requirements" / "runtime.txt",
        build_dir=repo_root / "build",
    )


def build_artefacts(repo_root: Path) -> None:
    """Build the places index and the classifier calibration into ``runtime/`` (when stale).

    Raises PackagingError when a builder fails (its build-time packages are installed by
    ``make install``: requirements/build.txt).
    """
    for module, *args in ARTEFACT_COMMANDS:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [sys.executable, "-m", module, *args],
            cwd=repo_root,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise PackagingError(f"python -m {module} failed:\n{done.stderr[-4000:]}")


def build_package(
    *,
    source: Path,
    requirements: Path | None,
    build_dir: Path,
    bytecode_python: str | None = None,
) -> LambdaArchive:
    """Build ``build_dir/lambda-<hash>.zip`` from ``source`` and the requirements' wheels.

    ``requirements=None`` packages the source alone (used for quick mocked runs). Raises
    PackagingError when pip fails or a size limit is exceeded.
    """
    python = bytecode_python if bytecode_python is not None else find_bytecode_python()
    deps = install_dependencies(requirements, build_dir, python) if requirements else None
    stage = build_dir / "stage" / source.name
    if stage.exists():
        shutil.rmtree(stage)
    shutil.copytree(source, stage, ignore=_ignore)
    for build_only in BUILD_ONLY:
        shutil.rmtree(stage / build_only, ignore_errors=True)
    if python:
        compile_tree(python, stage.parent)
    roots = [(stage.parent, [stage])]
    if deps is not None:
        roots.insert(0, (deps, sorted(deps.iterdir())))
    entries = sorted(_collect(roots), key=lambda entry: entry[0])
    digest = hashlib.sha256()
    for arcname, path in entries:
        digest.update(arcname.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    target = build_dir / f"lambda-{digest.hexdigest()[:16]}.zip"
    if not target.exists():
        write_reproducible_zip(entries, target)
    return archive_info(target)


def find_bytecode_python() -> str | None:
    """An interpreter of the Lambda runtime's Python version, or None if there is none.

    Without it the package ships sources only: correct, but each cold start compiles in
    memory (Lambda's file system is read-only), so the caller should warn.
    """
    override = os.environ.get(BYTECODE_PYTHON_ENV, "").strip()
    candidates = [override] if override else []
    candidates += [f"python{PYTHON_VERSION}", sys.executable]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{PYTHON_VERSION}*/bin/python3"))
    for candidate in candidates:
        resolved = shutil.which(candidate) or (candidate if Path(candidate).is_file() else None)
        if resolved and _version_of(resolved) == PYTHON_VERSION:
            return resolved
    return None


def _version_of(python: str) -> str | None:
    try:
        done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def install_dependencies(requirements: Path, build_dir: Path, python: str | None) -> Path:
    """pip-install the requirements for Lambda into a cache directory keyed by their hash."""
    key = hashlib.sha256(
        requirements.read_bytes()
        + repr(
            (
                _CACHE_LAYOUT,
                PYTHON_VERSION,
                PLATFORMS,
                EXCLUDED_DISTRIBUTIONS,
                EXCLUDED_PATHS,
                bool(python),
            )
        ).encode()
    ).hexdigest()[:16]
    target = build_dir / "deps" / key
    marker = target / ".complete"
    if marker.exists():
        return target
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-compile"]
    command += ["--disable-pip-version-check", "--no-warn-conflicts", "--only-binary=:all:"]
    for platform in PLATFORMS:
        command += ["--platform", platform]
    command += ["--python-version", PYTHON_VERSION, "--implementation", "cp"]
    command += ["--target", str(target), "-r", str(requirements)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise PackagingError(f"pip install for Lambda failed:\n{done.stderr[-4000:]}")
    _prune(target)
    if python:
        compile_tree(python, target)
    marker.touch()
    return target


def _prune(target: Path) -> None:
    """Drop what the runtime provides or must not carry (console scripts embed local paths)."""
    shutil.rmtree(target / "bin", ignore_errors=True)
    for excluded in EXCLUDED_PATHS:
        shutil.rmtree(target / excluded, ignore_errors=True)
    for child in target.iterdir():
        name = child.name.lower()
        for dist in EXCLUDED_DISTRIBUTIONS:
            if name == dist or name.startswith(f"{dist}-"):
                shutil.rmtree(child) if child.is_dir() else child.unlink()
                break


def compile_tree(python: str, root: Path) -> None:
    """Compile ``root`` to hash-based ``.pyc`` whose recorded paths start at ``/var/task``.

    One worker and a fixed hash seed: marshal's output depends on what the compiling process
    saw before (interned strings, reference counts) and on set ordering, so parallel workers
    that pick files in a racy order, or a random seed, make byte-different ``.pyc`` files.
    """
    command = [python, "-m", "compileall", "-q", "-j", "1"]
    command += ["--invalidation-mode", "unchecked-hash"]
    command += ["-s", str(root.resolve()), "-p", "/var/task", str(root.resolve())]
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(  # noqa: S603 - a fixed argument list, no shell
        command, capture_output=True, text=True, check=False, env=environment
    )
    if done.returncode != 0:
        raise PackagingError(f"compileall failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def _ignore(directory: str, names: list[str]) -> set[str]:
    return {n for n in names if n in _SKIP_DIRS or n.endswith(_SKIP_SUFFIXES)}


def _collect(roots: Iterable[tuple[Path, list[Path]]]) -> Iterator[tuple[str, Path]]:
    for base, tops in roots:
        for top in tops:
            paths = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file())
            for path in paths:
                if path.name == ".complete":
                    continue
                yield path.relative_to(base).as_posix(), path


def write_reproducible_zip(entries: Iterable[tuple[str, Path]], target: Path) -> None:
    """Write entries in the given order with fixed dates and modes, atomically."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for arcname, path in entries:
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_DATE)
            info.external_attr = _FILE_MODE
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode bits are honoured
            zf.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(target)
