"""Run the real Pulumi program (``__main__.py``) against mocks and record every resource.

What the Pulumi CLI would do, minus the engine: merge ``Pulumi.yaml`` defaults with the
stack's ``Pulumi.<stack>.yaml`` values, set them as config, install mocks (``preview=False``
so every input is known), run the program, wait for all registrations, and keep each
resource's type, name, inputs (camelCase, ints as floats), mocked outputs and options.
"""

from __future__ import annotations

import hashlib
import json
import runpy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
import yaml
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockCallArgs, MockMonitor, MockResourceArgs
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "travelbot"
ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
#: Secret config values the tests provide (never in the stack files).
TEST_SECRETS = {f"{PROJECT}:openweatherApiKey": "test-openweather-key-0123456789"}


@dataclass
class MockedResource:
    """One registered resource: what the program asked for and how."""

    urn: str
    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    custom: bool
    parent: str = ""
    ignore_changes: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)

    @property
    def region(self) -> str:
        """The region the resource is created in (the provider default when unset)."""
        return str(self.inputs.get("region") or DEFAULT_REGION)


@dataclass
class StackRun:
    """All resources and exports of one program run."""

    stack: str
    config: dict[str, str]
    resources: list[MockedResource]
    exports: dict[str, Any]

    def of_type(self, type_: str, *, region: str | None = None) -> list[MockedResource]:
        """Resources of a type (optionally in one region)."""
        return [
            r for r in self.resources if r.type == type_ and (region is None or r.region == region)
        ]

    def one(self, type_: str, name_part: str = "", *, region: str | None = None) -> MockedResource:
        """The single resource of a type whose name contains ``name_part``."""
        found = [r for r in self.of_type(type_, region=region) if name_part in r.name]
        if len(found) != 1:
            names = [r.name for r in found]
            raise AssertionError(f"expected one {type_} matching {name_part!r}, got {names}")
        return found[0]

    def by_urn(self, urn: str) -> MockedResource:
        """The resource with this URN."""
        return next(r for r in self.resources if r.urn == urn)

    def children_of(self, parent: MockedResource) -> Iterator[MockedResource]:
        """Direct children of a component."""
        return (r for r in self.resources if r.parent == parent.urn)


def _physical_name(name: str) -> str:
    return f"{name}-{hashlib.sha256(name.encode()).hexdigest()[:7]}"


def _arn(service: str, region: str, resource: str, *, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def mock_outputs(type_: str, name: str, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Plausible outputs (id, arn, generated names) for the types the program uses."""
    region = str(inputs.get("region") or DEFAULT_REGION)
    physical = str(inputs.get("name") or _physical_name(name))
    out: dict[str, Any] = {**inputs, "name": physical}
    special = _OUTPUTS.get(type_)
    rid = special(region, physical, inputs, out) if special else None
    service = type_.split(":")[1].split("/")[0]
    if type_.startswith("aws:") and service != "iam":
        out.setdefault("arn", _arn(service, region, f"{type_.split(':')[-1].lower()}/{physical}"))
    return rid or physical, out


Outputs = dict[str, Any]


def _key(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    rid = hashlib.sha256(physical.encode()).hexdigest()[:32]
    out.update(keyId=rid, arn=_arn("kms", region, f"key/{rid}"))
    return rid


def _table(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = _arn("dynamodb", region, f"table/{physical}")


def _secret(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    out["arn"] = _arn("secretsmanager", region, f"secret:{physical}-AbCdEf")
    return str(out["arn"])


def _queue(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    out["arn"] = _arn("sqs", region, physical)
    out["url"] = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{physical}"
    return str(out["url"])


def _log_group(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = _arn("logs", region, f"log-group:{physical}")


def _role(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{physical}"


def _function(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    arn = _arn("lambda", region, f"function:{physical}")
    out.update(arn=arn, version="1", qualifiedArn=f"{arn}:1", invokeArn=_invoke(region, arn))


def _alias(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    arn = _arn("lambda", region, f"function:{inputs.get('functionName')}:{physical}")
    out.update(arn=arn, invokeArn=_invoke(region, arn))


def _rest_api(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    rid = hashlib.sha256(physical.encode()).hexdigest()[:10]
    out.update(
        rootResourceId=f"root{rid[:6]}",
        executionArn=_arn("execute-api", region, rid),
        arn=f"arn:aws:apigateway:{region}::/restapis/{rid}",
    )
    return rid


def _stage(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    api, stage = inputs.get("restApi"), inputs.get("stageName")
    out.update(
        arn=f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}",
        invokeUrl=f"https://{api}.execute-api.{region}.amazonaws.com/{stage}",
        executionArn=_arn("execute-api", region, f"{api}/{stage}"),
    )


def _certificate(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    domain = inputs.get("domainName")
    out["arn"] = _arn("acm", region, f"certificate/{physical}")
    out["domainValidationOptions"] = [
        {
            "domainName": domain,
            "resourceRecordName": f"_x1.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": "_y1.acm-validations.aws.",
        }
    ]


def _domain_name(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["regionalDomainName"] = f"d-{physical[-7:]}.execute-api.{region}.amazonaws.com"
    out["regionalZoneId"] = "Z1UJRXOUMOOFQ8"


def _record(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["fqdn"] = str(inputs.get("name", "")).rstrip(".")


_OUTPUTS: dict[str, Callable[[str, str, Mapping[str, Any], Outputs], str | None]] = {
    "aws:kms/key:Key": _key,
    "aws:dynamodb/table:Table": _table,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:sqs/queue:Queue": _queue,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _role,
    "aws:lambda/function:Function": _function,
    "aws:lambda/alias:Alias": _alias,
    "aws:apigateway/restApi:RestApi": _rest_api,
    "aws:apigateway/stage:Stage": _stage,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:apigateway/domainName:DomainName": _domain_name,
    "aws:route53/record:Record": _record,
}


def _invoke(region: str, arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"


class RecordingMocks(pulumi.runtime.Mocks):
    """Mocks that keep every resource's inputs and outputs."""

    def __init__(self) -> None:
        self.created: dict[tuple[str, str], tuple[MockResourceArgs, str, dict[str, Any]]] = {}

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = mock_outputs(args.typ, args.name, args.inputs)
        self.created[(args.typ, args.name)] = (args, rid, outputs)
        return (rid if args.custom else None), outputs

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT,
                "arn": f"arn:aws:iam::{ACCOUNT}:user/ci",
                "userId": "AIDEXAMPLE",
                "id": ACCOUNT,
            }
        raise AssertionError(f"unexpected invoke {args.token}")


class RecordingMonitor(MockMonitor):
    """A mock monitor that also keeps the resource options the engine would see."""

    def __init__(self, mocks: RecordingMocks) -> None:
        super().__init__(mocks)
        self.options: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        self.options[response.urn] = {
            "parent": request.parent,
            "ignore_changes": list(request.ignoreChanges),
            "dependencies": list(request.dependencies),
        }
        return response


def stack_config(stack: str, overrides: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Config as the CLI passes it: Pulumi.yaml defaults, then the stack file, then overrides."""
    project = yaml.safe_load((ROOT / "Pulumi.yaml").read_text())
    values: dict[str, Any] = {
        f"{PROJECT}:{key}": decl["default"] for key, decl in project["config"].items()
    }
    values.update(yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"])
    values.update(TEST_SECRETS)
    values.update({k if ":" in k else f"{PROJECT}:{k}": v for k, v in (overrides or {}).items()})
    return {key: _config_text(value) for key, value in values.items()}


def _config_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def run_program(stack: str, overrides: Mapping[str, Any] | None = None) -> StackRun:
    """Evaluate ``__main__.py`` for ``stack`` with mocks; raises what the program raises."""
    config = stack_config(stack, overrides)
    pulumi.runtime.set_all_config(config, secret_keys=list(TEST_SECRETS))
    mocks = RecordingMocks()
    monitor = RecordingMonitor(mocks)
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    pulumi_settings.SETTINGS.outputs.clear()

    def program() -> None:
        runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")

    _sync_await(run_pulumi_func(program))
    root = pulumi_settings.get_root_resource()
    assert root is not None
    exports = {
        name: _sync_await(pulumi.Output.from_input(value).future())
        for name, value in root.outputs.items()  # type: ignore[attr-defined]
    }
    resources = []
    for urn, options in monitor.options.items():
        type_ = urn.split("::")[2].split("$")[-1]
        name = urn.split("::")[-1]
        args, rid, outputs = mocks.created[(type_, name)]
        resources.append(
            MockedResource(
                urn=urn,
                type=type_,
                name=name,
                id=rid if args.custom else "",
                inputs=dict(args.inputs),
                outputs=outputs,
                custom=bool(args.custom),
                parent=options["parent"],
                ignore_changes=options["ignore_changes"],
                dependencies=options["dependencies"],
            )
        )
    return StackRun(stack=stack, config=config, resources=resources, exports=exports)
