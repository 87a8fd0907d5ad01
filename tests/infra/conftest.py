"""Session fixtures: one mocked program run per stack, shared by every infrastructure test.

The mocked runs deploy a source-only archive of ``runtime/`` (built in well under a second)
through ``TRAVELBOT_LAMBDA_ARCHIVE``; ``test_packaging.py`` builds the real package once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from components.packaging import PREBUILT_ENV, build_package
from tools.mocked_stack import ROOT, StackRun, run_program


@pytest.fixture(scope="session")
def source_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A source-only Lambda archive, installed as the program's prebuilt package."""
    built = build_package(
        source=ROOT / "runtime",
        requirements=None,
        build_dir=tmp_path_factory.mktemp("lambda-build"),
        bytecode_python="",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PREBUILT_ENV, str(built.path))
        yield built.path


@pytest.fixture(scope="session")
def dev(source_archive: Path) -> StackRun:
    """The dev stack, evaluated once."""
    return run_program("dev")


@pytest.fixture(scope="session")
def staging(source_archive: Path) -> StackRun:
    """The staging stack, evaluated once."""
    return run_program("staging")


@pytest.fixture(scope="session")
def prod(source_archive: Path) -> StackRun:
    """The prod stack (two regions), evaluated once."""
    return run_program("prod")


@pytest.fixture(scope="session")
def stacks(dev: StackRun, staging: StackRun, prod: StackRun) -> dict[str, StackRun]:
    """All three stacks by name."""
    return {"dev": dev, "staging": staging, "prod": prod}
