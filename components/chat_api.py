"""ChatApi: the API Gateway REST API in front of the chat alias (REST, because WAF cannot
attach to an HTTP API).

Routes: ``POST /chat`` (validated against a JSON-schema model before the function runs),
``GET|DELETE /sessions/{id}``, ``GET /``, ``GET /go/{linkId}``, ``GET /health``, all Lambda
proxy integrations of the alias ``live``. The stage has access logs (no bodies), X-Ray and
``*/*`` method settings: execution logging at ERROR, metrics on, data trace off (it would log
chat text), throttling. Gateway responses keep the ``{"error": {"code", "message"}}`` contract
for errors API Gateway answers itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components.arns import partition_of

STAGE_NAME = "v1"


@dataclass(frozen=True)
class Route:
    """One method on one path of the API."""

    method: str
    path: str
    validated: bool = False


ROUTES: tuple[Route, ...] = (
    Route("POST", "/chat", validated=True),
    Route("GET", "/sessions/{id}"),
    Route("DELETE", "/sessions/{id}"),
    Route("GET", "/"),
    Route("GET", "/go/{linkId}"),
    Route("GET", "/health"),
)

#: The ``POST /chat`` body (the contract in DESIGN.md). API Gateway validates draft-04.
CHAT_REQUEST_SCHEMA: dict[str, object] = {
    "$schema": "http://json-schema.org/draft-04/schema#",
    "title": "ChatRequest",
    "type": "object",
    "properties": {
        "message": {"type": "string", "minLength": 1, "maxLength": 1000},
        "sessionId": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
        "clientMessageId": {"type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,64}$"},
    },
    "required": ["message"],
    "additionalProperties": False,
}


def _error(code: str, message: str) -> dict[str, str]:
    return {"application/json": json.dumps({"error": {"code": code, "message": message}})}


#: Responses API Gateway sends itself, in the chat API's error format.
GATEWAY_RESPONSES: dict[str, tuple[str, dict[str, str], dict[str, str]]] = {
    "BAD_REQUEST_BODY": (
        "400",
        _error("invalid_request", "The request body does not match the chat request schema."),
        {},
    ),
    "REQUEST_TOO_LARGE": ("413", _error("payload_too_large", "The request is too large."), {}),
    "THROTTLED": (
        "429",
        _error("rate_limited", "Too many requests; retry later."),
        {"gatewayresponse.header.Retry-After": "'1'"},
    ),
    "WAF_FILTERED": ("403", _error("forbidden", "The request was blocked."), {}),
    # API Gateway answers an unknown route with "missing authentication token" (403).
    "MISSING_AUTHENTICATION_TOKEN": (
        "404",
        _error("not_found", "No such route; see POST /chat."),
        {},
    ),
    "DEFAULT_4XX": ("", _error("bad_request", "The request was not accepted."), {}),
    "DEFAULT_5XX": ("", _error("internal_error", "The service failed; retry later."), {}),
}

ACCESS_LOG_FORMAT = json.dumps(
    {
        "requestId": "$context.requestId",
        "ip": "$context.identity.sourceIp",
        "requestTime": "$context.requestTimeEpoch",
        "httpMethod": "$context.httpMethod",
        "resourcePath": "$context.resourcePath",
        "status": "$context.status",
        "responseLength": "$context.responseLength",
        "responseLatency": "$context.responseLatency",
        "integrationLatency": "$context.integrationLatency",
        "wafStatus": "$context.waf.status",
        "xrayTraceId": "$context.xrayTraceId",
    },
    separators=(",", ":"),
)


def definition_hash() -> str:
    """A hash of everything that shapes the API: a change forces a new deployment."""
    shape = {
        "routes": [(r.method, r.path, r.validated) for r in ROUTES],
        "schema": CHAT_REQUEST_SCHEMA,
        "responses": GATEWAY_RESPONSES,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True, kw_only=True)
class ChatApiArgs:
    """Arguments of :class:`ChatApi`."""

    region: str
    stage: str
    account_id: pulumi.Input[str]
    function_name: pulumi.Input[str]
    alias_name: pulumi.Input[str]
    alias_invoke_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    throttle_burst: int = 200
    throttle_rate: int = 100
    log_retention_days: int = 7
    manage_account_logging_role: bool = True


class ChatApi(pulumi.ComponentResource):
    """REST API, model, validator, deployment, stage with logs/tracing/throttling."""

    rest_api: aws.apigateway.RestApi
    stage: aws.apigateway.Stage
    url: pulumi.Output[str]
    stage_arn: pulumi.Output[str]
    api_id: pulumi.Output[str]
    api_name: pulumi.Output[str]
    stage_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: ChatApiArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:ChatApi", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.rest_api = aws.apigateway.RestApi(
            f"{name}-api",
            description=f"travelbot chat API ({args.stage})",
            endpoint_configuration=aws.apigateway.RestApiEndpointConfigurationArgs(
                types="REGIONAL"
            ),
            minimum_compression_size="1024",
            region=args.region,
            opts=child,
        )
        api = self.rest_api
        model = aws.apigateway.Model(
            f"{name}-chat-model",
            rest_api=api.id,
            name="ChatRequest",
            content_type="application/json",
            schema=json.dumps(CHAT_REQUEST_SCHEMA),
            region=args.region,
            opts=child,
        )
        validator = aws.apigateway.RequestValidator(
            f"{name}-validator",
            rest_api=api.id,
            name="body-and-parameters",
            validate_request_body=True,
            validate_request_parameters=True,
            region=args.region,
            opts=child,
        )
        methods = self._routes(name, args, model, validator)
        for response_type, (status, templates, parameters) in GATEWAY_RESPONSES.items():
            response = aws.apigateway.Response(
                f"{name}-response-{response_type.lower().replace('_', '-')}",
                rest_api_id=api.id,
                response_type=response_type,
                status_code=status or None,
                response_templates=templates,
                response_parameters=parameters or None,
                region=args.region,
                opts=child,
            )
            methods.append(response)
        aws.lambda_.Permission(
            f"{name}-invoke",
            action="lambda:InvokeFunction",
            function=args.function_name,
            qualifier=args.alias_name,
            principal="apigateway.amazonaws.com",
            source_arn=pulumi.Output.concat(api.execution_arn, "/*/*/*"),
            region=args.region,
            opts=child,
        )
        deployment = aws.apigateway.Deployment(
            f"{name}-deployment",
            rest_api=api.id,
            description="travelbot chat API",
            triggers={"definition": definition_hash()},
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=methods),
        )
        self.stage = self._stage(name, args, deployment)
        self.url = self.stage.invoke_url
        self.stage_arn = self.stage.arn
        self.api_id = api.id
        self.api_name = api.name
        self.stage_name = self.stage.stage_name
        self.register_outputs(
            {
                "url": self.url,
                "stageArn": self.stage_arn,
                "apiId": self.api_id,
                "apiName": self.api_name,
                "stageName": self.stage_name,
            }
        )

    def _routes(
        self,
        name: str,
        args: ChatApiArgs,
        model: aws.apigateway.Model,
        validator: aws.apigateway.RequestValidator,
    ) -> list[pulumi.Resource]:
        api = self.rest_api
        resources: dict[str, pulumi.Input[str]] = {"/": api.root_resource_id}
        created: list[pulumi.Resource] = []
        for route in ROUTES:
            parent_path = "/"
            for segment in [s for s in route.path.split("/") if s]:
                path = f"{parent_path.rstrip('/')}/{segment}"
                if path not in resources:
                    resource = aws.apigateway.Resource(
                        f"{name}-path{_slug(path)}",
                        rest_api=api.id,
                        parent_id=resources[parent_path],
                        path_part=segment,
                        region=args.region,
                        opts=pulumi.ResourceOptions(parent=self),
                    )
                    resources[path] = resource.id
                    created.append(resource)
                parent_path = path
            params = {
                f"method.request.path.{s[1:-1]}": True
                for s in route.path.split("/")
                if s.startswith("{")
            }
            role = f"{route.method.lower()}{_slug(route.path) or '-root'}"
            method = aws.apigateway.Method(
                f"{name}-{role}",
                rest_api=api.id,
                resource_id=resources[route.path],
                http_method=route.method,
                # A public chat endpoint: anyone may talk to the bot (WAF + rate limits guard it).
                authorization="NONE",
                request_parameters=params or None,
                request_models={"application/json": model.name} if route.validated else None,
                request_validator_id=validator.id if route.validated or params else None,
                region=args.region,
                opts=pulumi.ResourceOptions(parent=self),
            )
            integration = aws.apigateway.Integration(
                f"{name}-{role}-integration",
                rest_api=api.id,
                resource_id=method.resource_id,
                http_method=method.http_method,
                type="AWS_PROXY",
                integration_http_method="POST",
                uri=args.alias_invoke_arn,
                timeout_milliseconds=29000,
                region=args.region,
                opts=pulumi.ResourceOptions(parent=self),
            )
            created += [method, integration]
        return created

    def _stage(
        self, name: str, args: ChatApiArgs, deployment: aws.apigateway.Deployment
    ) -> aws.apigateway.Stage:
        child = pulumi.ResourceOptions(parent=self)
        access_logs = aws.cloudwatch.LogGroup(
            f"{name}-access-logs",
            name=f"/travelbot/{args.stage}/api-access",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            region=args.region,
            opts=child,
        )
        # API Gateway writes execution logs to this group; owning it sets retention and KMS.
        execution_logs = aws.cloudwatch.LogGroup(
            f"{name}-execution-logs",
            name=self.rest_api.id.apply(lambda i: f"API-Gateway-Execution-Logs_{i}/{STAGE_NAME}"),
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            region=args.region,
            opts=child,
        )
        depends: list[pulumi.Resource] = [execution_logs]
        if args.manage_account_logging_role:
            depends.append(self._account_logging_role(name, args))
        stage = aws.apigateway.Stage(
            f"{name}-stage",
            rest_api=self.rest_api.id,
            deployment=deployment.id,
            stage_name=STAGE_NAME,
            xray_tracing_enabled=True,
            access_log_settings=aws.apigateway.StageAccessLogSettingsArgs(
                destination_arn=access_logs.arn, format=ACCESS_LOG_FORMAT
            ),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=depends),
        )
        aws.apigateway.MethodSettings(
            f"{name}-method-settings",
            rest_api=self.rest_api.id,
            stage_name=stage.stage_name,
            method_path="*/*",
            settings=aws.apigateway.MethodSettingsSettingsArgs(
                logging_level="ERROR",
                metrics_enabled=True,
                data_trace_enabled=False,
                throttling_burst_limit=args.throttle_burst,
                throttling_rate_limit=args.throttle_rate,
            ),
            region=args.region,
            opts=child,
        )
        return stage

    def _account_logging_role(self, name: str, args: ChatApiArgs) -> pulumi.Resource:
        """The account-level role API Gateway uses to write execution logs (per region)."""
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-cloudwatch-role",
            description="API Gateway writes execution logs",
            assume_role_policy=iam.assume_role_policy("apigateway.amazonaws.com"),
            opts=child,
        )
        partition = partition_of(args.region)
        groups = pulumi.Output.concat(
            f"arn:{partition}:logs:{args.region}:",
            args.account_id,
            ":log-group:API-Gateway-Execution-Logs_*",
        )
        policy = aws.iam.RolePolicy(
            f"{name}-cloudwatch-policy",
            role=role.id,
            policy=iam.document(
                [
                    iam.statement(
                        "WriteExecutionLogs",
                        [
                            "logs:CreateLogGroup",
                            "logs:CreateLogStream",
                            "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        [groups, pulumi.Output.concat(groups, ":*")],
                    )
                ]
            ),
            opts=child,
        )
        return aws.apigateway.Account(
            f"{name}-account",
            cloudwatch_role_arn=role.arn,
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )


def _slug(path: str) -> str:
    return path.replace("{", "").replace("}", "").replace("/", "-").rstrip("-").lower()


def _validate(args: ChatApiArgs) -> None:
    if not 1 <= args.throttle_burst <= 100_000:
        raise ValueError(f"ChatApiArgs.throttle_burst must be 1..100000, got {args.throttle_burst}")
    if not 1 <= args.throttle_rate <= 100_000:
        raise ValueError(f"ChatApiArgs.throttle_rate must be 1..100000, got {args.throttle_rate}")
    if args.log_retention_days < 1:
        raise ValueError("ChatApiArgs.log_retention_days must be positive")
