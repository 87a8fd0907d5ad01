"""ChatFunction: the Lambda functions that share the ``runtime/`` package, in one region.

Three functions, one archive. ``chat`` serves every API route through the alias ``live``
(blue/green by CodeDeploy, see :mod:`components.blue_green`); ``replay`` drains the SQS spool
of turns whose DynamoDB write failed; ``analytics`` runs the daily EventBridge schedule.
Separate functions rather than one with several handlers so that each has its own
least-privilege role, concurrency and alarms, and so a backlog of replays or a slow daily job
can never take concurrency (or a canary's error budget) from the chat path. Their reserved
concurrency comes from config (the account needs their sum plus 100 unreserved in the region's
quota; ``python -m tools.preflight`` checks). All three deploy the signed package of
:class:`components.code_signing.CodeSigning` and carry its code signing config.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components import iam
from components.code_signing import FunctionCode
from components.function_triggers import daily_schedule, replay_source
from components.queues import encrypted_queue
from runtime.contract import (
    ANALYTICS_HANDLER,
    CHAT_HANDLER,
    ENV,
    LOG_LEVEL_ENV,
    POWERTOOLS_ENV,
    REPLAY_HANDLER,
    origin_problem,
)

RUNTIME = "python3.12"
ARCHITECTURE = "arm64"
ALIAS_NAME = "live"
REPLAY_BATCH_SIZE = 5
REPLAY_MAX_RECEIVES = 5
REPLAY_TIMEOUT_S = 60
CHAT_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
]
REPLAY_TABLE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
]
REPLAY_QUEUE_ACTIONS = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]
ANALYTICS_TIMEOUT_S = 300
#: X-Ray's two write actions have no resource-level permissions (the documented exception).
XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
#: Names that look like they carry a secret; ``*_ARN``/``*_ID``/``*_URL`` merely point at one.
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|PASSWD|TOKEN|API_?KEY|PRIVATE|CREDENTIAL)", re.I)
REFERENCE_SUFFIX = re.compile(r"_(ARN|ID|NAME|URL|ENDPOINT|REGION)$", re.I)


def looks_secret(name: str) -> bool:
    """True for an environment variable name that suggests a secret value."""
    return bool(SECRET_NAME.search(name)) and not REFERENCE_SUFFIX.search(name)


@dataclass(frozen=True, kw_only=True)
class ChatFunctionArgs:
    """Arguments of :class:`ChatFunction`."""

    region: str
    stage: str
    code: FunctionCode
    table_name: pulumi.Input[str]
    table_arn: pulumi.Input[str]  # in this region
    secret_arn: pulumi.Input[str]  # in this region
    kms_key_arn: pulumi.Input[str]  # this region's key
    memory_mb: int = 1024
    timeout_s: int = 15
    reserved_concurrency: int = 100
    provisioned_concurrency: int = 0
    replay_reserved_concurrency: int = 5
    analytics_reserved_concurrency: int = 1
    log_retention_days: int = 7
    log_level: str = "INFO"
    conversation_retention_days: int = 90
    #: Stored-turn redaction: "off", "local" or "comprehend" (runtime.redaction).
    redact_stored_pii: str = "off"
    rate_limit_per_minute: int = 100
    rate_limit_burst: int = 200
    analytics_schedule: str = "cron(15 0 * * ? *)"
    #: Sites that may embed the chat page and call POST /chat cross-origin (none by default).
    allowed_origins: Sequence[str] = field(default_factory=tuple)
    #: More non-secret variables (Lex ids, Dialogflow project, Azure endpoint, ...).
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    #: More permissions for the chat role (e.g. ``lex:RecognizeText`` on a bot alias).
    extra_statements: Sequence[iam.Statement] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Spec:
    role: str
    handler: str
    memory_mb: int
    timeout_s: int
    reserved: int
    statements: list[iam.Statement]
    publish: bool = False
    dead_letter_arn: pulumi.Input[str] | None = None


class ChatFunction(pulumi.ComponentResource):
    """The chat function with alias ``live``, the spool queue with replay, the daily job."""

    function: aws.lambda_.Function
    alias: aws.lambda_.Alias
    replay_function: aws.lambda_.Function
    analytics_function: aws.lambda_.Function
    spool_queue: aws.sqs.Queue
    spool_dead_letter_queue: aws.sqs.Queue
    analytics_dead_letter_queue: aws.sqs.Queue
    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    function_version: pulumi.Output[str]
    role_name: pulumi.Output[str]
    dead_letter_queue_names: list[pulumi.Output[str]]
    alias_name: pulumi.Output[str]
    alias_arn: pulumi.Output[str]
    invoke_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: ChatFunctionArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:ChatFunction", name, None, opts)
        self._name = name
        self._args = args
        self._roles: dict[str, aws.iam.Role] = {}
        self.spool_dead_letter_queue = self._queue("spool-dlq", retention_s=14 * 86400)
        self.spool_queue = self._queue(
            "spool",
            retention_s=4 * 86400,
            # AWS's advice for an SQS event source: at least six times the function timeout.
            visibility_s=6 * REPLAY_TIMEOUT_S,
            dead_letter_arn=self.spool_dead_letter_queue.arn,
        )
        self.analytics_dead_letter_queue = self._queue("analytics-dlq", retention_s=14 * 86400)
        self.function = self._function(self._chat_spec())
        self.replay_function = self._function(self._replay_spec())
        self.analytics_function = self._function(self._analytics_spec())
        self.alias = self._live_alias()
        replay_source(
            f"{name}-replay-source",
            region=args.region,
            queue_arn=self.spool_queue.arn,
            function_arn=self.replay_function.arn,
            batch_size=REPLAY_BATCH_SIZE,
            parent=self,
        )
        daily_schedule(
            f"{name}-analytics",
            region=args.region,
            expression=args.analytics_schedule,
            function=self.analytics_function,
            parent=self,
        )
        self.function_name = self.function.name
        self.function_arn = self.function.arn
        self.role_name = self._roles["chat"].name
        self.function_version = self.function.version
        self.dead_letter_queue_names = [
            self.spool_dead_letter_queue.name,
            self.analytics_dead_letter_queue.name,
        ]
        self.alias_name = self.alias.name
        self.alias_arn = self.alias.arn
        self.invoke_arn = self.alias.invoke_arn
        self.register_outputs(
            {
                "functionName": self.function_name,
                "functionArn": self.function_arn,
                "functionVersion": self.function_version,
                "roleName": self.role_name,
                "aliasName": self.alias_name,
                "aliasArn": self.alias_arn,
                "spoolQueueUrl": self.spool_queue.url,
            }
        )

    def _queue(
        self,
        role: str,
        *,
        retention_s: int,
        visibility_s: int = 30,
        dead_letter_arn: pulumi.Output[str] | None = None,
    ) -> aws.sqs.Queue:
        return encrypted_queue(
            f"{self._name}-{role}",
            region=self._args.region,
            kms_key_arn=self._args.kms_key_arn,
            parent=self,
            retention_s=retention_s,
            visibility_s=visibility_s,
            dead_letter_arn=dead_letter_arn,
            max_receive_count=REPLAY_MAX_RECEIVES,
        )

    def _table_arns(self) -> list[pulumi.Input[str]]:
        arn = self._args.table_arn
        return [arn, pulumi.Output.concat(arn, "/index/*")]

    def _kms(self) -> iam.Statement:
        return iam.statement(
            "UseTheDataKey", ["kms:Decrypt", "kms:GenerateDataKey"], [self._args.kms_key_arn]
        )

    def _chat_spec(self) -> _Spec:
        args = self._args
        return _Spec(
            role="chat",
            handler=CHAT_HANDLER,
            memory_mb=args.memory_mb,
            timeout_s=args.timeout_s,
            reserved=args.reserved_concurrency,
            publish=True,
            statements=[
                iam.statement("ReadAndWriteConversations", CHAT_TABLE_ACTIONS, self._table_arns()),
                iam.statement(
                    "ReadTheBotSecret", ["secretsmanager:GetSecretValue"], [args.secret_arn]
                ),
                iam.statement("SpoolFailedWrites", ["sqs:SendMessage"], [self.spool_queue.arn]),
                self._kms(),
                *self._redaction_statements(),
                *args.extra_statements,
            ],
        )

    def _redaction_statements(self) -> list[iam.Statement]:
        # DetectPiiEntities has no resource-level permission: "*" is the only resource it takes.
        if self._args.redact_stored_pii != "comprehend":
            return []
        return [iam.statement("RedactStoredTurns", ["comprehend:DetectPiiEntities"], ["*"])]

    def _replay_spec(self) -> _Spec:
        return _Spec(
            role="replay",
            handler=REPLAY_HANDLER,
            memory_mb=512,
            timeout_s=REPLAY_TIMEOUT_S,
            reserved=self._args.replay_reserved_concurrency,
            statements=[
                iam.statement("WriteSpooledTurns", REPLAY_TABLE_ACTIONS, [self._args.table_arn]),
                iam.statement("ConsumeTheSpool", REPLAY_QUEUE_ACTIONS, [self.spool_queue.arn]),
                self._kms(),
            ],
        )

    def _analytics_spec(self) -> _Spec:
        dead_letters = self.analytics_dead_letter_queue.arn
        return _Spec(
            role="analytics",
            handler=ANALYTICS_HANDLER,
            memory_mb=1024,
            timeout_s=ANALYTICS_TIMEOUT_S,
            reserved=self._args.analytics_reserved_concurrency,
            dead_letter_arn=dead_letters,
            statements=[
                iam.statement(
                    "ReadTheAnalyticsIndex",
                    ["dynamodb:Query", "dynamodb:GetItem"],
                    self._table_arns(),
                ),
                iam.statement("KeepFailedRuns", ["sqs:SendMessage"], [dead_letters]),
                self._kms(),
            ],
        )

    def _live_alias(self) -> aws.lambda_.Alias:
        args = self._args
        alias = aws.lambda_.Alias(
            f"{self._name}-alias",
            name=ALIAS_NAME,
            description="Serving alias; CodeDeploy shifts it between versions",
            function_name=self.function.name,
            function_version=self.function.version,
            region=args.region,
            # CodeDeploy owns the alias's version and weights after creation.
            opts=pulumi.ResourceOptions(
                parent=self, ignore_changes=["functionVersion", "routingConfig"]
            ),
        )
        if args.provisioned_concurrency:
            aws.lambda_.ProvisionedConcurrencyConfig(
                f"{self._name}-provisioned",
                function_name=self.function.name,
                qualifier=alias.name,
                provisioned_concurrent_executions=args.provisioned_concurrency,
                region=args.region,
                opts=pulumi.ResourceOptions(parent=self),
            )
        return alias

    def _environment(self) -> dict[str, pulumi.Input[str]]:
        args = self._args
        return {
            ENV["stage"]: args.stage,
            ENV["store"]: "dynamodb",
            ENV["table_name"]: args.table_name,
            ENV["retention_days"]: str(args.conversation_retention_days),
            ENV["spool_queue_url"]: self.spool_queue.url,
            ENV["secret_arn"]: args.secret_arn,
            ENV["rate_per_minute"]: str(args.rate_limit_per_minute),
            ENV["rate_burst"]: str(args.rate_limit_burst),
            **POWERTOOLS_ENV,
            LOG_LEVEL_ENV: args.log_level,
            **(
                {ENV["redact_stored_pii"]: args.redact_stored_pii}
                if args.redact_stored_pii != "off"
                else {}
            ),
            # Only when set: a stack without embedding keeps the environment it had.
            **(
                {ENV["allowed_origins"]: ",".join(args.allowed_origins)}
                if args.allowed_origins
                else {}
            ),
            **args.environment,
        }

    def _function(self, spec: _Spec) -> aws.lambda_.Function:
        args, name = self._args, f"{self._name}-{spec.role}"
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            name=f"/travelbot/{args.stage}/{spec.role}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            region=args.region,
            opts=child,
        )
        role = aws.iam.Role(
            f"{name}-role",
            description=f"travelbot {spec.role} function ({args.region})",
            assume_role_policy=iam.assume_role_policy("lambda.amazonaws.com"),
            opts=child,
        )
        self._roles[spec.role] = role
        logs = iam.statement(
            "WriteItsLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [pulumi.Output.concat(log_group.arn, ":*")],
        )
        xray = iam.statement("SendTraces", XRAY_ACTIONS, ["*"])
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=iam.document([logs, xray, *spec.statements]),
            opts=child,
        )
        return aws.lambda_.Function(
            f"{name}-function",
            description=f"travelbot {spec.role} ({args.stage})",
            runtime=RUNTIME,
            architectures=[ARCHITECTURE],
            handler=spec.handler,
            s3_bucket=args.code.s3_bucket,
            s3_key=args.code.s3_key,
            code_signing_config_arn=args.code.code_signing_config_arn,
            role=role.arn,
            memory_size=spec.memory_mb,
            timeout=spec.timeout_s,
            reserved_concurrent_executions=spec.reserved,
            publish=spec.publish,
            tracing_config=aws.lambda_.FunctionTracingConfigArgs(mode="Active"),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(
                log_format="JSON", log_group=log_group.name
            ),
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=self._environment()),
            kms_key_arn=args.kms_key_arn,
            dead_letter_config=(
                aws.lambda_.FunctionDeadLetterConfigArgs(target_arn=spec.dead_letter_arn)
                if spec.dead_letter_arn is not None
                else None
            ),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy, log_group]),
        )


def _validate(args: ChatFunctionArgs) -> None:
    if not 128 <= args.memory_mb <= 10240:
        raise ValueError(f"ChatFunctionArgs.memory_mb must be 128..10240, got {args.memory_mb}")
    if not 1 <= args.timeout_s <= 28:
        raise ValueError(
            f"ChatFunctionArgs.timeout_s must be 1..28 (API Gateway stops at 29 s), "
            f"got {args.timeout_s}"
        )
    for field_name in (
        "reserved_concurrency", "replay_reserved_concurrency", "analytics_reserved_concurrency"
    ):  # fmt: skip
        if getattr(args, field_name) < 1:
            raise ValueError(f"ChatFunctionArgs.{field_name} must be at least 1")
    if not 0 <= args.provisioned_concurrency < args.reserved_concurrency:
        raise ValueError(
            "ChatFunctionArgs.provisioned_concurrency must be 0 or below reserved_concurrency"
        )
    for key in args.environment:
        if looks_secret(key):
            raise ValueError(
                f"ChatFunctionArgs.environment[{key!r}] looks like a secret; "
                "secrets belong in the Secrets Manager secret"
            )
    for origin in args.allowed_origins:
        problem = origin_problem(origin)
        if problem is not None:
            raise ValueError(f"ChatFunctionArgs.allowed_origins has {origin!r}, which {problem}")
    if not args.analytics_schedule.startswith(("cron(", "rate(")):
        raise ValueError("ChatFunctionArgs.analytics_schedule must be cron(...) or rate(...)")
    if args.redact_stored_pii not in ("off", "local", "comprehend"):
        raise ValueError(
            "ChatFunctionArgs.redact_stored_pii must be off, local or comprehend, "
            f"got {args.redact_stored_pii!r}"
        )
