"""Show what a stack declares, without credentials: ``python -m tools.plan <stack>``.

Runs the real ``__main__.py`` for ``Pulumi.<stack>.yaml`` under the same Pulumi mocks as the
infrastructure tests (:mod:`tools.mocked_stack`; no provider plugin, no cloud call), then prints

1. a table of cloud resource types by where they live (AWS region, ``aws:global`` for IAM and
   Route53, ``gcp:global``, ``azure:<location>``) with counts and totals,
2. the policy pack's verdict over every mocked resource (as ``pulumi preview --policy-pack``),
3. the stack outputs a CI would read (``pulumi stack output --json``; ids and ARNs are mocked).

``--set key=value`` overrides a config key for this run (``--set dialogflowEnabled=false``;
values are JSON when they parse as JSON, else strings). Unless ``TRAVELBOT_LAMBDA_ARCHIVE``
names a built package, a source-only one is built in a temporary directory (the plan needs its
hash, not its dependencies). Exit status: 0 when the policy pack passes, 1 when a mandatory
rule fails, 2 when the config is invalid.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from components.config import ConfigError
from components.packaging import PREBUILT_ENV, build_package
from policy.pack import POLICIES
from policy.support import Declared, Violation, evaluate, policy_resources
from tools.mocked_stack import ROOT, StackRun, run_program

#: Column order after the AWS regions (which keep the stack's own order).
_LATER_COLUMNS = ("aws:global", "gcp:global")


def parse_overrides(pairs: Sequence[str]) -> dict[str, Any]:
    """``key=value`` pairs as config overrides; raises ValueError on a pair without ``=``."""
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set needs key=value, got {pair!r}")
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        overrides[key.strip()] = value
    return overrides


def columns(run: StackRun) -> list[str]:
    """Placements in display order: served regions first, then global and other clouds."""
    regions = list(json.loads(run.config.get("travelbot:regions", "[]")))
    seen = {placement for _, placement in run.counts()}
    ordered = [r for r in regions if r in seen]
    ordered += [c for c in _LATER_COLUMNS if c in seen]
    ordered += sorted(seen - set(ordered))
    return ordered


def resource_table(run: StackRun) -> str:
    """The resource types × placements table with row and column totals."""
    counts = run.counts()
    cols = columns(run)
    types = sorted({type_ for type_, _ in counts})
    width = max([len("resource type"), *(len(t) for t in types)])
    col_widths = [max(len(c), 3) for c in cols]
    header = [
        "resource type".ljust(width),
        *(c.rjust(w) for c, w in zip(cols, col_widths, strict=True)),
    ]
    lines = ["  ".join([*header, "total"])]
    lines.append("  ".join(["-" * width, *("-" * w for w in col_widths), "-----"]))
    for type_ in types:
        row = [counts.get((type_, c), 0) for c in cols]
        cells = [(str(n) if n else ".").rjust(w) for n, w in zip(row, col_widths, strict=True)]
        lines.append("  ".join([type_.ljust(width), *cells, str(sum(row)).rjust(5)]))
    totals = [sum(counts.get((t, c), 0) for t in types) for c in cols]
    lines.append("  ".join(["-" * width, *("-" * w for w in col_widths), "-----"]))
    cells = [str(n).rjust(w) for n, w in zip(totals, col_widths, strict=True)]
    lines.append("  ".join(["total".ljust(width), *cells, str(sum(totals)).rjust(5)]))
    return "\n".join(lines)


def policy_violations(run: StackRun) -> list[Violation]:
    """The policy pack over every mocked resource (inputs for resource rules, outputs for
    stack rules, as in a real preview)."""
    resources = policy_resources(
        Declared(r.type, r.name, r.outputs, r.urn, r.dependencies) for r in run.resources
    )
    return evaluate(POLICIES, resources, inputs={r.urn: r.inputs for r in run.resources})


@contextmanager
def lambda_package() -> Iterator[str]:
    """The prebuilt package if one is named, else a source-only one in a temporary directory."""
    prebuilt = os.environ.get(PREBUILT_ENV, "").strip()
    if prebuilt:
        yield f"prebuilt ({prebuilt})"
        return
    with tempfile.TemporaryDirectory(prefix="travelbot-plan-") as build_dir:
        built = build_package(
            source=ROOT / "runtime",
            requirements=None,
            build_dir=Path(build_dir),
            bytecode_python="",
        )
        os.environ[PREBUILT_ENV] = str(built.path)
        try:
            yield "source only (dependencies are not bundled for a plan)"
        finally:
            os.environ.pop(PREBUILT_ENV, None)


def report(run: StackRun, violations: Sequence[Violation], package: str, out: TextIO) -> None:
    """Print the table, the policy verdict and the outputs."""
    cloud = run.cloud_resources()
    components = [r for r in run.resources if not r.custom]
    out.write(f"Stack {run.stack}: mocked run of __main__.py (no credentials, no cloud calls)\n")
    out.write(f"Lambda package: {package}\n\n")
    out.write(f"Resources by type and placement ({len(cloud)} resources, ")
    out.write(f"{len(components)} components)\n")
    out.write(resource_table(run) + "\n\n")
    if violations:
        out.write(f"Policy pack: {len(violations)} mandatory violation(s)\n")
        for violation in violations:
            out.write(f"  {violation.policy}: {violation.message} ({violation.urn or 'stack'})\n")
    else:
        out.write(f"Policy pack: {len(POLICIES)} mandatory policies, 0 violations\n")
    out.write("\nStack outputs (pulumi stack output --json; ids and ARNs are mocked):\n")
    out.write(json.dumps(_plain(run.exports), indent=2, sort_keys=True) + "\n")


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.plan", description=__doc__.split("\n")[0]
    )
    parser.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
        help="override a config key (travelbot namespace unless KEY has a colon)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    out = out or sys.stdout
    if not (ROOT / f"Pulumi.{args.stack}.yaml").is_file():
        parser.error(f"no Pulumi.{args.stack}.yaml in {ROOT}")
    try:
        overrides = parse_overrides(args.overrides)
    except ValueError as exc:
        parser.error(str(exc))
    try:
        with lambda_package() as package:
            run = run_program(args.stack, overrides)
    except ConfigError as exc:
        sys.stderr.write(f"invalid configuration: {exc}\n")
        return 2
    violations = policy_violations(run)
    report(run, violations, package, out)
    return 1 if violations else 0


if __name__ == "__main__":
    sys.exit(main())
