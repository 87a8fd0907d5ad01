"""ChatApi: the API Gateway REST API in front of the chat alias (REST, because WAF cannot
attach to an HTTP API).

Routes: ``POST /chat`` (validated against a JSON-schema model before the function runs),
``GET|DELETE /sessions/{id}``, ``GET /``, ``GET /go/{linkId}``, ``GET /health``, ``GET
/widget.js``, all Lambda proxy integrations of the alias ``live``. With allowed origins
(``allowedOrigins``) also ``OPTIONS /chat``, the CORS preflight, which the function answers for the
listed origins only, and the gateway's own error responses carry the CORS headers those sites need
to read them (see :func:`components.chat_api_definition.gateway_responses`). The stage has access
logs (no bodies), X-Ray and ``*/*`` method settings: execution logging at ERROR, metrics on, data
trace off (it would log chat text), throttling. Every method has a request validator: ``POST
/chat`` its body against the model, the others their parameters. Gateway responses keep the
``{"error": {"code", "message"}}`` contract for errors API Gateway answers itself.

**The account's CloudWatch role.** API Gateway writes both execution logs and access logs with
one IAM role per account and region (``aws.apigateway.Account``). With
``manage_account_logging_role`` this component creates that role: it may write to
``API-Gateway-Execution-Logs_*`` and to every stack's ``/travelbot/<stage>/api-access`` group
(the setting is shared, so it serves dev and staging too when they share the account), and it
is retained when the stack is destroyed, so that destroying the one stack that manages it does
not break the logs of the others. Exactly one stack per account and region should manage it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam
from components.arns import partition_of
from components.chat_api_definition import (
    ACCESS_LOG_FORMAT,
    ACCESS_LOG_GROUP_PATTERN,
    CHAT_REQUEST_SCHEMA,
    OWNER_TAG,
    PARAMETERS_VALIDATOR,
    STAGE_NAME,
    access_log_group,
    definition_hash,
    gateway_responses,
    routes,
)
from runtime.contract import origin_problem


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
    manage_account_logging_role: bool = False
    #: Sites that may call ``POST /chat`` from their pages (CORS); none by default.
    allowed_origins: Sequence[str] = field(default_factory=tuple)


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
        parameters_only = aws.apigateway.RequestValidator(
            f"{name}-parameters-validator",
            rest_api=api.id,
            name=PARAMETERS_VALIDATOR,
            validate_request_body=False,
            validate_request_parameters=True,
            region=args.region,
            opts=child,
        )
        methods = self._routes(name, args, model, (validator, parameters_only))
        responses = gateway_responses(args.allowed_origins)
        for response_type, (status, templates, parameters) in responses.items():
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
            triggers={"definition": definition_hash(args.allowed_origins)},
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
        validators: tuple[aws.apigateway.RequestValidator, aws.apigateway.RequestValidator],
    ) -> list[pulumi.Resource]:
        body, parameters_only = validators
        api = self.rest_api
        resources: dict[str, pulumi.Input[str]] = {"/": api.root_resource_id}
        created: list[pulumi.Resource] = []
        for route in routes(args.allowed_origins):
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
                request_validator_id=(body if route.validated else parameters_only).id,
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
            name=access_log_group(args.stage),
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
        # Retained on destroy: other stacks of the account and region log through it.
        shared = pulumi.ResourceOptions(parent=self, retain_on_delete=True)
        role = aws.iam.Role(
            f"{name}-cloudwatch-role",
            description="API Gateway writes execution and access logs (account-wide setting)",
            assume_role_policy=iam.assume_role_policy("apigateway.amazonaws.com"),
            tags={OWNER_TAG: args.stage},
            opts=shared,
        )
        log_groups = pulumi.Output.concat(
            f"arn:{partition_of(args.region)}:logs:{args.region}:", args.account_id, ":log-group:"
        )
        groups = [
            pulumi.Output.concat(log_groups, "API-Gateway-Execution-Logs_*"),
            pulumi.Output.concat(log_groups, ACCESS_LOG_GROUP_PATTERN),
        ]
        policy = aws.iam.RolePolicy(
            f"{name}-cloudwatch-policy",
            role=role.id,
            policy=iam.document(
                [
                    iam.statement(
                        "WriteExecutionAndAccessLogs",
                        [
                            "logs:CreateLogGroup",
                            "logs:CreateLogStream",
                            "logs:DescribeLogGroups",
                            "logs:DescribeLogStreams",
                            "logs:PutLogEvents",
                        ],
                        [*groups, *(pulumi.Output.concat(g, ":*") for g in groups)],
                    )
                ]
            ),
            opts=shared,
        )
        return aws.apigateway.Account(
            f"{name}-account",
            cloudwatch_role_arn=role.arn,
            region=args.region,
            opts=pulumi.ResourceOptions.merge(shared, pulumi.ResourceOptions(depends_on=[policy])),
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
    for origin in args.allowed_origins:
        problem = origin_problem(origin)
        if problem is not None:
            raise ValueError(f"ChatApiArgs.allowed_origins has {origin!r}, which {problem}")
