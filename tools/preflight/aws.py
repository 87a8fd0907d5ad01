"""AWS prerequisites of a first ``pulumi up``, read with the operator's credentials (boto3).

- **Who**: ``sts:GetCallerIdentity`` (the account the stack goes to).
- **Lambda concurrency** per region: Lambda keeps 100 of the region's quota unreserved, so the
  quota (Service Quotas ``L-B99A9384``) must cover what other functions of the account reserve,
  plus this stack's three reservations, plus 100. A new account's quota can be as low as 10.
- **API Gateway's account role** per region (one setting per account and region): the stack
  that sets ``manageApiGatewayAccount`` should own it (tag ``travelbot-api-gateway-logging-owner``);
  the others need it set already, by a role that may write their access log group.
- **Custom domain**: the hosted zone exists, is public and holds the domain; the domain name is
  free in each region's API Gateway (a REGIONAL custom domain takes its certificate from ACM in
  its own region, which the program requests there).
"""

from __future__ import annotations

import fnmatch
import json
import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from components.chat_api_definition import OWNER_TAG, access_log_group
from components.config import StackConfig
from components.config_values import LAMBDA_UNRESERVED_MINIMUM
from tools.preflight.report import Check, missing, ok, unknown

CLOUD = "aws"
LAMBDA_CONCURRENCY_QUOTA = ("lambda", "L-B99A9384")
PUSH_TO_CLOUDWATCH = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: How the program describes its functions (components.chat_function): ours are not "others".
_OWN_FUNCTION = re.compile(r"^travelbot (chat|replay|analytics) \((?P<stage>[^)]+)\)$")


@dataclass(frozen=True)
class Aws:
    """Clients on the operator's session (``endpoint_url``: a local AWS, e.g. moto's server)."""

    session: boto3.session.Session
    endpoint_url: str | None = None

    def client(self, service: str, region: str | None = None) -> Any:
        """A boto3 client for ``service`` in ``region``."""
        return self.session.client(service, region_name=region, endpoint_url=self.endpoint_url)  # type: ignore[call-overload]


def checks(cfg: StackConfig, aws: Aws) -> Iterator[Check]:
    """Every AWS prerequisite of the stack, in the order an operator fixes them."""
    identity, account = _identity(aws, cfg.primary_region)
    yield identity
    if account is None:
        return  # nothing else can be read without credentials
    for region in cfg.regions:
        yield _guarded(f"Lambda concurrency in {region}", partial(_concurrency, cfg, aws, region))
    for region in cfg.regions:
        yield _guarded(
            f"API Gateway account role in {region}",
            partial(_account_role, cfg, aws, region, account),
        )
    if cfg.custom_domain:
        yield _guarded("hosted zone", partial(_hosted_zone, cfg, aws))
        for region in cfg.regions:
            yield _guarded(
                f"custom domain and certificate in {region}",
                partial(_domain_free, cfg, aws, region),
            )


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """Run one check; an API error becomes an ``unknown`` naming the call that failed."""
    try:
        return check()
    except ClientError as exc:
        error = exc.response.get("Error", {})
        detail = f"{exc.operation_name} failed: {error.get('Code')}: {error.get('Message')}"
        return unknown(CLOUD, name, detail, "grant the caller read access to it, or check by hand")
    except BotoCoreError as exc:
        return unknown(CLOUD, name, f"could not call AWS: {exc}", "check network and credentials")


def _identity(aws: Aws, region: str) -> tuple[Check, str | None]:
    """The caller, and its account id (None when there are no working credentials)."""
    name = "credentials"
    try:
        who = aws.client("sts", region).get_caller_identity()
    except NoCredentialsError:
        return missing(
            CLOUD,
            name,
            "no AWS credentials found",
            "aws configure / aws sso login, or set AWS_PROFILE",
        ), None
    except (ClientError, BotoCoreError) as exc:
        return missing(
            CLOUD,
            name,
            f"the credentials do not work: {exc}",
            "refresh them (aws sso login) or pick another AWS_PROFILE",
        ), None
    account = str(who["Account"])
    return ok(CLOUD, name, f"account {account} as {who['Arn']}"), account


def _concurrency(cfg: StackConfig, aws: Aws, region: str) -> Check:
    name = f"Lambda concurrency in {region}"
    quota = _lambda_quota(aws, region)
    others = sum(_reservations_of_others(cfg, aws, region))
    needed = cfg.concurrency.reserved_total
    free = quota - others - needed
    detail = (
        f"quota {quota}, reserved by other functions {others}, this stack reserves {needed} "
        f"(chat {cfg.concurrency.chat}, replay {cfg.concurrency.replay}, analytics "
        f"{cfg.concurrency.analytics}): {free} left unreserved"
    )
    if free >= LAMBDA_UNRESERVED_MINIMUM:
        return ok(CLOUD, name, detail)
    target = others + needed + LAMBDA_UNRESERVED_MINIMUM
    fix = (
        f"Lambda keeps {LAMBDA_UNRESERVED_MINIMUM} unreserved: request at least {target} "
        f"(aws service-quotas request-service-quota-increase --service-code lambda "
        f"--quota-code {LAMBDA_CONCURRENCY_QUOTA[1]} --desired-value {target} --region {region}),"
        f" or lower reservedConcurrency / replayReservedConcurrency in Pulumi.{cfg.stack}.yaml"
    )
    return missing(CLOUD, name, detail, fix)


def _lambda_quota(aws: Aws, region: str) -> int:
    quotas = aws.client("service-quotas", region)
    service, code = LAMBDA_CONCURRENCY_QUOTA
    try:
        answer = quotas.get_service_quota(ServiceCode=service, QuotaCode=code)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchResourceException":
            raise
        # Never adjusted: the applied value is the default.
        answer = quotas.get_aws_default_service_quota(ServiceCode=service, QuotaCode=code)
    return int(answer["Quota"]["Value"])


def _reservations_of_others(cfg: StackConfig, aws: Aws, region: str) -> Iterator[int]:
    lambda_ = aws.client("lambda", region)
    for page in lambda_.get_paginator("list_functions").paginate():
        for function in page["Functions"]:
            own = _OWN_FUNCTION.match(function.get("Description") or "")
            if own and own.group("stage") == cfg.stack:
                continue  # replaced by this stack's own numbers
            answer = lambda_.get_function_concurrency(FunctionName=function["FunctionName"])
            yield int(answer.get("ReservedConcurrentExecutions") or 0)


def _account_role(cfg: StackConfig, aws: Aws, region: str, account: str) -> Check:
    name = f"API Gateway account role in {region}"
    role_arn = aws.client("apigateway", region).get_account().get("cloudwatchRoleArn") or ""
    owner = _owner(aws, role_arn, region) if role_arn else None
    if cfg.manage_api_gateway_account:
        if not role_arn or owner == cfg.stack:
            return ok(CLOUD, name, f"this stack sets it ({role_arn or 'not set yet'})")
        return missing(
            CLOUD,
            name,
            f"set to {role_arn}, owned by {owner or 'something else'}",
            "exactly one stack per account and region may set manageApiGatewayAccount: set it "
            f"false in Pulumi.{cfg.stack}.yaml, or false on the other owner first",
        )
    if not role_arn:
        return missing(
            CLOUD,
            name,
            "no CloudWatch role is set: stages with logging would be refused",
            "set manageApiGatewayAccount true on one stack of this account and region (prod in "
            "this repository) and deploy it first, or on this one if it is alone there",
        )
    group = f"arn:aws:logs:{region}:{account}:log-group:{access_log_group(cfg.stack)}:log-stream:x"
    if _role_can_write(aws, role_arn, region, group):
        return ok(
            CLOUD, name, f"{role_arn} (owner: {owner or 'untagged'}) writes this stack's logs"
        )
    return missing(
        CLOUD,
        name,
        f"{role_arn} may not write {access_log_group(cfg.stack)}: access logs would never appear",
        "deploy the owning stack with this repository's ChatApi (its role covers every "
        "/travelbot/*/api-access group), or grant the role logs:CreateLogStream and "
        "logs:PutLogEvents on that group",
    )


def _owner(aws: Aws, role_arn: str, region: str) -> str | None:
    iam = aws.client("iam", region)
    try:
        tags = iam.list_role_tags(RoleName=role_arn.rsplit("/", 1)[-1])["Tags"]
    except ClientError:
        return None
    return next((t["Value"] for t in tags if t["Key"] == OWNER_TAG), None)


def _role_can_write(aws: Aws, role_arn: str, region: str, stream_arn: str) -> bool:
    iam = aws.client("iam", region)
    role = role_arn.rsplit("/", 1)[-1]
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    if any(p["PolicyArn"] == PUSH_TO_CLOUDWATCH for p in attached):
        return True
    documents = [
        iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
        for policy in iam.list_role_policies(RoleName=role)["PolicyNames"]
    ]
    return all(
        any(_allows(d, action, stream_arn) for d in documents) for action in LOG_WRITE_ACTIONS
    )


def _allows(document: Any, action: str, arn: str) -> bool:
    if isinstance(document, str):  # some SDKs return it URL-encoded JSON text
        document = json.loads(urllib.parse.unquote(document))
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        resources = statement.get("Resource", [])
        actions = actions if isinstance(actions, list) else [actions]
        resources = resources if isinstance(resources, list) else [resources]
        if (
            statement.get("Effect") == "Allow"
            and any(fnmatch.fnmatchcase(action, a) for a in actions)
            and any(fnmatch.fnmatchcase(arn, r) for r in resources)
        ):
            return True
    return False


def _hosted_zone(cfg: StackConfig, aws: Aws) -> Check:
    name = "hosted zone"
    route53 = aws.client("route53", cfg.primary_region)
    try:
        zone = route53.get_hosted_zone(Id=cfg.hosted_zone_id)["HostedZone"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchHostedZone":
            raise
        return missing(
            CLOUD,
            name,
            f"{cfg.hosted_zone_id} does not exist in this account",
            "create the public zone for the domain and set hostedZoneId to its id",
        )
    zone_name = zone["Name"].rstrip(".")
    if zone.get("Config", {}).get("PrivateZone"):
        return missing(
            CLOUD,
            name,
            f"{zone_name} is a private zone: ACM cannot validate in it",
            "use the public hosted zone of the domain",
        )
    domain = cfg.custom_domain
    if domain != zone_name and not domain.endswith(f".{zone_name}"):
        return missing(
            CLOUD,
            name,
            f"{cfg.hosted_zone_id} is {zone_name}, not a zone of {domain}",
            "set hostedZoneId to the zone that holds customDomain",
        )
    return ok(CLOUD, name, f"{zone_name} ({cfg.hosted_zone_id}) is public and holds {domain}")


def _domain_free(cfg: StackConfig, aws: Aws, region: str) -> Check:
    name = f"custom domain and certificate in {region}"
    apigateway = aws.client("apigateway", region)
    try:
        existing = apigateway.get_domain_name(domainName=cfg.custom_domain)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NotFoundException":
            raise
        return ok(
            CLOUD,
            name,
            f"{cfg.custom_domain} is free here; the program requests its REGIONAL "
            f"certificate from ACM in {region} and validates it in the hosted zone",
        )
    certificate = existing.get("regionalCertificateArn") or existing.get("certificateArn") or "?"
    return unknown(
        CLOUD,
        name,
        f"{cfg.custom_domain} already exists here (certificate {certificate})",
        "fine if this stack created it; otherwise pulumi up fails with 'already exists': delete "
        "it (aws apigateway delete-domain-name) or choose another customDomain",
    )
