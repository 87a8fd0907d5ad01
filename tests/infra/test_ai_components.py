"""LexBot, DialogflowAgent and AzureLanguage, each built alone against Pulumi mocks.

Reuses the recording mocks and monitor of :mod:`tools.mocked_stack` and adds
the outputs of the AI services' types, the Azure key invoke, and the provider and
``replaceOnChanges`` the engine would see. Inputs arrive camelCase, ints as floats.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws_native as aws_native
import pytest
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.mocks import MockCallArgs, MockResourceArgs
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from components.azure_language import AzureLanguage, AzureLanguageArgs, explain_failure
from components.dialogflow_agent import DialogflowAgent, DialogflowAgentArgs
from components.dialogflow_definition import agent_content, canonical_json, content_hash
from components.lex_bot import LexBot, LexBotArgs
from components.lex_definition import bot_locale, definition_hash
from runtime.model import MODEL_PATH, BotModel, default_model, parse_model
from tools.mock_outputs import ACCOUNT
from tools.mocked_stack import RecordingMocks, RecordingMonitor

AZURE_KEY = "azure-key-1-0123456789abcdef"
GCP_KEY_FILE = {"type": "service_account", "project_id": "travel-bot-dev", "private_key_id": "k1"}
KMS_KEY = f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd"


def _ai_outputs(args: MockResourceArgs, outputs: dict[str, Any]) -> None:
    region = str(args.inputs.get("region") or "us-east-1")
    if args.typ == "aws-native:lex:Bot":
        outputs["arn"] = f"arn:aws:lex:{region}:{ACCOUNT}:bot/{outputs['name']}"
    elif args.typ == "aws-native:lex:BotVersion":
        outputs["botVersion"] = "3"
    elif args.typ == "aws-native:lex:BotAlias":
        outputs["botAliasId"] = "LIVEALIAS1"
        bot = args.inputs["botId"]
        outputs["arn"] = f"arn:aws:lex:{region}:{ACCOUNT}:bot-alias/{bot}/LIVEALIAS1"
    elif args.typ == "gcp:serviceaccount/account:Account":
        email = f"{args.inputs['accountId']}@{args.inputs['project']}.iam.gserviceaccount.com"
        outputs.update(
            email=email, name=f"projects/{args.inputs['project']}/serviceAccounts/{email}"
        )
    elif args.typ == "gcp:serviceaccount/key:Key":
        outputs["privateKey"] = base64.b64encode(json.dumps(GCP_KEY_FILE).encode()).decode()
    elif args.typ == "azure-native:cognitiveservices:Account":
        subdomain = args.inputs["properties"]["customSubDomainName"]
        outputs["properties"] = {
            **args.inputs["properties"],
            "endpoint": f"https://{subdomain}.cognitiveservices.azure.com/",
        }
        outputs["identity"] = {**args.inputs["identity"], "principalId": "0000-principal"}


class AiMocks(RecordingMocks):
    """The program's recording mocks plus the AI services' outputs and the Azure key invoke."""

    def __init__(self) -> None:
        super().__init__()
        self.invokes: list[MockCallArgs] = []

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        rid, outputs = super().new_resource(args)
        _ai_outputs(args, outputs)  # the same dict the recording mocks keep
        return rid, outputs

    def call(self, args: MockCallArgs) -> dict[str, Any]:  # type: ignore[override]
        self.invokes.append(args)
        if args.token == "azure-native:cognitiveservices:listAccountKeys":
            return {"key1": AZURE_KEY, "key2": "azure-key-2"}
        return super().call(args)


class AiMonitor(RecordingMonitor):
    """Also keeps each resource's provider reference and ``replaceOnChanges``."""

    def __init__(self, mocks: AiMocks) -> None:
        super().__init__(mocks)
        self.engine: dict[str, dict[str, Any]] = {}

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        self.engine[response.urn] = {
            "provider": request.provider,
            "replace_on_changes": list(request.replaceOnChanges),
            "hooks": list(request.hooks.on_error) if request.HasField("hooks") else [],
        }
        return response


@dataclass
class Declared:
    """One resource as declared: type, name, inputs, mocked outputs and engine options."""

    type: str
    name: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    provider: str
    replace_on_changes: list[str]
    dependencies: list[str]
    hooks: list[str]


@dataclass
class Run:
    """Resources, resolved outputs (value, is secret) and invokes of one mocked build."""

    resources: list[Declared]
    outputs: dict[str, tuple[Any, bool]]
    invokes: list[MockCallArgs]

    def one(self, type_: str, name_part: str = "") -> Declared:
        found = [r for r in self.resources if r.type == type_ and name_part in r.name]
        assert len(found) == 1, f"{type_} {name_part!r}: {[r.name for r in found]}"
        return found[0]

    def of_type(self, type_: str) -> list[Declared]:
        return [r for r in self.resources if r.type == type_]

    def value(self, name: str) -> Any:
        return self.outputs[name][0]


def build(program: Callable[[], Mapping[str, Any]]) -> Run:
    """Run ``program`` (which declares components) with mocks, ``preview=False``."""
    mocks = AiMocks()
    monitor = AiMonitor(mocks)
    pulumi_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project="travelbot", stack="ai", preview=False, monitor=monitor)
    pulumi_settings.SETTINGS.outputs.clear()
    declared: dict[str, Any] = {}
    _sync_await(run_pulumi_func(lambda: declared.update(program())))
    outputs = {}
    for key, value in declared.items():
        if isinstance(value, pulumi.Output):
            outputs[key] = (_sync_await(value.future()), _sync_await(value.is_secret()))
        else:
            outputs[key] = (value, False)
    resources = []
    for urn, options in monitor.options.items():
        type_, name = urn.split("::")[2].split("$")[-1], urn.split("::")[-1]
        args, rid, mocked = mocks.created[(type_, name)]
        engine = monitor.engine[urn]
        resources.append(
            Declared(
                type_, name, rid, dict(args.inputs), mocked, engine["provider"],
                engine["replace_on_changes"], options["dependencies"], engine["hooks"],
            )
        )  # fmt: skip
    return Run(resources, outputs, mocks.invokes)


def lex(name: str = "lex", model: BotModel | None = None, **overrides: Any) -> LexBot:
    fields: dict[str, Any] = {"region": "eu-west-1", "account_id": ACCOUNT, "stage": "dev"}
    if model is not None:
        fields["model"] = model
    return LexBot(name, LexBotArgs(**{**fields, **overrides}))


def lex_outputs(bot: LexBot) -> dict[str, Any]:
    return {
        "bot_id": bot.bot_id,
        "bot_alias_id": bot.bot_alias_id,
        "bot_alias_arn": bot.bot_alias_arn,
        "bot_version": bot.bot_version,
        "locale_id": bot.locale_id,
    }


def camel(value: Any) -> Any:
    """snake_case dict keys -> camelCase, as the engine receives them."""
    if isinstance(value, dict):
        return {_camel_key(k): camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def floats(value: Any) -> Any:
    """Ints as the mocks deliver them (floats)."""
    if isinstance(value, dict):
        return {k: floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [floats(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def changed_model() -> BotModel:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    greeting = next(i for i in raw["intents"] if i["name"] == "Greeting")
    greeting["utterances"].append("good day to you")
    return parse_model(raw)


# LexBot ------------------------------------------------------------------------------------


def test_the_bot_holds_the_generated_locale_and_builds_it() -> None:
    run = build(lambda: lex_outputs(lex()))
    bot = run.one("aws-native:lex:Bot")
    model = default_model()
    assert bot.inputs["botLocales"] == [floats(camel(dict(bot_locale(model))))]
    assert bot.inputs["autoBuildBotLocales"] is True
    assert bot.inputs["dataPrivacy"] == {"childDirected": False}
    assert bot.inputs["idleSessionTtlInSeconds"] == model.idle_session_ttl_seconds
    assert bot.inputs["roleArn"] == run.one("aws:iam/role:Role").outputs["arn"]


def test_the_bot_has_an_optional_return_date_and_places_that_keep_what_was_said() -> None:
    # GIVEN the bot built from the shipped model
    run = build(lambda: lex_outputs(lex()))
    locale = run.one("aws-native:lex:Bot").inputs["botLocales"][0]
    flights = next(i for i in locale["intents"] if i["name"] == "FindFlights")
    slots = {s["name"]: s for s in flights["slots"]}
    # THEN FindFlights has an optional AMAZON.Date return date beside the required date
    assert slots["returnDate"]["slotTypeName"] == "AMAZON.Date"
    assert slots["returnDate"]["valueElicitationSetting"]["slotConstraint"] == "Optional"
    assert slots["date"]["valueElicitationSetting"]["slotConstraint"] == "Required"
    # AND its places use a slot type that keeps whatever place was said (the runtime resolves it)
    place_type = next(
        t for t in locale["slotTypes"] if t["name"] == slots["origin"]["slotTypeName"]
    )
    assert place_type["valueSelectionSetting"]["resolutionStrategy"] == "ORIGINAL_VALUE"


def test_config_can_override_the_nlu_confidence_threshold() -> None:
    run = build(lambda: lex_outputs(lex(nlu_confidence_threshold=0.8)))
    assert run.one("aws-native:lex:Bot").inputs["botLocales"][0]["nluConfidenceThreshold"] == 0.8


def test_the_version_description_carries_the_definition_hash_and_forces_replacement() -> None:
    run = build(lambda: lex_outputs(lex()))
    version = run.one("aws-native:lex:BotVersion")
    expected = definition_hash(bot_locale(default_model()))
    assert expected in version.inputs["description"]
    assert "description" in version.replace_on_changes
    assert version.inputs["botVersionLocaleSpecification"] == [
        {"localeId": "en_US", "botVersionLocaleDetails": {"sourceBotVersion": "DRAFT"}}
    ]


def test_a_changed_model_gives_the_version_a_new_description() -> None:
    # GIVEN the shipped model and one with an extra Greeting utterance
    # WHEN a bot is built from each
    run = build(
        lambda: {
            "before": lex("before").version.description,
            "after": lex("after", model=changed_model()).version.description,
        }
    )
    # THEN the version descriptions differ, so the second deploy publishes a new version
    assert run.value("before") != run.value("after")


def test_the_alias_live_points_at_the_published_version_not_the_test_alias() -> None:
    run = build(lambda: lex_outputs(lex()))
    alias = run.one("aws-native:lex:BotAlias")
    assert alias.inputs["botAliasName"] == "live"
    assert alias.inputs["botVersion"] == "3"
    assert alias.inputs["botId"] == run.one("aws-native:lex:Bot").id == run.value("bot_id")
    assert alias.inputs["botAliasLocaleSettings"] == [
        {"localeId": "en_US", "botAliasLocaleSetting": {"enabled": True}}
    ]
    assert "conversationLogSettings" not in alias.inputs
    assert run.value("bot_alias_id") == "LIVEALIAS1"
    assert run.value("bot_alias_arn").endswith(":bot-alias/TravelBot-dev/LIVEALIAS1")
    assert run.value("locale_id") == "en_US"


def test_the_lex_role_trusts_only_lex_for_this_account_and_holds_no_policy_without_logs() -> None:
    run = build(lambda: lex_outputs(lex()))
    trust = json.loads(run.one("aws:iam/role:Role").inputs["assumeRolePolicy"])
    [statement] = trust["Statement"]
    assert statement["Principal"] == {"Service": "lexv2.amazonaws.com"}
    assert statement["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert all(
        arn.startswith(f"arn:aws:lex:eu-west-1:{ACCOUNT}:")
        for arn in statement["Condition"]["ArnLike"]["aws:SourceArn"]
    )
    assert run.of_type("aws:iam/rolePolicy:RolePolicy") == []
    assert run.of_type("aws:cloudwatch/logGroup:LogGroup") == []


def test_conversation_logs_go_to_an_encrypted_log_group_only_lex_may_write() -> None:
    # WHEN the bot is built with conversation logs on
    run = build(lambda: lex_outputs(lex(conversation_logs=True, kms_key_arn=KMS_KEY)))
    # THEN the alias logs text to a KMS-encrypted group that the Lex role alone may write
    group = run.one("aws:cloudwatch/logGroup:LogGroup")
    assert group.inputs["kmsKeyId"] == KMS_KEY
    assert group.inputs["region"] == "eu-west-1"
    policy = json.loads(run.one("aws:iam/rolePolicy:RolePolicy").inputs["policy"])
    [statement] = policy["Statement"]
    assert statement["Action"] == ["logs:CreateLogStream", "logs:PutLogEvents"]
    assert statement["Resource"] == [group.outputs["arn"] + ":*"]
    [text] = run.one("aws-native:lex:BotAlias").inputs["conversationLogSettings"]["textLogSettings"]
    assert text["enabled"] is True
    assert text["destination"]["cloudWatch"]["cloudWatchLogGroupArn"] == group.outputs["arn"]


def test_a_log_retention_cloudwatch_does_not_offer_is_refused() -> None:
    with pytest.raises(ValueError, match="log_retention_days"):
        build(
            lambda: lex_outputs(
                lex(conversation_logs=True, kms_key_arn=KMS_KEY, log_retention_days=10)
            )
        )


def test_conversation_logs_without_a_kms_key_are_refused() -> None:
    with pytest.raises(ValueError, match="kms_key_arn"):
        build(lambda: lex_outputs(lex(conversation_logs=True)))


def test_a_regional_aws_native_provider_reaches_bot_version_and_alias() -> None:
    # GIVEN an aws-native provider for eu-west-1, passed to the component
    def program() -> dict[str, Any]:
        provider = aws_native.Provider("native-eu", region="eu-west-1")
        bot = LexBot(
            "lex-eu",
            LexBotArgs(region="eu-west-1", account_id=ACCOUNT, stage="prod"),
            opts=pulumi.ResourceOptions(providers={"aws-native": provider}),
        )
        return lex_outputs(bot)

    # WHEN it is built  THEN every Lex resource is created through that provider
    run = build(program)
    for type_ in ("Bot", "BotVersion", "BotAlias"):
        assert "::native-eu::" in run.one(f"aws-native:lex:{type_}").provider


def test_the_runtime_statement_allows_recognize_text_on_the_alias_only() -> None:
    run = build(lambda: {"statement": pulumi.Output.from_input(lex().recognize_text_statement())})
    statement = run.value("statement")
    assert statement["Action"] == ["lex:RecognizeText"]
    assert statement["Resource"] == [run.one("aws-native:lex:BotAlias").outputs["arn"]]
    assert ":bot-alias/" in statement["Resource"][0]


# DialogflowAgent ---------------------------------------------------------------------------


def dialogflow(**overrides: Any) -> dict[str, Any]:
    fields = {"project": "travel-bot-dev", "stage": "dev", "aws_account_id": ACCOUNT}
    agent = DialogflowAgent("df", DialogflowAgentArgs(**{**fields, **overrides}))
    outputs: dict[str, Any] = {
        "project_id": agent.project_id,
        "email": agent.service_account_email,
        "content_hash": agent.content_hash,
        "environment": pulumi.Output.from_input(agent.runtime_environment()),
    }
    if agent.credentials_json is not None:
        outputs["credentials_json"] = agent.credentials_json
    if agent.workload_identity_audience is not None:
        outputs["audience"] = agent.workload_identity_audience
    return outputs


def with_key() -> dict[str, Any]:
    return dialogflow(auth="serviceAccountKey", aws_account_id=None)


def test_the_apis_are_enabled_and_left_on_at_destroy() -> None:
    run = build(dialogflow)
    services = {s.inputs["service"]: s for s in run.of_type("gcp:projects/service:Service")}
    assert set(services) == {
        "dialogflow.googleapis.com", "iam.googleapis.com", "sts.googleapis.com",
        "iamcredentials.googleapis.com",
    }  # fmt: skip
    assert all(s.inputs["disableOnDestroy"] is False for s in services.values())


def test_a_key_based_agent_enables_only_dialogflow() -> None:
    run = build(with_key)
    [service] = run.of_type("gcp:projects/service:Service")
    assert service.inputs["service"] == "dialogflow.googleapis.com"


def test_the_agent_logs_and_classifies_with_the_model_threshold() -> None:
    run = build(dialogflow)
    agent = run.one("gcp:diagflow/agent:Agent")
    assert agent.inputs["enableLogging"] is True
    assert agent.inputs["matchMode"] == "MATCH_MODE_HYBRID"
    assert agent.inputs["classificationThreshold"] == default_model().nlu_confidence_threshold
    assert agent.inputs["defaultLanguageCode"] == "en"
    assert agent.inputs["apiVersion"] == "API_VERSION_V2"
    assert any("gcp:projects/service:Service" in urn for urn in agent.dependencies)


def test_config_can_override_threshold_and_match_mode() -> None:
    run = build(lambda: dialogflow(classification_threshold=0.7, match_mode="MATCH_MODE_ML_ONLY"))
    agent = run.one("gcp:diagflow/agent:Agent")
    assert agent.inputs["classificationThreshold"] == 0.7
    assert agent.inputs["matchMode"] == "MATCH_MODE_ML_ONLY"


def test_the_content_resource_carries_the_generated_agent_content_after_the_agent() -> None:
    run = build(dialogflow)
    content = run.one("pulumi-python:dynamic/travelbot:DialogflowContent")
    generated = agent_content(default_model())
    assert content.inputs["content"] == canonical_json(generated)
    assert content.inputs["contentHash"] == content_hash(generated) == run.value("content_hash")
    assert content.inputs["project"] == "travel-bot-dev"
    assert content.inputs["languageCode"] == "en"
    assert content.inputs["credentials"] == ""  # Application Default Credentials
    assert any("gcp:diagflow/agent:Agent" in urn for urn in content.dependencies)


def test_the_agent_content_has_the_return_date_and_an_open_place_entity() -> None:
    run = build(dialogflow)
    content = json.loads(
        run.one("pulumi-python:dynamic/travelbot:DialogflowContent").inputs["content"]
    )
    flights = next(i for i in content["intents"] if i["displayName"] == "FindFlights")
    parameters = {p["displayName"]: p for p in flights["parameters"]}
    assert parameters["returnDate"]["entityTypeDisplayName"] == "@sys.date"
    assert parameters["returnDate"]["mandatory"] is False
    assert parameters["destination"]["entityTypeDisplayName"] == "@City"
    city = next(t for t in content["entityTypes"] if t["displayName"] == "City")
    references = [e["value"] for e in city["entities"] if e["value"].startswith("@sys.")]
    assert city["kind"] == "KIND_LIST"
    assert references == ["@sys.geo-city:city", "@sys.geo-country:country", "@sys.geo-state:state"]


def test_deploy_credentials_reach_the_content_provider_only_as_a_secret() -> None:
    # GIVEN a key for the deploy (instead of Application Default Credentials)
    key = '{"type": "service_account", "client_email": "deployer@travel-bot-dev.iam"}'
    # WHEN the agent is built
    run = build(lambda: dialogflow(deploy_credentials=key))
    # THEN the dynamic resource gets it wrapped as a secret (encrypted in the state)
    content = run.one("pulumi-python:dynamic/travelbot:DialogflowContent")
    assert content.inputs["credentials"] == {_special_sig_key: _special_secret_sig, "value": key}


def test_the_content_resource_exposes_snake_case_outputs() -> None:
    def program() -> dict[str, Any]:
        args = DialogflowAgentArgs(project="travel-bot-dev", stage="dev", aws_account_id=ACCOUNT)
        agent = DialogflowAgent("df", args)
        return {"hash": agent.content.content_hash, "language": agent.content.language_code}

    run = build(program)
    assert run.value("hash") == content_hash(agent_content(default_model()))
    assert run.value("language") == "en"


def test_the_runtime_identity_holds_only_detect_intent_and_quota_use() -> None:
    run = build(dialogflow)
    roles = {m.inputs["role"]: m for m in run.of_type("gcp:projects/iAMMember:IAMMember")}
    # detectIntent, and serviceusage.services.use for the quota project the runtime names
    assert set(roles) == {"roles/dialogflow.client", "roles/serviceusage.serviceUsageConsumer"}
    for member in roles.values():
        assert member.inputs["member"] == f"serviceAccount:{run.value('email')}"


def test_keyless_access_creates_no_key_and_no_secret() -> None:
    run = build(dialogflow)
    assert run.of_type("gcp:serviceaccount/key:Key") == []
    assert "credentials_json" not in run.outputs


def test_the_pool_trusts_only_the_stacks_aws_account_and_its_assumed_roles() -> None:
    run = build(dialogflow)
    pool = run.one("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    provider = run.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    suffix = run.one("random:index/randomId:RandomId")
    # a fresh id per pool: a deleted pool keeps its id for 30 days
    assert pool.inputs["workloadIdentityPoolId"] == f"travelbot-dev-{suffix.outputs['hex']}"
    assert any("gcp:projects/service:Service" in urn for urn in pool.dependencies)
    assert provider.inputs["workloadIdentityPoolId"] == pool.outputs["workloadIdentityPoolId"]
    assert provider.inputs["aws"] == {"accountId": ACCOUNT}
    assert provider.inputs["attributeCondition"] == "assertion.arn.contains(':assumed-role/')"
    assert provider.inputs["attributeMapping"]["google.subject"] == "assertion.userid"
    assert "attribute.aws_role" in provider.inputs["attributeMapping"]


def test_the_runtime_gets_the_audience_service_account_and_quota_project_not_a_secret() -> None:
    run = build(dialogflow)
    provider = run.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    audience = f"//iam.googleapis.com/{provider.outputs['name']}"
    assert run.outputs["audience"] == (audience, False)
    assert run.value("environment") == {
        "DIALOGFLOW_PROJECT_ID": "travel-bot-dev",
        "DIALOGFLOW_LANGUAGE_CODE": "en",
        "DIALOGFLOW_QUOTA_PROJECT_ID": "travel-bot-dev",
        "DIALOGFLOW_WORKLOAD_IDENTITY_AUDIENCE": audience,
        "DIALOGFLOW_SERVICE_ACCOUNT": run.value("email"),
    }


def test_keyless_access_needs_the_aws_account() -> None:
    with pytest.raises(ValueError, match=r"DialogflowAgentArgs\.aws_account_id"):
        build(lambda: dialogflow(aws_account_id=None))


def test_the_opt_in_key_is_a_decoded_secret_output_of_the_runtime_account() -> None:
    run = build(with_key)
    key = run.one("gcp:serviceaccount/key:Key")
    account = run.one("gcp:serviceaccount/account:Account")
    assert key.inputs["serviceAccountId"] == account.outputs["name"]
    value, secret = run.outputs["credentials_json"]
    assert json.loads(value) == GCP_KEY_FILE
    assert secret is True
    assert run.of_type("gcp:iam/workloadIdentityPool:WorkloadIdentityPool") == []
    assert "DIALOGFLOW_WORKLOAD_IDENTITY_AUDIENCE" not in run.value("environment")


@pytest.mark.parametrize("zone", ["Etc/UTC", "UTC", "US/Eastern", "Mars/Olympus"])
def test_a_time_zone_dialogflow_es_would_refuse_is_refused_naming_the_field(zone: str) -> None:
    with pytest.raises(ValueError, match=r"DialogflowAgentArgs\.time_zone"):
        build(lambda: dialogflow(time_zone=zone))


def test_an_invalid_project_id_is_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match=r"DialogflowAgentArgs\.project"):
        build(lambda: dialogflow(project="Not_A_Project"))


# AzureLanguage -----------------------------------------------------------------------------


def azure(**overrides: Any) -> dict[str, Any]:
    fields = {"location": "westeurope", "stage": "dev", "custom_subdomain": "travelbot-dev-lang"}
    language = AzureLanguage("lang", AzureLanguageArgs(**{**fields, **overrides}))
    return {"endpoint": language.endpoint, "key": language.key}


def test_the_language_account_is_text_analytics_with_subdomain_and_managed_identity() -> None:
    run = build(azure)
    account = run.one("azure-native:cognitiveservices:Account")
    group = run.one("azure-native:resources:ResourceGroup")
    assert account.inputs["kind"] == "TextAnalytics"
    assert account.inputs["sku"] == {"name": "F0"}
    assert account.inputs["identity"] == {"type": "SystemAssigned"}
    suffix = run.one("random:index/randomId:RandomId").outputs["hex"]
    assert account.inputs["properties"]["customSubDomainName"] == f"travelbot-dev-lang-{suffix}"
    assert "networkAcls" not in account.inputs["properties"]
    assert account.inputs["resourceGroupName"] == group.outputs["name"]
    assert group.inputs["location"] == account.inputs["location"] == "westeurope"


def test_prod_takes_the_standard_sku() -> None:
    run = build(lambda: azure(sku="S"))
    assert run.one("azure-native:cognitiveservices:Account").inputs["sku"] == {"name": "S"}


def test_network_rules_deny_all_but_the_allowed_ranges() -> None:
    run = build(lambda: azure(allowed_ip_ranges=["203.0.113.0/24", "198.51.100.7/32"]))
    acls = run.one("azure-native:cognitiveservices:Account").inputs["properties"]["networkAcls"]
    assert acls["defaultAction"] == "Deny"
    assert acls["ipRules"] == [{"value": "203.0.113.0/24"}, {"value": "198.51.100.7"}]


def test_the_key_comes_from_list_account_keys_and_stays_secret() -> None:
    run = build(azure)
    [invoke] = run.invokes
    assert invoke.token == "azure-native:cognitiveservices:listAccountKeys"
    account = run.one("azure-native:cognitiveservices:Account")
    assert invoke.args["accountName"] == account.outputs["name"]
    assert run.outputs["key"] == (AZURE_KEY, True)
    suffix = run.one("random:index/randomId:RandomId").outputs["hex"]
    assert run.outputs["endpoint"] == (
        f"https://travelbot-dev-lang-{suffix}.cognitiveservices.azure.com/",
        False,
    )


def test_the_subdomain_suffix_lives_and_dies_with_the_stack() -> None:
    # GIVEN the account and its subdomain's random suffix
    run = build(azure)
    suffix = run.one("random:index/randomId:RandomId")
    account = run.one("azure-native:cognitiveservices:Account")
    # THEN the suffix is a resource of the stack (a destroy deletes it, the next up draws a new
    # one, so the new account never asks for the subdomain the soft-deleted one still holds)
    # and the account is built from it
    assert suffix.inputs["byteLength"] == 4
    assert any("random:index/randomId:RandomId" in urn for urn in account.dependencies)


def test_the_account_explains_a_responsible_ai_terms_refusal() -> None:
    # GIVEN the error Azure answers on a subscription that never accepted the terms
    error = (
        'Status=400 Code="ResourceKindRequireAcceptTerms" Message="This subscription '
        'cannot create TextAnalytics until you agree to Responsible AI terms"'
    )
    # THEN the operator is told the one-time step and where it is documented
    hint = explain_failure([error])
    assert hint is not None and "docs/deploy.md" in hint and "portal" in hint
    assert explain_failure(['Code="CustomDomainInUse"']) is not None
    assert explain_failure(['Code="QuotaExceeded"']) is None


def test_the_account_carries_the_error_hook() -> None:
    run = build(azure)
    account = run.one("azure-native:cognitiveservices:Account")
    assert account.hooks == ["lang-explain-failure"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sku": "S0"}, "sku"),
        ({"custom_subdomain": "Travel_Bot"}, "custom_subdomain"),
        ({"allowed_ip_ranges": ["10.0.0.1/8"]}, "allowed_ip_ranges"),
    ],
)
def test_bad_azure_arguments_are_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValueError, match=rf"AzureLanguageArgs\.{field}"):
        build(lambda: azure(**overrides))


def test_the_secret_gets_the_key_rotation_has_not_regenerated() -> None:
    # GIVEN the account during a rotation: the runtime moved to key2, key1 is being regenerated
    run = build(lambda: azure(active_key="key2"))
    # THEN key2 is the secret output
    assert run.outputs["key"] == ("azure-key-2", True)
