"""The command line of :mod:`tools.preflight` (see its docstring)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from typing import TextIO

from components.config import ConfigError, StackConfig, read_stack_file
from tools.mocked_stack import ROOT
from tools.preflight import aws, azure, gcp
from tools.preflight.report import Check, Status, missing, render


def all_checks(cfg: StackConfig) -> Iterator[Check]:
    """Every check of the stack, each cloud with the operator's default credentials."""
    import boto3

    yield from aws.checks(cfg, aws.Aws(boto3.session.Session()))
    if cfg.dialogflow is not None:
        yield from _gcp(cfg)
    if cfg.azure is not None:
        yield from _azure(cfg)


def _gcp(cfg: StackConfig) -> Iterator[Check]:
    assert cfg.dialogflow is not None
    from google.auth.exceptions import DefaultCredentialsError

    try:
        session = gcp.default_session()
    except DefaultCredentialsError as exc:
        yield missing(
            gcp.CLOUD,
            "credentials",
            f"no Application Default Credentials ({exc})",
            "gcloud auth application-default login",
        )
        return
    yield from gcp.checks(cfg.dialogflow, session)


def _azure(cfg: StackConfig) -> Iterator[Check]:
    assert cfg.azure is not None
    subscription = azure.subscription_of(cfg.azure, cfg.azure_subscription_id)
    if not subscription:
        yield missing(
            azure.CLOUD,
            "subscription",
            "no subscription id",
            "set azure-native:subscriptionId in the stack file or AZURE_SUBSCRIPTION_ID",
        )
        return
    from azure.identity import DefaultAzureCredential

    client = azure.arm_client(DefaultAzureCredential())
    yield from azure.checks(cfg.azure, azure.Azure(client, subscription))


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """The command line; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.preflight",
        description="Check what a first pulumi up of STACK needs, with your credentials.",
    )
    parser.add_argument("stack", help="stack name: reads Pulumi.<stack>.yaml")
    args = parser.parse_args(argv)
    out = out or sys.stdout
    try:
        cfg = read_stack_file(ROOT, args.stack)
    except ConfigError as exc:
        sys.stderr.write(f"invalid configuration: {exc}\n")
        return 2
    checks = list(all_checks(cfg))
    render(args.stack, checks, out)
    return 1 if any(c.status is Status.MISSING for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
