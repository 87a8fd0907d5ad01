"""LexBot: the Lex V2 bot generated from the bot model, a published version and the alias ``live``.

One bot per region (aws-native needs a provider per region: pass it with
``opts=pulumi.ResourceOptions(providers={"aws-native": provider})`` or ``provider=provider``;
the component hands it to its aws-native children). The pulumi-aws children (IAM role, log
group) take ``region=`` instead.

- ``lex.Bot`` holds the locale from :mod:`components.lex_definition`, builds it automatically
  (``auto_build_bot_locales``), keeps sessions for the model's idle TTL and declares that the bot
  is not directed at children (COPPA).
- ``lex.BotVersion`` snapshots the built DRAFT. Its description carries the definition hash and
  ``replace_on_changes`` covers it, so a changed model creates a new numbered version (Lex allows
  100 per bot; the replaced one is deleted once the alias points at its successor) and an
  unchanged model touches nothing.
- ``lex.BotAlias`` ``live`` points at that version: the runtime never uses the rate-limited test
  alias ``TSTALIASID``. Conversation logs are optional; when on they go to a CloudWatch log group
  encrypted with the stack's KMS key (Lex obfuscates slot values in them by default).
- The IAM role Lex runs the bot with trusts ``lexv2.amazonaws.com`` for this account's bots only
  (confused-deputy conditions). A text bot needs no Polly or Comprehend permission, so the role
  has no policy at all unless conversation logs are on; then it may write to that one log group.

The runtime needs ``lex:RecognizeText`` on :attr:`LexBot.bot_alias_arn`
(:meth:`LexBot.recognize_text_statement`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from components import iam
from components.arns import partition_of
from components.config import LOG_RETENTION_DAYS
from components.lex_definition import bot_locale, definition_hash
from runtime.contract import BotModel, bot_model

ALIAS_NAME = "live"
DRAFT_VERSION = "DRAFT"
LEX_SERVICE = "lexv2.amazonaws.com"
_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


@dataclass(frozen=True, kw_only=True)
class LexBotArgs:
    """Arguments of :class:`LexBot`."""

    region: str
    account_id: pulumi.Input[str]
    stage: str
    model: BotModel = field(default_factory=bot_model)
    #: None: the model's ``nluConfidenceThreshold``.
    nlu_confidence_threshold: float | None = None
    conversation_logs: bool = False
    #: The region's KMS key; required when ``conversation_logs`` is on.
    kms_key_arn: pulumi.Input[str] | None = None
    log_retention_days: int = 30


class LexBot(pulumi.ComponentResource):
    """Bot, version and alias ``live`` from the bot model, with Lex's IAM role."""

    role: aws.iam.Role
    bot: aws_native.lex.Bot
    version: aws_native.lex.BotVersion
    alias: aws_native.lex.BotAlias
    log_group: aws.cloudwatch.LogGroup | None
    definition_hash: str
    locale_id: str
    bot_id: pulumi.Output[str]
    bot_version: pulumi.Output[str]
    bot_alias_id: pulumi.Output[str]
    bot_alias_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: LexBotArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("travelbot:index:LexBot", name, None, opts)
        _validate(args)
        locale = bot_locale(args.model, nlu_confidence_threshold=args.nlu_confidence_threshold)
        self.definition_hash = definition_hash(locale)
        self.locale_id = args.model.locale
        child = pulumi.ResourceOptions(parent=self)
        self.log_group = self._log_group(name, args) if args.conversation_logs else None
        self.role = self._role(name, args)
        self.bot = aws_native.lex.Bot(
            f"{name}-bot",
            name=f"{args.model.name}-{args.stage}",
            description=args.model.description,
            role_arn=self.role.arn,
            data_privacy={"child_directed": False},
            idle_session_ttl_in_seconds=args.model.idle_session_ttl_seconds,
            auto_build_bot_locales=True,
            bot_locales=[locale],
            opts=child,
        )
        self.version = aws_native.lex.BotVersion(
            f"{name}-version",
            bot_id=self.bot.id,
            description=f"{args.model.name} definition sha256:{self.definition_hash}",
            bot_version_locale_specification=[
                {
                    "locale_id": self.locale_id,
                    "bot_version_locale_details": {"source_bot_version": DRAFT_VERSION},
                }
            ],
            opts=pulumi.ResourceOptions(parent=self, replace_on_changes=["description"]),
        )
        self.alias = aws_native.lex.BotAlias(
            f"{name}-alias",
            bot_id=self.bot.id,
            bot_alias_name=ALIAS_NAME,
            bot_version=self.version.bot_version,
            description=f"{args.model.name} {args.stage}: the version the runtime calls",
            bot_alias_locale_settings=[
                {"locale_id": self.locale_id, "bot_alias_locale_setting": {"enabled": True}}
            ],
            conversation_log_settings=self._conversation_logs(),
            opts=child,
        )
        self.bot_id = self.bot.id
        self.bot_version = self.version.bot_version
        self.bot_alias_id = self.alias.bot_alias_id
        self.bot_alias_arn = self.alias.arn
        self.register_outputs(
            {
                "botId": self.bot_id,
                "botVersion": self.bot_version,
                "botAliasId": self.bot_alias_id,
                "botAliasArn": self.bot_alias_arn,
                "localeId": self.locale_id,
                "definitionHash": self.definition_hash,
            }
        )

    def recognize_text_statement(self) -> iam.Statement:
        """The statement that lets the chat function call ``RecognizeText`` on the alias."""
        return iam.statement("RecognizeWithLex", ["lex:RecognizeText"], [self.bot_alias_arn])

    def _log_group(self, name: str, args: LexBotArgs) -> aws.cloudwatch.LogGroup:
        return aws.cloudwatch.LogGroup(
            f"{name}-conversation-logs",
            name=f"/travelbot/{args.stage}/lex-conversations",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _role(self, name: str, args: LexBotArgs) -> aws.iam.Role:
        partition, region = partition_of(args.region), args.region
        trust = pulumi.Output.from_input(args.account_id).apply(
            lambda account: json.dumps(_trust_policy(partition, region, account))
        )
        role = aws.iam.Role(
            f"{name}-role",
            description=f"Lex V2 runs the travelbot bot with this role ({args.region})",
            assume_role_policy=trust,
            opts=pulumi.ResourceOptions(parent=self),
        )
        if self.log_group is not None:
            aws.iam.RolePolicy(
                f"{name}-policy",
                role=role.id,
                policy=iam.document(
                    [
                        iam.statement(
                            "WriteConversationLogs",
                            ["logs:CreateLogStream", "logs:PutLogEvents"],
                            [pulumi.Output.concat(self.log_group.arn, ":*")],
                        )
                    ]
                ),
                opts=pulumi.ResourceOptions(parent=self),
            )
        return role

    def _conversation_logs(self) -> aws_native.lex.BotAliasConversationLogSettingsArgsDict | None:
        if self.log_group is None:
            return None
        return {
            "text_log_settings": [
                {
                    "enabled": True,
                    "destination": {
                        "cloud_watch": {
                            "cloud_watch_log_group_arn": self.log_group.arn,
                            "log_prefix": f"{self.locale_id}/",
                        }
                    },
                }
            ]
        }


def _trust_policy(partition: str, region: str, account: str) -> dict[str, object]:
    source_arns = [
        f"arn:{partition}:lex:{region}:{account}:bot/*",
        f"arn:{partition}:lex:{region}:{account}:bot-alias/*",
    ]
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": LEX_SERVICE},
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": source_arns},
        },
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def _validate(args: LexBotArgs) -> None:
    if not _STAGE.match(args.stage):
        raise ValueError(f"LexBotArgs.stage must match {_STAGE.pattern}, got {args.stage!r}")
    if args.conversation_logs and args.kms_key_arn is None:
        raise ValueError("LexBotArgs.kms_key_arn is required when conversation_logs is on")
    if args.log_retention_days not in LOG_RETENTION_DAYS:
        raise ValueError(
            f"LexBotArgs.log_retention_days must be one of {LOG_RETENTION_DAYS}, "
            f"got {args.log_retention_days}"
        )
    threshold = args.nlu_confidence_threshold
    if threshold is not None and not 0 <= threshold <= 1:
        raise ValueError(f"LexBotArgs.nlu_confidence_threshold must be 0..1, got {threshold}")
