"""The Lambda package's size, built as ``pulumi up`` builds it (``components/packaging.py``).

Builds the artefacts (places index, classifier calibration) when stale, then the real archive
for arm64 Python 3.12 into ``build/`` (dependencies cached there by requirements hash), and
prints the largest contributors, then one JSON object as the last line: zipped and unzipped
bytes and MB against the 30 MB budget (issue 11) and Lambda's 50 MB limit.
Run: ``python -m bench.package``.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections import Counter
from pathlib import Path

from components.packaging import MAX_ZIPPED_BYTES, build_artefacts, build_package

ROOT = Path(__file__).resolve().parents[1]
BUDGET_BYTES = 30_000_000
TOP = 12


def main() -> int:
    """Build the package and report its size."""
    build_artefacts(ROOT)
    archive = build_package(
        source=ROOT / "runtime",
        requirements=ROOT / "requirements" / "runtime.txt",
        build_dir=ROOT / "build",
    )
    sizes: Counter[str] = Counter()
    with zipfile.ZipFile(archive.path) as zipped:
        for info in zipped.infolist():
            parts = info.filename.split("/")
            sizes["/".join(parts[:3] if parts[0] in ("google", "runtime") else parts[:1])] += (
                info.compress_size
            )
    for name, size in sizes.most_common(TOP):
        print(f"{size / 1e6:7.2f} MB  {name}")
    print(
        json.dumps(
            {
                "benchmark": "lambda package size",
                "zipped_bytes": archive.zipped_bytes,
                "zipped_mb": round(archive.zipped_bytes / 1e6, 2),
                "unzipped_mb": round(archive.unzipped_bytes / 1e6, 2),
                "budget_mb": BUDGET_BYTES / 1e6,
                "within_budget": archive.zipped_bytes <= BUDGET_BYTES,
                "lambda_limit_mb": round(MAX_ZIPPED_BYTES / 1e6, 2),
                "has_bytecode": archive.has_bytecode,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
