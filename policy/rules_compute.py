"""Rules for Lambda functions."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from pulumi_policy import PolicyResource, ResourceValidationPolicy, StackValidationPolicy

from policy.support import Props, as_list, get, of_type, resource_rule, stack_rule

FUNCTION = "aws:lambda/function:Function"
PERMISSION = "aws:lambda/permission:Permission"
CODE_SIGNING_CONFIG = "aws:lambda/codeSigningConfig:CodeSigningConfig"
SIGNING_PROFILE = "aws:signer/signingProfile:SigningProfile"
SIGNING_JOB = "aws:signer/signingJob:SigningJob"
SUPPORTED_RUNTIMES = ("python3.12", "python3.13")
#: API Gateway gives up on an integration after 29 s; the function must finish first.
API_GATEWAY_TIMEOUT_S = 29
MIN_MEMORY_MB = 256

_SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL)", re.I)
_REFERENCE = re.compile(r"_(ARN|ID|NAME|URL|ENDPOINT|REGION)$", re.I)
_SECRET_VALUES = (
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r'"private_key"\s*:'),  # a GCP service-account key
    # A long random-looking token: mixed case and digits, no separators an ARN/URL would have.
    re.compile(r"^(?=[^:/]*$)(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9+/=_-]{40,}$"),
)


def check_runtime(props: Props) -> Iterator[str]:
    """A current Python runtime (AWS keeps patching it)."""
    if props.get("runtime") not in SUPPORTED_RUNTIMES:
        yield f"runtime {props.get('runtime')!r} is not one of {', '.join(SUPPORTED_RUNTIMES)}"


def check_api_function_timeouts(
    resources: Sequence[PolicyResource],
) -> Iterator[tuple[str, str | None]]:
    """Functions API Gateway may invoke finish below its 29 s integration timeout (scheduled
    and queue-driven jobs may run longer)."""
    invoked = {
        r.props.get("function")
        for r in of_type(resources, PERMISSION)
        if r.props.get("principal") == "apigateway.amazonaws.com"
    }
    for function in of_type(resources, FUNCTION):
        if invoked & {function.props.get("name"), function.props.get("arn")}:
            timeout = function.props.get("timeout", 3)  # Lambda's default is 3 s
            if not isinstance(timeout, int | float) or timeout >= API_GATEWAY_TIMEOUT_S:
                yield (
                    f"function behind API Gateway has timeout {timeout!r} s, not below "
                    f"API Gateway's {API_GATEWAY_TIMEOUT_S} s",
                    function.urn,
                )


def check_memory(props: Props) -> Iterator[str]:
    """An explicit memory size (CPU scales with it), not the 128 MB default."""
    memory = props.get("memorySize")
    if not isinstance(memory, int | float) or memory < MIN_MEMORY_MB:
        yield f"memory size {memory!r} MB is unset or below {MIN_MEMORY_MB} MB"


def check_reserved_concurrency(props: Props) -> Iterator[str]:
    """A function-level concurrency limit (protects the account pool and the table)."""
    reserved = props.get("reservedConcurrentExecutions")
    if not isinstance(reserved, int | float) or reserved < 1:
        yield f"reserved concurrency {reserved!r} is not a positive limit"


def check_tracing(props: Props) -> Iterator[str]:
    """Active X-Ray tracing."""
    if get(props, "tracingConfig", "mode") != "Active":
        yield "X-Ray tracing is not Active"


def looks_secret_name(name: str) -> bool:
    """A variable name that suggests a secret (``*_ARN``, ``*_ID``... only point at one)."""
    return bool(_SECRET_NAME.search(name)) and not _REFERENCE.search(name)


def check_environment(props: Props) -> Iterator[str]:
    """No secret in environment variables: names or values that look like one."""
    variables = get(props, "environment", "variables") or {}
    for name, value in variables.items():
        if looks_secret_name(str(name)):
            yield f"environment variable {name} looks like a secret; use Secrets Manager"
        elif isinstance(value, str) and any(p.search(value) for p in _SECRET_VALUES):
            yield f"environment variable {name} holds a value that looks like a secret"


def check_code_signing(props: Props) -> Iterator[str]:
    """A code signing config, and code from S3 (where a signing job puts it), not a local zip."""
    if not props.get("codeSigningConfigArn"):
        yield "function has no code signing config"
    if not (props.get("s3Bucket") and props.get("s3Key")):
        yield "function code is not an S3 object (a signing job's output)"


def check_signed_code(resources: Sequence[PolicyResource]) -> Iterator[tuple[str, str | None]]:
    """Each function runs the output of one of the stack's signing jobs, under a code signing
    config that trusts only the stack's signing profiles."""
    configs = {c.props.get("arn"): c for c in of_type(resources, CODE_SIGNING_CONFIG)}
    profiles = {p.props.get("versionArn") for p in of_type(resources, SIGNING_PROFILE)}
    signed = {
        (s3.get("bucket"), s3.get("key"))
        for job in of_type(resources, SIGNING_JOB)
        for obj in as_list(job.props.get("signedObjects"))
        for s3 in as_list(get(obj, "s3s"))
    }
    for function in of_type(resources, FUNCTION):
        config = configs.get(function.props.get("codeSigningConfigArn"))
        if config is None:
            yield "function's code signing config is not part of this stack", function.urn
            continue
        allowed = as_list(get(config.props, "allowedPublishers", "signingProfileVersionArns"))
        if not allowed or not set(allowed) <= profiles:
            yield "code signing config trusts a profile this stack does not own", function.urn
        if (function.props.get("s3Bucket"), function.props.get("s3Key")) not in signed:
            yield "function code is not the output of this stack's signing job", function.urn


POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    resource_rule(
        "lambda-supported-runtime",
        "Functions use a current Python runtime. Mirrors cdk-nag AwsSolutions-L1.",
        [FUNCTION],
        check_runtime,
    ),
    stack_rule(
        "lambda-timeout-below-api-gateway",
        "Functions API Gateway invokes time out below its 29 s integration timeout. Own rule: "
        "no cdk-nag or Checkov equivalent.",
        check_api_function_timeouts,
    ),
    resource_rule(
        "lambda-explicit-memory",
        "Functions set their memory explicitly (at least 256 MB). Mirrors cdk-nag "
        "Serverless-LambdaDefaultMemorySize.",
        [FUNCTION],
        check_memory,
    ),
    resource_rule(
        "lambda-reserved-concurrency",
        "Functions have a function-level concurrency limit. Mirrors Checkov CKV_AWS_115.",
        [FUNCTION],
        check_reserved_concurrency,
    ),
    resource_rule(
        "lambda-xray-tracing",
        "Functions trace actively with X-Ray. Mirrors Checkov CKV_AWS_50, cdk-nag "
        "Serverless-LambdaTracing.",
        [FUNCTION],
        check_tracing,
    ),
    resource_rule(
        "lambda-code-signing",
        "Functions validate code signatures (a code signing config) and deploy from S3. Mirrors "
        "Checkov CKV_AWS_272.",
        [FUNCTION],
        check_code_signing,
    ),
    stack_rule(
        "lambda-runs-signed-code",
        "Functions run their stack's signing job output under a config that trusts only the "
        "stack's signing profile (issue 13 item 9). Own rule: Checkov CKV_AWS_272 only checks "
        "that a config is attached.",
        check_signed_code,
    ),
    resource_rule(
        "lambda-no-secret-environment",
        "No secret-looking environment variable names or values. Mirrors Checkov CKV_AWS_45.",
        [FUNCTION],
        check_environment,
    ),
]
