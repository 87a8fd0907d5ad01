"""``python -m tools.preflight``: the AWS checks, through boto3, against moto's server.

moto's server runs on a free loopback port for this module and is reset before each test; the
account it plays is ``123456789012``. moto's Service Quotas knows VPC quotas only, so the
``lambda_quota`` fixture teaches it Lambda's concurrent executions quota (``L-B99A9384``) the
same way, with the value the test chooses (AWS gives 1000 by default, as low as 10 to some new
accounts).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from components.config import StackConfig, read_stack_file
from tools.mocked_stack import ROOT
from tools.preflight import aws as preflight_aws
from tools.preflight.report import Check, Status

ACCOUNT = "123456789012"
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """moto's threaded server on 127.0.0.1 and a free port, stopped after the module."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A clean moto (reset) and credentials for it in the environment."""
    requests.post(f"{moto_url}/moto-api/reset", timeout=10).raise_for_status()
    for name, value in KEYS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    return moto_url


@pytest.fixture
def lambda_quota(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Set the Lambda concurrency quota moto's Service Quotas answers (see the docstring)."""
    from moto.servicequotas.models import ServiceQuotasBackend

    vpc_only = ServiceQuotasBackend.get_service_quota

    def set_quota(value: int) -> None:
        def get_service_quota(
            self: ServiceQuotasBackend, service_code: str, quota_code: str
        ) -> dict[str, Any]:
            if (service_code, quota_code) == preflight_aws.LAMBDA_CONCURRENCY_QUOTA:
                return {
                    "ServiceCode": service_code, "QuotaCode": quota_code,
                    "QuotaName": "Concurrent executions", "Value": float(value),
                    "Unit": "None", "Adjustable": True, "GlobalQuota": False,
                }  # fmt: skip
            return vpc_only(self, service_code, quota_code)

        monkeypatch.setattr(ServiceQuotasBackend, "get_service_quota", get_service_quota)

    set_quota(1000)
    return set_quota


def clients(url: str) -> preflight_aws.Aws:
    return preflight_aws.Aws(boto3.session.Session(), endpoint_url=url)


def prod(**changes: Any) -> StackConfig:
    return replace(read_stack_file(ROOT, "prod"), **changes)


def dev(**changes: Any) -> StackConfig:
    return replace(read_stack_file(ROOT, "dev"), **changes)


def by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def function_with_reservation(
    url: str, region: str, name: str, reserved: int, **extra: Any
) -> None:
    iam = boto3.client("iam", endpoint_url=url, region_name=region)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "lambda.amazonaws.com"}}]}  # fmt: skip
    try:
        role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument=json.dumps(trust))
        role_arn = role["Role"]["Arn"]
    except iam.exceptions.EntityAlreadyExistsException:
        role_arn = iam.get_role(RoleName="fn-role")["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    lambda_ = boto3.client("lambda", endpoint_url=url, region_name=region)
    lambda_.create_function(
        FunctionName=name, Runtime="python3.12", Role=role_arn, Handler="handler.handler",
        Code={"ZipFile": archive.getvalue()}, **extra,
    )  # fmt: skip
    lambda_.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)


# Credentials ---------------------------------------------------------------------------------


def test_without_credentials_the_preflight_stops_at_the_first_check(
    moto: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # GIVEN no credentials anywhere botocore looks
    for name in (*KEYS, "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # WHEN the AWS checks run
    checks = list(preflight_aws.checks(dev(), clients(moto)))
    # THEN only the credentials check is reported, missing, with the fix
    assert [(c.name, c.status) for c in checks] == [("credentials", Status.MISSING)]
    assert "aws sso login" in checks[0].fix


def test_the_caller_and_account_are_named(moto: str, lambda_quota: object) -> None:
    checks = by_name(list(preflight_aws.checks(dev(), clients(moto))))
    assert checks["credentials"].status is Status.OK
    assert f"account {ACCOUNT}" in checks["credentials"].detail


# Lambda concurrency --------------------------------------------------------------------------


def test_a_default_quota_leaves_room_for_the_stacks_reservations(
    moto: str, lambda_quota: Callable[[int], None]
) -> None:
    # GIVEN the default quota of 1000 in both of prod's regions
    checks = by_name(list(preflight_aws.checks(prod(), clients(moto))))
    # THEN prod's 106 leave 894 unreserved in each region
    for region in ("us-east-1", "eu-west-1"):
        check = checks[f"Lambda concurrency in {region}"]
        assert check.status is Status.OK, check
        assert "quota 1000" in check.detail and "894 left unreserved" in check.detail


def test_a_new_accounts_quota_of_ten_is_missing_with_the_increase_to_request(
    moto: str, lambda_quota: Callable[[int], None]
) -> None:
    # GIVEN a new account whose quota is 10
    lambda_quota(10)
    # WHEN prod (reserving 100 + 5 + 1 per region) is checked
    check = by_name(list(preflight_aws.checks(prod(), clients(moto))))[
        "Lambda concurrency in us-east-1"
    ]
    # THEN it is missing: 106 + 100 unreserved = 206 must be requested
    assert check.status is Status.MISSING
    assert "--desired-value 206" in check.fix and "L-B99A9384" in check.fix


def test_other_functions_reservations_count_and_the_stacks_own_do_not(
    moto: str, lambda_quota: Callable[[int], None]
) -> None:
    # GIVEN a quota of 400, another team's function reserving 150, and prod's own chat
    # function from an earlier up reserving 100 (the stack's description)
    lambda_quota(400)
    function_with_reservation(moto, "us-east-1", "payroll", 150)
    function_with_reservation(
        moto, "us-east-1", "chat-us-east-1-chat-function-1a2b3c4", 100,
        Description="travelbot chat (prod)",
    )  # fmt: skip
    # WHEN prod is checked
    check = by_name(list(preflight_aws.checks(prod(), clients(moto))))[
        "Lambda concurrency in us-east-1"
    ]
    # THEN only the other function's 150 is counted: 400 - 150 - 106 = 144 stay unreserved
    assert check.status is Status.OK
    assert "reserved by other functions 150" in check.detail
    assert "144 left unreserved" in check.detail


# API Gateway's account role ------------------------------------------------------------------


def set_account_role(
    url: str, region: str, *, policy_resources: list[str], owner: str | None
) -> str:
    iam = boto3.client("iam", endpoint_url=url, region_name=region)
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
             "Principal": {"Service": "apigateway.amazonaws.com"}}]}  # fmt: skip
    tags = [{"Key": "travelbot-api-gateway-logging-owner", "Value": owner}] if owner else []
    role = iam.create_role(
        RoleName=f"apigw-logs-{region}", AssumeRolePolicyDocument=json.dumps(trust), Tags=tags
    )["Role"]
    statement = {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                 "Resource": policy_resources}  # fmt: skip
    iam.put_role_policy(
        RoleName=role["RoleName"], PolicyName="logs",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )  # fmt: skip
    boto3.client("apigateway", endpoint_url=url, region_name=region).update_account(
        patchOperations=[{"op": "replace", "path": "/cloudwatchRoleArn", "value": role["Arn"]}]
    )
    return str(role["Arn"])


def account_check(url: str, cfg: StackConfig, region: str = "us-east-1") -> Check:
    return by_name(list(preflight_aws.checks(cfg, clients(url))))[
        f"API Gateway account role in {region}"
    ]


def test_a_stack_that_relies_on_an_unset_account_role_is_told_who_must_set_it(
    moto: str, lambda_quota: object
) -> None:
    # GIVEN a fresh account (no CloudWatch role set) and dev, which does not manage it
    check = account_check(moto, dev())
    # THEN it is missing: stages with logging would be refused
    assert check.status is Status.MISSING
    assert "manageApiGatewayAccount true on one stack" in check.fix


def test_a_role_set_by_prod_that_writes_every_access_log_group_serves_dev(
    moto: str, lambda_quota: object
) -> None:
    # GIVEN the role prod set, allowed to write every stack's access log group
    group = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/travelbot/*/api-access"
    set_account_role(moto, "us-east-1", policy_resources=[group, f"{group}:*"], owner="prod")
    # THEN dev, relying on it, is ok and is told whose role it is
    check = account_check(moto, dev())
    assert check.status is Status.OK
    assert "owner: prod" in check.detail


def test_a_role_that_only_writes_execution_logs_is_missing_for_access_logs(
    moto: str, lambda_quota: object
) -> None:
    # GIVEN the account role scoped the old way, to execution logs only
    execution = f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:API-Gateway-Execution-Logs_*"
    set_account_role(moto, "us-east-1", policy_resources=[execution, f"{execution}:*"], owner=None)
    # THEN dev's access logs would never appear: missing, with the fix
    check = account_check(moto, dev())
    assert check.status is Status.MISSING
    assert "/travelbot/dev/api-access" in check.detail


def test_a_stack_that_manages_the_role_may_not_take_it_from_another_owner(
    moto: str, lambda_quota: object
) -> None:
    # GIVEN the setting owned by staging, and prod about to manage it too
    set_account_role(moto, "us-east-1", policy_resources=["*"], owner="staging")
    # THEN prod is told only one stack may set it
    check = account_check(moto, prod())
    assert check.status is Status.MISSING
    assert "owned by staging" in check.detail


def test_the_managing_stack_is_ok_on_a_fresh_account_and_on_its_own_role(
    moto: str, lambda_quota: object
) -> None:
    assert account_check(moto, prod()).status is Status.OK  # nothing set yet: prod sets it
    set_account_role(moto, "us-east-1", policy_resources=["*"], owner="prod")
    assert account_check(moto, prod()).status is Status.OK


# Custom domain -------------------------------------------------------------------------------


def zone(url: str, name: str, *, private: bool = False) -> str:
    route53 = boto3.client("route53", endpoint_url=url, region_name="us-east-1")
    extra: dict[str, Any] = {}
    if private:
        extra = {"HostedZoneConfig": {"PrivateZone": True},
                 "VPC": {"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"}}  # fmt: skip
    answer = route53.create_hosted_zone(Name=name, CallerReference=name, **extra)
    return str(answer["HostedZone"]["Id"]).rsplit("/", 1)[-1]


@pytest.mark.parametrize(
    ("zone_name", "private", "status", "words"),
    [
        ("travelbot.example.com", False, Status.OK, "is public and holds"),
        ("example.org", False, Status.MISSING, "not a zone of"),
        ("travelbot.example.com", True, Status.MISSING, "private zone"),
    ],
)
def test_the_hosted_zone_must_be_public_and_hold_the_domain(
    moto: str, lambda_quota: object, zone_name: str, private: bool, status: Status, words: str
) -> None:
    zone_id = zone(moto, zone_name, private=private)
    check = by_name(list(preflight_aws.checks(prod(hosted_zone_id=zone_id), clients(moto))))[
        "hosted zone"
    ]
    assert check.status is status
    assert words in check.detail


def test_a_hosted_zone_id_that_does_not_exist_is_missing(moto: str, lambda_quota: object) -> None:
    check = by_name(list(preflight_aws.checks(prod(), clients(moto))))["hosted zone"]
    assert check.status is Status.MISSING
    assert "does not exist" in check.detail


def test_a_custom_domain_taken_in_a_region_is_flagged_there_only(
    moto: str, lambda_quota: object
) -> None:
    # GIVEN chat.travelbot.example.com already an API Gateway domain in eu-west-1
    boto3.client("apigateway", endpoint_url=moto, region_name="eu-west-1").create_domain_name(
        domainName="chat.travelbot.example.com",
        regionalCertificateArn=f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/abc",
        endpointConfiguration={"types": ["REGIONAL"]},
    )
    checks = by_name(list(preflight_aws.checks(prod(), clients(moto))))
    # THEN us-east-1 is free (its certificate will come from ACM there), eu-west-1 is flagged
    assert checks["custom domain and certificate in us-east-1"].status is Status.OK
    assert "ACM in us-east-1" in checks["custom domain and certificate in us-east-1"].detail
    flagged = checks["custom domain and certificate in eu-west-1"]
    assert flagged.status is Status.UNKNOWN and "already exists" in flagged.detail


# The command -----------------------------------------------------------------------------------


def run_command(url: str, stack: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **KEYS, "AWS_ENDPOINT_URL": url}
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "AZURE_SUBSCRIPTION_ID", "ARM_SUBSCRIPTION_ID"):
        env.pop(name, None)
    env["CLOUDSDK_CONFIG"] = "/nonexistent"  # no gcloud application-default credentials
    return subprocess.run(
        [sys.executable, "-m", "tools.preflight", stack],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_command_prints_every_check_and_fails_on_a_missing_one(
    moto: str, lambda_quota: Callable[[int], None]
) -> None:
    # GIVEN a new account (quota 10) and dev, which relies on an account role nobody set
    lambda_quota(10)
    done = run_command(moto, "dev")
    # THEN the report lists each prerequisite with its fix, and the status is 1
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Preflight for stack dev: ")
    assert any(line.split()[:2] == ["ok", "aws"] and "credentials" in line for line in lines)
    assert any(line.split()[:2] == ["missing", "aws"] and "concurrency" in line for line in lines)
    assert sum("fix:" in line for line in lines) >= 2


def test_an_invalid_stack_file_is_status_2_naming_the_key(moto: str, tmp_path: Path) -> None:
    done = run_command(moto, "nosuchstack")
    assert done.returncode == 2
    assert "Pulumi.nosuchstack.yaml" in done.stderr
