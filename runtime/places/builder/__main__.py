"""``python -m runtime.places.builder``: build the places index (or check it is current).

    python -m runtime.places.builder            # build runtime/places/data/places.idx
    python -m runtime.places.builder --if-stale # build only when its inputs changed
    python -m runtime.places.builder --check    # exit 1 when missing or stale (no build)

Needs the build-time packages of ``requirements/build.txt`` (``make install`` installs them).
Prints one line: where the index is, its size and counts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from runtime.errors import PlacesIndexError
from runtime.model import MODEL_PATH
from runtime.places.artefact import INDEX_PATH, inputs_digest
from runtime.places.index import PlaceIndex


def current_digests() -> dict[str, object]:
    """What a fresh index would record: the repository digest and the data packages."""
    from runtime.places.builder.sources import city_values_from, distribution_versions

    return {
        "inputs_digest": inputs_digest(city_values_from(MODEL_PATH)),
        "data_versions": distribution_versions(),
    }


def is_current(path: Path) -> bool:
    """Whether ``path`` is an index of this format built from the current inputs."""
    try:
        header = PlaceIndex.open(path).header
    except PlacesIndexError:
        return False
    wanted = current_digests()
    return all(header.get(k) == v for k, v in wanted.items())


def build(path: Path) -> dict[str, object]:
    """Build the index into ``path``; returns its header's summary."""
    from runtime.places.builder import sources
    from runtime.places.builder.assemble import assemble
    from runtime.places.builder.writer import encode, write

    started = time.perf_counter()
    inputs = sources.load(sources.city_values_from(MODEL_PATH))
    built = assemble(inputs)
    data = encode(built, inputs.countries, current_digests())
    write(path, data)
    return {
        "path": str(path),
        "bytes": len(data),
        "seconds": round(time.perf_counter() - started, 1),
        **built.stats,
    }


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m runtime.places.builder")
    parser.add_argument("--out", type=Path, default=INDEX_PATH)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="exit 1 if missing or stale")
    mode.add_argument("--if-stale", action="store_true", help="build only if stale")
    args = parser.parse_args(argv)
    if args.check or args.if_stale:
        if is_current(args.out):
            print(f"places index {args.out} is current")
            return 0
        if args.check:
            print(f"places index {args.out} is missing or stale: run make install", file=sys.stderr)
            return 1
    summary = build(args.out)
    print("places index " + " ".join(f"{k}={v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
