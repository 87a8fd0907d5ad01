"""DialogflowAgent: the Dialogflow ES agent generated from the bot model, and the runtime's access.

- ``gcp.projects.Service`` turns on ``dialogflow.googleapis.com`` (and, keyless, the IAM, IAM
  Credentials and STS APIs federation needs); left on when the stack is destroyed: other
  workloads of the project may use them.
- ``gcp.diagflow.Agent`` owns the agent's settings: language from the model's locale,
  conversation logging on, the match mode and the ML classification threshold (the model's
  ``nluConfidenceThreshold`` unless config overrides it), and a time zone Dialogflow ES accepts
  (an IANA Area/Location name, see :func:`components.config_values.dialogflow_time_zone`).
- :class:`components.dialogflow_content.DialogflowContent` (a dynamic resource using
  google-cloud-dialogflow) applies the intents with training phrases and parameters and the
  entity types from :mod:`components.dialogflow_definition`, then trains the agent. It runs as
  whoever runs ``pulumi up`` (Application Default Credentials) unless ``deploy_credentials``
  gives a key, because the runtime's service account below may only detect intents.
- A service account with only ``roles/dialogflow.client`` (``detectIntent``) and
  ``roles/serviceusage.serviceUsageConsumer`` (the runtime names the project as its quota
  project, which needs ``serviceusage.services.use``) on the project.

**How the runtime gets in, keyless by default** (``auth="workloadIdentity"``): a workload
identity pool with an AWS provider for this AWS account (only its assumed roles, see
:data:`ATTRIBUTE_CONDITION`), and, per region, the chat function's role allowed to impersonate
the service account (``roles/iam.workloadIdentityUser`` for
``principalSet://iam.googleapis.com/<pool>/attribute.aws_role/arn:aws:sts::<account>:assumed-role/<role>``,
:func:`federation_binding`, created by each :class:`components.RegionalStack`). The runtime gets
:attr:`DialogflowAgent.workload_identity_audience`, the service account's email and the quota
project as (non-secret) environment variables and exchanges its own AWS credentials for a
short-lived Google token (``runtime.providers.dialogflow``): no Google key exists, so it works
where ``iam.disableServiceAccountKeyCreation`` is enforced (the default for organizations
created since 2024) and there is nothing to rotate. Deleted pools keep their id for 30 days,
so the pool id carries a random suffix: a destroy followed by an up never collides.

``auth="serviceAccountKey"`` (opt-in, for projects that allow keys) instead creates a key and
puts the decoded key file (:attr:`DialogflowAgent.credentials_json`, a secret output) into the
stack's Secrets Manager secret, never into an environment variable.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.arns import partition_of
from components.config_values import dialogflow_time_zone
from components.dialogflow_content import (
    DEFAULT_OPERATION_TIMEOUT_S,
    DEFAULT_POLL_INTERVAL_S,
    DialogflowContent,
    DialogflowContentArgs,
)
from components.dialogflow_definition import agent_content, content_hash, language_code
from runtime.contract import ENV, BotModel, bot_model

API = "dialogflow.googleapis.com"
#: What keyless access needs on top of Dialogflow: the pool (IAM), the exchange (STS) and the
#: impersonation (IAM Credentials).
FEDERATION_APIS = ("iam.googleapis.com", "sts.googleapis.com", "iamcredentials.googleapis.com")
CLIENT_ROLE = "roles/dialogflow.client"
QUOTA_ROLE = "roles/serviceusage.serviceUsageConsumer"
IMPERSONATION_ROLE = "roles/iam.workloadIdentityUser"
AUTH_MODES = ("workloadIdentity", "serviceAccountKey")
#: Google's documented attribute mapping for AWS, except the subject: ``assertion.arn`` of an
#: assumed role can exceed the subject's 127 characters, ``assertion.userid``
#: (``AROA...:<session>``) cannot.
ATTRIBUTE_MAPPING = {
    "google.subject": "assertion.userid",
    "attribute.aws_account": "assertion.account",
    "attribute.aws_role": (
        "assertion.arn.contains('assumed-role')"
        " ? assertion.arn.extract('{account_arn}assumed-role/') + 'assumed-role/'"
        " + assertion.arn.extract('assumed-role/{role_name}/') : assertion.arn"
    ),
}
#: Only assumed roles (what Lambda runs as) may exchange; users and root never.
ATTRIBUTE_CONDITION = "assertion.arn.contains(':assumed-role/')"
MATCH_MODES = ("MATCH_MODE_HYBRID", "MATCH_MODE_ML_ONLY")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,14}$")


@dataclass(frozen=True, kw_only=True)
class DialogflowAgentArgs:
    """Arguments of :class:`DialogflowAgent`."""

    project: str
    stage: str
    model: BotModel = field(default_factory=bot_model)
    time_zone: str = "America/New_York"
    match_mode: str = "MATCH_MODE_HYBRID"
    #: None: the model's ``nluConfidenceThreshold``.
    classification_threshold: float | None = None
    #: ``workloadIdentity`` (keyless, needs ``aws_account_id``) or ``serviceAccountKey``.
    auth: str = "workloadIdentity"
    #: The AWS account whose roles may federate (keyless only).
    aws_account_id: pulumi.Input[str] | None = None
    #: Service-account key JSON for the content provider; None: Application Default Credentials.
    deploy_credentials: pulumi.Input[str] | None = None
    #: Dialogflow endpoint override for the content provider (tests: a local fake).
    api_endpoint: str = ""
    operation_timeout_s: float = DEFAULT_OPERATION_TIMEOUT_S
    poll_interval_s: float = DEFAULT_POLL_INTERVAL_S


class DialogflowAgent(pulumi.ComponentResource):
    """API, agent, generated content (trained) and the runtime's detect-intent identity."""

    service: gcp.projects.Service
    agent: gcp.diagflow.Agent
    content: DialogflowContent
    service_account: gcp.serviceaccount.Account
    project_id: pulumi.Output[str]
    content_hash: str
    language_code: str
    service_account_email: pulumi.Output[str]
    service_account_name: pulumi.Output[str]
    #: The key file (``auth="serviceAccountKey"``), else None.
    credentials_json: pulumi.Output[str] | None
    #: ``projects/<number>/locations/global/workloadIdentityPools/<id>`` (keyless), else None.
    pool_name: pulumi.Output[str] | None
    #: ``//iam.googleapis.com/<provider name>``: what the runtime exchanges for (keyless).
    workload_identity_audience: pulumi.Output[str] | None

    def __init__(
        self, name: str, args: DialogflowAgentArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("travelbot:index:DialogflowAgent", name, None, opts)
        _validate(args)
        threshold = args.classification_threshold
        if threshold is None:
            threshold = args.model.nlu_confidence_threshold
        generated = agent_content(args.model)
        self.content_hash = content_hash(generated)
        self.language_code = language_code(args.model)
        child = pulumi.ResourceOptions(parent=self)
        self.service = gcp.projects.Service(
            f"{name}-api", project=args.project, service=API, disable_on_destroy=False, opts=child
        )
        self._federation_apis: list[pulumi.Resource] = []
        if args.auth == "workloadIdentity":
            self._federation_apis = [
                gcp.projects.Service(
                    f"{name}-api-{api.split('.')[0]}",
                    project=args.project,
                    service=api,
                    disable_on_destroy=False,
                    opts=child,
                )
                for api in FEDERATION_APIS
            ]
        self.agent = gcp.diagflow.Agent(
            f"{name}-agent",
            project=args.project,
            display_name=f"{args.model.name}-{args.stage}",
            description=args.model.description,
            default_language_code=self.language_code,
            time_zone=args.time_zone,
            enable_logging=True,
            match_mode=args.match_mode,
            classification_threshold=threshold,
            api_version="API_VERSION_V2",
            tier="TIER_STANDARD",
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.service]),
        )
        self.content = DialogflowContent(
            f"{name}-content",
            DialogflowContentArgs(
                project=self.agent.project,
                content=generated,
                api_endpoint=args.api_endpoint,
                credentials=args.deploy_credentials,
                operation_timeout_s=args.operation_timeout_s,
                poll_interval_s=args.poll_interval_s,
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[self.agent]),
        )
        self._runtime_identity(name, args)
        self.credentials_json = None
        self.pool_name = None
        self.workload_identity_audience = None
        if args.auth == "serviceAccountKey":
            self._key(name)
        else:
            self._pool(name, args)
        self.project_id = self.agent.project
        self.register_outputs(
            {
                "projectId": self.project_id,
                "languageCode": self.language_code,
                "contentHash": self.content_hash,
                "serviceAccountEmail": self.service_account_email,
                "credentialsJson": self.credentials_json,
                "poolName": self.pool_name,
                "workloadIdentityAudience": self.workload_identity_audience,
            }
        )

    def runtime_environment(self) -> dict[str, pulumi.Input[str]]:
        """What the runtime needs to reach the agent (nothing secret), by contract name."""
        env: dict[str, pulumi.Input[str]] = {
            ENV["dialogflow_project_id"]: self.project_id,
            ENV["dialogflow_language"]: self.language_code,
            ENV["dialogflow_quota_project"]: self.project_id,
        }
        if self.workload_identity_audience is not None:
            env[ENV["dialogflow_audience"]] = self.workload_identity_audience
            env[ENV["dialogflow_service_account"]] = self.service_account_email
        return env

    def _runtime_identity(self, name: str, args: DialogflowAgentArgs) -> None:
        child = pulumi.ResourceOptions(parent=self)
        self.service_account = gcp.serviceaccount.Account(
            f"{name}-runtime",
            project=args.project,
            account_id=f"travelbot-{args.stage}-nlu",
            display_name=f"travelbot {args.stage} runtime (Dialogflow detectIntent only)",
            opts=child,
        )
        self.service_account_email = self.service_account.email
        self.service_account_name = self.service_account.name
        member = pulumi.Output.concat("serviceAccount:", self.service_account.email)
        gcp.projects.IAMMember(
            f"{name}-client-role", project=args.project, role=CLIENT_ROLE, member=member, opts=child
        )
        gcp.projects.IAMMember(
            f"{name}-quota-role", project=args.project, role=QUOTA_ROLE, member=member, opts=child
        )

    def _key(self, name: str) -> None:
        key = gcp.serviceaccount.Key(
            f"{name}-runtime-key",
            service_account_id=self.service_account.name,
            private_key_type="TYPE_GOOGLE_CREDENTIALS_FILE",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.credentials_json = pulumi.Output.secret(
            key.private_key.apply(lambda encoded: base64.b64decode(encoded).decode())
        )

    def _pool(self, name: str, args: DialogflowAgentArgs) -> None:
        account = args.aws_account_id
        if account is None:  # _validate refuses it; this keeps the type checker informed
            raise ValueError("DialogflowAgentArgs.aws_account_id is required with workloadIdentity")
        child = pulumi.ResourceOptions(parent=self)
        # A deleted pool keeps its id for 30 days: a fresh suffix per pool avoids the wait.
        suffix = random.RandomId(f"{name}-pool-suffix", byte_length=3, opts=child)
        pool = gcp.iam.WorkloadIdentityPool(
            f"{name}-pool",
            project=args.project,
            workload_identity_pool_id=suffix.hex.apply(lambda h: f"travelbot-{args.stage}-{h}"),
            display_name=f"travelbot {args.stage} (AWS)"[:32],
            description="The travelbot chat functions' AWS roles",
            opts=pulumi.ResourceOptions(parent=self, depends_on=self._federation_apis),
        )
        provider = gcp.iam.WorkloadIdentityPoolProvider(
            f"{name}-pool-aws",
            project=args.project,
            workload_identity_pool_id=pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="aws",
            display_name="travelbot AWS account",
            aws=gcp.iam.WorkloadIdentityPoolProviderAwsArgs(account_id=account),
            attribute_mapping=ATTRIBUTE_MAPPING,
            attribute_condition=ATTRIBUTE_CONDITION,
            opts=child,
        )
        self.pool_name = pool.name
        self.workload_identity_audience = pulumi.Output.concat(
            "//iam.googleapis.com/", provider.name
        )


@dataclass(frozen=True, kw_only=True)
class DialogflowFederation:
    """What a region needs to let its chat role impersonate the Dialogflow service account."""

    pool_name: pulumi.Input[str]
    service_account_name: pulumi.Input[str]
    account_id: pulumi.Input[str]


def federation_binding(
    name: str,
    federation: DialogflowFederation,
    *,
    region: str,
    role_name: pulumi.Input[str],
    parent: pulumi.Resource,
) -> gcp.serviceaccount.IAMMember:
    """``roles/iam.workloadIdentityUser`` on the service account for one AWS role of the pool."""
    member = pulumi.Output.concat(
        "principalSet://iam.googleapis.com/",
        federation.pool_name,
        f"/attribute.aws_role/arn:{partition_of(region)}:sts::",
        federation.account_id,
        ":assumed-role/",
        role_name,
    )
    return gcp.serviceaccount.IAMMember(
        name,
        service_account_id=federation.service_account_name,
        role=IMPERSONATION_ROLE,
        member=member,
        opts=pulumi.ResourceOptions(parent=parent),
    )


def _validate(args: DialogflowAgentArgs) -> None:
    if not _PROJECT.match(args.project):
        raise ValueError(f"DialogflowAgentArgs.project is not a GCP project id: {args.project!r}")
    if not _STAGE.match(args.stage):
        raise ValueError(f"DialogflowAgentArgs.stage must match {_STAGE.pattern}: {args.stage!r}")
    if args.auth not in AUTH_MODES:
        raise ValueError(f"DialogflowAgentArgs.auth must be one of {', '.join(AUTH_MODES)}")
    if args.auth == "workloadIdentity" and args.aws_account_id is None:
        raise ValueError("DialogflowAgentArgs.aws_account_id is required with workloadIdentity")
    if not dialogflow_time_zone(args.time_zone):
        raise ValueError(
            f"DialogflowAgentArgs.time_zone must be an IANA Area/Location zone Dialogflow ES "
            f"accepts, got {args.time_zone!r}"
        )
    if args.match_mode not in MATCH_MODES:
        raise ValueError(f"DialogflowAgentArgs.match_mode must be one of {', '.join(MATCH_MODES)}")
    threshold = args.classification_threshold
    if threshold is not None and not 0 < threshold <= 1:
        # 0 would silently mean Dialogflow's default of 0.3
        raise ValueError(
            f"DialogflowAgentArgs.classification_threshold must be in (0, 1]: {threshold}"
        )
    if args.operation_timeout_s <= 0 or args.poll_interval_s <= 0:
        raise ValueError("DialogflowAgentArgs timeouts and poll interval must be positive")
