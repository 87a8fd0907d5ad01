"""Rules for the edge: API Gateway REST stages and methods, WAF web ACLs."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping, Sequence

from pulumi_policy import PolicyResource, ResourceValidationPolicy, StackValidationPolicy

from policy.support import (
    Props,
    as_list,
    get,
    of_type,
    policy_document,
    resource_rule,
    stack_rule,
    statements,
)

STAGE = "aws:apigateway/stage:Stage"
METHOD = "aws:apigateway/method:Method"
METHOD_SETTINGS = "aws:apigateway/methodSettings:MethodSettings"
WEB_ACL = "aws:wafv2/webAcl:WebAcl"
WEB_ACL_ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation"
WEB_ACL_LOGGING = "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"
ACCOUNT = "aws:apigateway/account:Account"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
ROLE_POLICY_ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
#: What API Gateway needs to write a stage's logs into a group (it creates the streams).
LOG_WRITE_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
#: AWS's managed policy for API Gateway logging (grants every log group).
PUSH_TO_CLOUDWATCH = "arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"

REQUIRED_MANAGED_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
)
#: The runtime's token bucket allows bursts of 200: a WAF limit below it would undercut it.
MIN_RATE_LIMIT = 200
RATE_WINDOW_S = 60
BODY_METHODS = ("POST", "PUT", "PATCH")


def check_stage_access_logs(props: Props) -> Iterator[str]:
    """Stages write access logs somewhere, in a format."""
    if not get(props, "accessLogSettings", "destinationArn"):
        yield "API stage has no access log destination"
    if not get(props, "accessLogSettings", "format"):
        yield "API stage has no access log format"


def check_stage_tracing(props: Props) -> Iterator[str]:
    """Stages trace with X-Ray."""
    if props.get("xrayTracingEnabled") is not True:
        yield "API stage does not have X-Ray tracing enabled"


def check_method_settings(props: Props) -> Iterator[str]:
    """Stage-wide method settings: execution logs, metrics, no data trace, throttling."""
    settings = props.get("settings") or {}
    if props.get("methodPath") != "*/*":
        yield f"method settings apply to {props.get('methodPath')!r}, not every method (*/*)"
    if settings.get("loggingLevel") not in ("ERROR", "INFO"):
        yield "method settings do not turn execution logging on (ERROR or INFO)"
    if settings.get("metricsEnabled") is not True:
        yield "method settings do not enable detailed CloudWatch metrics"
    if settings.get("dataTraceEnabled") is True:
        yield "method settings enable data trace, which logs request and response bodies"
    for limit in ("throttlingBurstLimit", "throttlingRateLimit"):
        value = settings.get(limit)
        if not isinstance(value, int | float) or value <= 0:
            yield f"method settings have no positive {limit}"


def check_request_validation(props: Props) -> Iterator[str]:
    """Every method has a request validator; methods that take a body also a model."""
    method = str(props.get("httpMethod", "")).upper()
    if not props.get("requestValidatorId"):
        yield f"{method} method has no request validator"
    if method in BODY_METHODS and not props.get("requestModels"):
        yield f"{method} method has no request model"


def check_web_acl(props: Props) -> Iterator[str]:
    """REGIONAL scope, a per-IP rate rule over 60 s and AWS's managed rule groups."""
    if props.get("scope") != "REGIONAL":
        yield f"web ACL scope is {props.get('scope')!r}; an API Gateway stage needs REGIONAL"
    rules = [r for r in as_list(props.get("rules")) if isinstance(r, Mapping)]
    rates = [get(r, "statement", "rateBasedStatement") for r in rules]
    rates = [r for r in rates if r]
    if not any(
        r.get("aggregateKeyType", "IP") == "IP"
        and r.get("evaluationWindowSec") == RATE_WINDOW_S
        and (r.get("limit") or 0) >= MIN_RATE_LIMIT
        for r in rates
    ):
        yield (
            f"web ACL has no per-IP rate-based rule over {RATE_WINDOW_S} s with a limit of at "
            f"least {MIN_RATE_LIMIT}"
        )
    groups = {
        get(r, "statement", "managedRuleGroupStatement", "name"): r
        for r in rules
        if get(r, "statement", "managedRuleGroupStatement", "vendorName") == "AWS"
    }
    for group in REQUIRED_MANAGED_GROUPS:
        if group not in groups:
            yield f"web ACL lacks the AWS managed rule group {group}"
        elif get(groups[group], "overrideAction", "count") is not None:
            yield f"web ACL only counts (does not block) {group}"


def check_waf_logging(props: Props) -> Iterator[str]:
    """WAF logs somewhere, with sensitive fields redacted."""
    if not as_list(props.get("logDestinationConfigs")):
        yield "WAF logging has no destination"
    if not as_list(props.get("redactedFields")):
        yield "WAF logging redacts no field (cookies, authorization, query strings)"


def check_stages_have_waf(resources: Sequence[PolicyResource]) -> Iterator[tuple[str, str | None]]:
    """Every stage is associated with a web ACL that passes :func:`check_web_acl`."""
    acls = {r.props.get("arn"): r for r in of_type(resources, WEB_ACL)}
    associations = {
        r.props.get("resourceArn"): r.props.get("webAclArn")
        for r in of_type(resources, WEB_ACL_ASSOCIATION)
    }
    for stage in of_type(resources, STAGE):
        acl_arn = associations.get(stage.props.get("arn"))
        if acl_arn is None:
            yield "API stage is not associated with a WAF web ACL", stage.urn
            continue
        acl = acls.get(acl_arn)
        if acl is None:
            yield f"API stage's web ACL {acl_arn} is not part of this stack", stage.urn
            continue
        for problem in check_web_acl(acl.props):
            yield f"API stage's {problem}", stage.urn


def check_stages_have_settings(
    resources: Sequence[PolicyResource],
) -> Iterator[tuple[str, str | None]]:
    """Every stage has ``*/*`` method settings (else logging/metrics/throttling are off)."""
    covered = {
        (r.props.get("restApi"), r.props.get("stageName"))
        for r in of_type(resources, METHOD_SETTINGS)
        if r.props.get("methodPath") == "*/*"
    }
    for stage in of_type(resources, STAGE):
        if (stage.props.get("restApi"), stage.props.get("stageName")) not in covered:
            yield "API stage has no */* method settings", stage.urn


def _allows(document: Mapping[str, object], action: str, arn: str) -> bool:
    for statement in statements(policy_document(document)):
        if statement.get("Effect") != "Allow":
            continue
        actions = [str(a) for a in as_list(statement.get("Action"))]
        resources = [str(r) for r in as_list(statement.get("Resource"))]
        if any(fnmatch.fnmatchcase(action, a) for a in actions) and any(
            fnmatch.fnmatchcase(arn, r) for r in resources
        ):
            return True
    return False


def check_access_log_role(
    resources: Sequence[PolicyResource],
) -> Iterator[tuple[str, str | None]]:
    """The account-level CloudWatch role this stack sets in a region may write where that
    region's stages send access logs (API Gateway writes access logs with that role too; a role
    scoped to ``API-Gateway-Execution-Logs_*`` drops them silently). Regions whose role is set
    outside the stack are checked by ``python -m tools.preflight``."""
    accounts = {a.props.get("region"): a for a in of_type(resources, ACCOUNT)}
    roles = {r.props.get("arn"): r for r in of_type(resources, ROLE)}
    for stage in of_type(resources, STAGE):
        group = get(stage.props, "accessLogSettings", "destinationArn")
        account = accounts.get(stage.props.get("region"))
        if not group or account is None:
            continue
        role = roles.get(account.props.get("cloudwatchRoleArn"))
        if role is None:
            yield "the API Gateway account's CloudWatch role is not part of this stack", stage.urn
            continue
        names = {role.props.get("name"), role.props.get("id")}
        documents = [
            p.props.get("policy") for p in of_type(resources, ROLE_POLICY)
            if p.props.get("role") in names
        ]  # fmt: skip
        managed = any(
            a.props.get("policyArn") == PUSH_TO_CLOUDWATCH and a.props.get("role") in names
            for a in of_type(resources, ROLE_POLICY_ATTACHMENT)
        )
        stream = f"{group}:log-stream:{stage.props.get('stageName', 'stage')}"
        for action in LOG_WRITE_ACTIONS:
            if not managed and not any(_allows(d, action, stream) for d in documents):  # type: ignore[arg-type]
                yield (
                    f"the API Gateway account role may not {action} into the stage's access log "
                    f"group {group}: access logs would never appear",
                    stage.urn,
                )


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    resource_rule(
        "apigw-stage-access-logging",
        "API Gateway stages write access logs. Mirrors cdk-nag AwsSolutions-APIG1, "
        "Checkov CKV_AWS_76.",
        [STAGE],
        check_stage_access_logs,
    ),
    resource_rule(
        "apigw-stage-xray-tracing",
        "API Gateway stages trace with X-Ray. Mirrors Checkov CKV_AWS_73.",
        [STAGE],
        check_stage_tracing,
    ),
    resource_rule(
        "apigw-method-settings",
        "Stage-wide method settings log at ERROR or INFO, enable metrics, never data-trace "
        "(it would log chat text) and throttle. Mirrors cdk-nag AwsSolutions-APIG6, "
        "Checkov CKV2_AWS_4 and CKV_AWS_276.",
        [METHOD_SETTINGS],
        check_method_settings,
    ),
    resource_rule(
        "apigw-request-validation",
        "Every method has a request validator, and methods that take a body validate it against "
        "a model. Mirrors cdk-nag AwsSolutions-APIG2, Checkov CKV2_AWS_53.",
        [METHOD],
        check_request_validation,
    ),
    stack_rule(
        "apigw-access-log-role-can-write",
        "The API Gateway account role the stack sets may write the stages' access logs where "
        "they go (issue 13 item 2). Own rule: Checkov and cdk-nag only check that a "
        "destination is set.",
        check_access_log_role,
    ),
    resource_rule(
        "waf-rate-and-managed-rules",
        "Web ACLs are REGIONAL with a per-IP 60 s rate rule and AWS's Common, "
        "KnownBadInputs and IP-reputation groups. Mirrors Checkov CKV_AWS_192.",
        [WEB_ACL],
        check_web_acl,
    ),
    resource_rule(
        "waf-logging-redacted",
        "WAF logs to a destination with sensitive fields redacted. Mirrors Checkov CKV2_AWS_31.",
        [WEB_ACL_LOGGING],
        check_waf_logging,
    ),
    stack_rule(
        "apigw-stage-has-waf",
        "Every API stage is associated with a compliant WAF web ACL. Mirrors cdk-nag "
        "AwsSolutions-APIG3, Checkov CKV2_AWS_29.",
        check_stages_have_waf,
    ),
    stack_rule(
        "apigw-stage-has-method-settings",
        "Every API stage has */* method settings. Mirrors cdk-nag AwsSolutions-APIG6.",
        check_stages_have_settings,
    ),
]
