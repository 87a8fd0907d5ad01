"""DialogflowAgent: the Dialogflow ES agent generated from the bot model, and the runtime's key.

- ``gcp.projects.Service`` turns on ``dialogflow.googleapis.com`` (left on when the stack is
  destroyed: other workloads of the project may use it).
- ``gcp.diagflow.Agent`` owns the agent's settings: language from the model's locale,
  conversation logging on, the match mode and the ML classification threshold (the model's
  ``nluConfidenceThreshold`` unless config overrides it).
- :class:`components.dialogflow_content.DialogflowContent` (a dynamic resource using
  google-cloud-dialogflow) applies the intents with training phrases and parameters and the
  entity types from :mod:`components.dialogflow_definition`, then trains the agent. It runs as
  whoever runs ``pulumi up`` (Application Default Credentials) unless ``deploy_credentials``
  gives a key, because the runtime's service account below may only detect intents.
- A service account with only ``roles/dialogflow.client`` (``detectIntent``) on the project,
  and a key for it. :attr:`DialogflowAgent.credentials_json` (the decoded key file, a secret
  output) goes into the stack's Secrets Manager secret, never into an environment variable.

Keyless alternative, Workload Identity Federation: create a workload identity pool with an AWS
provider for the account, let the chat function's IAM role (``principalSet://…/attribute.
aws_role/arn:aws:sts::ACCOUNT:assumed-role/ROLE``) impersonate this service account
(``roles/iam.workloadIdentityUser``), and ship the pool's credential configuration file (no
secret in it) instead of a key: google-auth then exchanges the function's own AWS credentials
for a short-lived Google token. It removes the long-lived key and its rotation, and works where
an organisation policy forbids service-account keys; it costs the pool, the provider and a
binding per role and region, which is why the key stays the default here.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from components.dialogflow_content import (
    DEFAULT_OPERATION_TIMEOUT_S,
    DEFAULT_POLL_INTERVAL_S,
    DialogflowContent,
    DialogflowContentArgs,
)
from components.dialogflow_definition import agent_content, content_hash, language_code
from runtime.contract import BotModel, bot_model

API = "dialogflow.googleapis.com"
CLIENT_ROLE = "roles/dialogflow.client"
MATCH_MODES = ("MATCH_MODE_HYBRID", "MATCH_MODE_ML_ONLY")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,14}$")


@dataclass(frozen=True, kw_only=True)
class DialogflowAgentArgs:
    """Arguments of :class:`DialogflowAgent`."""

    project: str
    stage: str
    model: BotModel = field(default_factory=bot_model)
    time_zone: str = "Etc/UTC"
    match_mode: str = "MATCH_MODE_HYBRID"
    #: None: the model's ``nluConfidenceThreshold``.
    classification_threshold: float | None = None
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
    key: gcp.serviceaccount.Key
    project_id: pulumi.Output[str]
    content_hash: str
    language_code: str
    service_account_email: pulumi.Output[str]
    credentials_json: pulumi.Output[str]

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
        self.project_id = self.agent.project
        self.register_outputs(
            {
                "projectId": self.project_id,
                "languageCode": self.language_code,
                "contentHash": self.content_hash,
                "serviceAccountEmail": self.service_account_email,
                "credentialsJson": self.credentials_json,
            }
        )

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
        gcp.projects.IAMMember(
            f"{name}-client-role",
            project=args.project,
            role=CLIENT_ROLE,
            member=pulumi.Output.concat("serviceAccount:", self.service_account.email),
            opts=child,
        )
        self.key = gcp.serviceaccount.Key(
            f"{name}-runtime-key",
            service_account_id=self.service_account.name,
            private_key_type="TYPE_GOOGLE_CREDENTIALS_FILE",
            opts=child,
        )
        self.credentials_json = pulumi.Output.secret(
            self.key.private_key.apply(lambda encoded: base64.b64decode(encoded).decode())
        )


def _validate(args: DialogflowAgentArgs) -> None:
    if not _PROJECT.match(args.project):
        raise ValueError(f"DialogflowAgentArgs.project is not a GCP project id: {args.project!r}")
    if not _STAGE.match(args.stage):
        raise ValueError(f"DialogflowAgentArgs.stage must match {_STAGE.pattern}: {args.stage!r}")
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
