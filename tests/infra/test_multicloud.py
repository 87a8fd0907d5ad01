"""The three clouds wired into the AWS half, one region (dev) and two (prod), each cloud on or off.

Runs the real ``__main__.py`` under mocks (:mod:`tools.mocked_stack`). Dev is AWS-only with Lex;
prod has Lex in both regions, Dialogflow and Azure once, and a custom domain. Every cloud is
switched off in turn (and all three together) to show that the stack stays valid: no resource,
secret field, environment variable, permission or output of a cloud that is off, and the policy
pack still passes.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from pulumi.runtime.rpc import _special_secret_sig, _special_sig_key

from components.config import ConfigError, StackConfig
from policy.rules_compute import check_environment
from runtime.providers.secrets import BotSecrets
from runtime.settings import Settings
from tools.mocked_stack import AZURE_KEYS, TEST_SECRETS, MockedResource, StackRun, run_program
from tools.plan import policy_violations

FUNCTION = "aws:lambda/function:Function"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LEX_BOT, LEX_VERSION, LEX_ALIAS = (f"aws-native:lex:{t}" for t in ("Bot", "BotVersion", "BotAlias"))
SECRET_VERSION = "aws:secretsmanager/secretVersion:SecretVersion"
PRIMARY, SECONDARY = "us-east-1", "eu-west-1"

#: Everything that serves traffic, once per region.
PER_REGION = {
    FUNCTION: 3,
    "aws:lambda/alias:Alias": 1,
    "aws:apigateway/restApi:RestApi": 1,
    "aws:apigateway/stage:Stage": 1,
    "aws:wafv2/webAcl:WebAcl": 1,
    "aws:wafv2/webAclAssociation:WebAclAssociation": 1,
    "aws:kms/key:Key": 1,
    "aws:codedeploy/deploymentGroup:DeploymentGroup": 1,
    "aws:cloudwatch/dashboard:Dashboard": 1,
    LEX_BOT: 1,
    LEX_VERSION: 1,
    LEX_ALIAS: 1,
}
CUSTOM_DOMAIN_PER_REGION = {
    "aws:acm/certificate:Certificate": 1,
    "aws:acm/certificateValidation:CertificateValidation": 1,
    "aws:apigateway/domainName:DomainName": 1,
    "aws:apigateway/basePathMapping:BasePathMapping": 1,
}
#: A provisioned table's replica in each other region (its own resource, see item 1 of issue 13).
SECONDARY_ONLY = ("aws:dynamodb/tableReplica:TableReplica",)
#: Stack-wide, in the first region only (the others get replicas).
PRIMARY_ONLY = (
    "aws:dynamodb/table:Table",
    "aws:secretsmanager/secret:Secret",
    SECRET_VERSION,
    "aws:backup/vault:Vault",
    "aws:backup/plan:Plan",
    "aws:backup/selection:Selection",
)
#: Keyless (the default): no key; a pool, its AWS provider and one binding per region's role.
GCP = {
    "gcp:projects/service:Service": 4,  # Dialogflow, IAM, STS, IAM Credentials
    "gcp:diagflow/agent:Agent": 1,
    "gcp:serviceaccount/account:Account": 1,
    "gcp:projects/iAMMember:IAMMember": 2,  # dialogflow.client, serviceUsageConsumer
    "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": 1,
    "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": 1,
    "gcp:serviceaccount/iAMMember:IAMMember": 2,  # workloadIdentityUser, one chat role a region
    "pulumi-python:dynamic/travelbot:DialogflowContent": 1,
    "random:index/randomId:RandomId": 1,  # the pool id's suffix
}
AZURE = {
    "azure-native:resources:ResourceGroup": 1,
    "azure-native:cognitiveservices:Account": 1,
    "random:index/randomId:RandomId": 1,  # the subdomain's suffix
}

#: What each cloud leaves behind when it is on: resource type prefixes, variables, outputs.
CLOUD_TRACES = {
    "lex": (("aws-native:", "pulumi:providers:aws-native"), "LEX_", {"lexBotId", "lexBotAliasId"}),
    "dialogflow": (("gcp:", "pulumi-python:dynamic"), "DIALOGFLOW_", {"dialogflowProjectId"}),
    "azure": (("azure-native:",), "AZURE_", {"azureLanguageEndpoint"}),
}
SWITCHED_OFF = {
    "lex-off": {"lexEnabled": False},
    "dialogflow-off": {"dialogflowEnabled": False},
    "azure-off": {"azureEnabled": False},
    "aws-only": {"lexEnabled": False, "dialogflowEnabled": False, "azureEnabled": False},
}
#: Prod with the opt-in Dialogflow key instead of federation.
WITH_KEY = {"dialogflowAuth": "serviceAccountKey"}


@pytest.fixture(scope="module")
def switched_runs(source_archive: object) -> dict[str, StackRun]:
    """Prod with one cloud (or all three) switched off by config, each evaluated once."""
    return {name: run_program("prod", overrides) for name, overrides in SWITCHED_OFF.items()}


@pytest.fixture(params=list(SWITCHED_OFF))
def switched(request: pytest.FixtureRequest, switched_runs: dict[str, StackRun]) -> StackRun:
    """One switched-off variant of prod."""
    return switched_runs[request.param]


@pytest.fixture(scope="module")
def keyed(source_archive: object) -> StackRun:
    """Prod with ``dialogflowAuth=serviceAccountKey``."""
    return run_program("prod", WITH_KEY)


@pytest.fixture(params=["dev", "prod", "keyed", *SWITCHED_OFF])
def any_run(request: pytest.FixtureRequest) -> StackRun:
    """Every stack variant of this module: dev, prod, keyed prod, each switched-off prod."""
    if request.param in SWITCHED_OFF:
        runs: dict[str, StackRun] = request.getfixturevalue("switched_runs")
        return runs[request.param]
    run: StackRun = request.getfixturevalue(request.param)
    return run


def dialogflow_key(run: StackRun) -> bool:
    """Dialogflow is on with the opt-in key (not federation)."""
    return "dialogflow" in enabled_clouds(run) and (
        run.config["travelbot:dialogflowAuth"] == "serviceAccountKey"
    )


def enabled_clouds(run: StackRun) -> set[str]:
    """The clouds the run's config switches on."""
    flags = {"lex": "lexEnabled", "dialogflow": "dialogflowEnabled", "azure": "azureEnabled"}
    return {cloud for cloud, key in flags.items() if run.config[f"travelbot:{key}"] == "true"}


def per_placement(run: StackRun, placement: str) -> Counter[str]:
    return Counter({t: n for (t, p), n in run.counts().items() if p == placement})


def chat_function(run: StackRun, region: str) -> MockedResource:
    return run.one(FUNCTION, "chat-function", region=region)


def variables(function: MockedResource) -> dict[str, Any]:
    env: dict[str, Any] = function.inputs["environment"]["variables"]
    return env


def role_document(run: StackRun, function: MockedResource) -> dict[str, Any]:
    role_name = function.inputs["role"].rsplit("/", 1)[-1]
    policy = next(p for p in run.of_type(ROLE_POLICY) if p.inputs["role"] == role_name)
    document: dict[str, Any] = json.loads(policy.inputs["policy"])
    return document


def secret_document(run: StackRun) -> dict[str, str]:
    value = run.one(SECRET_VERSION).inputs["secretString"]
    assert value[_special_sig_key] == _special_secret_sig  # secret in the state as well
    document: dict[str, str] = json.loads(value["value"])
    return document


# Resources per region -------------------------------------------------------------------------


def test_dev_serves_one_region_with_lex_and_no_custom_domain_or_other_cloud(dev: StackRun) -> None:
    # GIVEN the dev stack (defaults: Lex on, Dialogflow and Azure off, no custom domain)
    counts = dev.counts()
    # THEN everything lives in us-east-1, apart from IAM (global)
    assert {placement for _, placement in counts} == {PRIMARY, "aws:global"}
    region = per_placement(dev, PRIMARY)
    # AND the region has the full serving set, Lex included, and the stack-wide pieces
    assert {t: region[t] for t in PER_REGION} == PER_REGION
    assert all(region[t] == 1 for t in PRIMARY_ONLY)
    # AND no custom-domain resource exists
    assert not any(region[t] for t in CUSTOM_DOMAIN_PER_REGION)
    assert not dev.of_type("aws:route53/healthCheck:HealthCheck")


def test_prod_serves_both_regions_with_the_same_set_and_keeps_stack_wide_pieces_in_the_first(
    prod: StackRun,
) -> None:
    # GIVEN prod (us-east-1 and eu-west-1, all three clouds, a custom domain)
    first, second = per_placement(prod, PRIMARY), per_placement(prod, SECONDARY)
    expected = {**PER_REGION, **CUSTOM_DOMAIN_PER_REGION}
    # THEN each region has the whole serving set, Lex and the custom domain included
    assert {t: first[t] for t in expected} == expected
    assert {t: second[t] for t in expected} == expected
    # AND apart from the stack-wide pieces and the table's replica the regions hold the same
    assert first - Counter(dict.fromkeys(PRIMARY_ONLY, 1)) == second - Counter(
        dict.fromkeys(SECONDARY_ONLY, 1)
    )
    assert not any(second[t] for t in PRIMARY_ONLY)
    assert not any(first[t] for t in SECONDARY_ONLY)
    # AND health checks and latency records are global, one per region (+ one validation record)
    global_ = per_placement(prod, "aws:global")
    assert global_["aws:route53/healthCheck:HealthCheck"] == 2
    assert global_["aws:route53/record:Record"] == 3
    # AND Dialogflow and Azure exist once for the stack
    assert dict(per_placement(prod, "gcp:global")) == GCP
    assert dict(per_placement(prod, "azure:westeurope")) == AZURE


def test_each_regions_lex_bot_goes_through_that_regions_aws_native_provider(
    prod: StackRun,
) -> None:
    providers = prod.of_type("pulumi:providers:aws-native")
    assert sorted(p.inputs["region"] for p in providers) == [SECONDARY, PRIMARY]
    for provider in providers:
        # (provider inputs reach the engine as JSON text)
        assert json.loads(provider.inputs["defaultTags"]) == {
            "tags": {"project": "travelbot", "environment": "prod"}
        }
    for type_ in (LEX_BOT, LEX_VERSION, LEX_ALIAS):
        for resource in prod.of_type(type_):
            region = resource.region
            assert f"::aws-native-{region}::" in resource.provider
            assert resource.name.startswith(f"lex-{region}-")


def test_each_region_has_its_own_certificate_domain_mapping_health_check_and_latency_record(
    prod: StackRun,
) -> None:
    domain = prod.config["travelbot:customDomain"]
    zone = prod.config["travelbot:hostedZoneId"]
    records = prod.of_type("aws:route53/record:Record")
    for region in (PRIMARY, SECONDARY):
        # GIVEN the region's API and its custom-domain resources
        api = prod.one("aws:apigateway/restApi:RestApi", region=region)
        stage = prod.one("aws:apigateway/stage:Stage", region=region)
        certificate = prod.one("aws:acm/certificate:Certificate", region=region)
        validation = prod.one("aws:acm/certificateValidation:CertificateValidation", region=region)
        name = prod.one("aws:apigateway/domainName:DomainName", region=region)
        mapping = prod.one("aws:apigateway/basePathMapping:BasePathMapping", region=region)
        check = prod.one("aws:route53/healthCheck:HealthCheck", f"domain-{region}-")
        # THEN the certificate is DNS-validated in the region and the domain is REGIONAL, TLS 1.2
        assert certificate.inputs["validationMethod"] == "DNS"
        assert validation.inputs["certificateArn"] == certificate.outputs["arn"]
        assert f":acm:{region}:" in name.inputs["regionalCertificateArn"]
        assert name.inputs["domainName"] == domain
        assert name.inputs["endpointConfiguration"] == {"types": "REGIONAL"}
        assert name.inputs["securityPolicy"] == "TLS_1_2"
        # AND the base path mapping sends the domain to this region's API stage
        assert mapping.inputs["restApi"] == api.id
        assert mapping.inputs["stageName"] == stage.inputs["stageName"]
        # AND the health check probes this region's /health directly (not the latency name)
        assert check.inputs["fqdn"] == f"{api.id}.execute-api.{region}.amazonaws.com"
        assert check.inputs["resourcePath"] == f"/{stage.inputs['stageName']}/health"
        assert check.inputs["type"] == "HTTPS"
        # AND the latency record for the region aliases its domain, guarded by its check
        [record] = [r for r in records if r.inputs.get("setIdentifier") == region]
        assert record.inputs["zoneId"] == zone
        assert record.inputs["name"] == domain
        assert record.inputs["latencyRoutingPolicies"] == [{"region": region}]
        assert record.inputs["healthCheckId"] == check.id
        assert record.inputs["aliases"][0]["name"] == name.outputs["regionalDomainName"]
    assert prod.exports["customDomainUrl"] == f"https://{domain}/"


def test_the_dns_validation_record_is_declared_once_and_shared_by_every_regions_certificate(
    prod: StackRun,
) -> None:
    # GIVEN prod's validation records (ACM asks each region for the same CNAME)
    [record] = [r for r in prod.of_type("aws:route53/record:Record") if "validation" in r.name]
    assert record.name.startswith(f"domain-{PRIMARY}-")
    # THEN both regions' validations use that one record, so dropping eu-west-1 cannot delete it
    for region in (PRIMARY, SECONDARY):
        validation = prod.one("aws:acm/certificateValidation:CertificateValidation", region=region)
        assert validation.inputs["validationRecordFqdns"] == [record.outputs["fqdn"]]


def test_each_regions_function_uses_its_regions_table_replica_and_secret_replica(
    prod: StackRun,
) -> None:
    table = prod.one("aws:dynamodb/table:Table")
    secret = prod.one("aws:secretsmanager/secret:Secret")
    replica = prod.one("aws:dynamodb/tableReplica:TableReplica")
    assert (replica.region, replica.inputs["globalTableArn"]) == (SECONDARY, table.outputs["arn"])
    assert [r["region"] for r in secret.inputs["replicas"]] == [SECONDARY]
    for region in (PRIMARY, SECONDARY):
        function = chat_function(prod, region)
        env = variables(function)
        assert env["TRAVELBOT_SECRET_ARN"].startswith(f"arn:aws:secretsmanager:{region}:")
        grants = {s["Sid"]: s["Resource"] for s in role_document(prod, function)["Statement"]}
        assert grants["ReadAndWriteConversations"][0].startswith(f"arn:aws:dynamodb:{region}:")
        if region == SECONDARY:  # the replica's own ARN: the region waits for the replica
            assert grants["ReadAndWriteConversations"][0] == replica.outputs["arn"]
        assert grants["ReadTheBotSecret"] == [env["TRAVELBOT_SECRET_ARN"]]


# Wiring into the function -------------------------------------------------------------------


def test_recognize_text_is_granted_to_the_chat_function_on_its_regions_alias_only(
    prod: StackRun,
) -> None:
    for region in (PRIMARY, SECONDARY):
        alias = prod.one(LEX_ALIAS, region=region)
        for function in prod.of_type(FUNCTION, region=region):
            statements = role_document(prod, function)["Statement"]
            lex = [s for s in statements if any(a.startswith("lex:") for a in s["Action"])]
            if "chat-function" in function.name:
                # THEN the chat function may call RecognizeText on this region's alias, only
                assert lex == [
                    {
                        "Sid": "RecognizeWithLex",
                        "Effect": "Allow",
                        "Action": ["lex:RecognizeText"],
                        "Resource": [alias.outputs["arn"]],
                    }
                ]
                assert f":lex:{region}:" in alias.outputs["arn"]
                assert ":bot-alias/" in alias.outputs["arn"]
            else:
                # AND the replay and analytics functions may not call Lex at all
                assert lex == []


def test_the_functions_point_at_their_regions_bot_and_the_stacks_agent_and_endpoint(
    prod: StackRun,
) -> None:
    agent = prod.one("gcp:diagflow/agent:Agent")
    account = prod.one("azure-native:cognitiveservices:Account")
    for region in (PRIMARY, SECONDARY):
        env = variables(chat_function(prod, region))
        bot, alias = prod.one(LEX_BOT, region=region), prod.one(LEX_ALIAS, region=region)
        assert env["LEX_BOT_ID"] == bot.id == alias.inputs["botId"]
        assert env["LEX_BOT_ALIAS_ID"] == alias.outputs["botAliasId"]
        assert env["LEX_LOCALE_ID"] == "en_US"
        assert env["LEX_REGION"] == region
        assert env["DIALOGFLOW_PROJECT_ID"] == agent.inputs["project"] == "travelbot-prod"
        assert env["DIALOGFLOW_LANGUAGE_CODE"] == agent.inputs["defaultLanguageCode"]
        assert env["AZURE_LANGUAGE_ENDPOINT"] == account.outputs["properties"]["endpoint"]
        # AND the runtime, reading that environment, calls all three clouds in this region
        settings = Settings.from_env(env)
        assert settings.lex_enabled and settings.lex_region == region
        assert settings.dialogflow_configured and settings.azure_configured
        regional = prod.exports["regional"][region]
        assert (regional["lexBotId"], regional["lexBotAliasId"]) == (
            env["LEX_BOT_ID"],
            env["LEX_BOT_ALIAS_ID"],
        )
    assert prod.exports["dialogflowProjectId"] == "travelbot-prod"


def test_each_regions_chat_role_alone_may_impersonate_the_dialogflow_account(
    prod: StackRun,
) -> None:
    # GIVEN keyless Dialogflow in prod: the pool, the runtime's service account, the audience
    pool = prod.one("gcp:iam/workloadIdentityPool:WorkloadIdentityPool")
    provider = prod.one("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider")
    account = prod.one("gcp:serviceaccount/account:Account")
    bindings = prod.of_type("gcp:serviceaccount/iAMMember:IAMMember")
    assert not prod.of_type("gcp:serviceaccount/key:Key")
    for region in (PRIMARY, SECONDARY):
        function = chat_function(prod, region)
        role_name = function.inputs["role"].rsplit("/", 1)[-1]
        env = variables(function)
        # THEN that region's chat role, and only it, is a workload identity user of the account
        [binding] = [b for b in bindings if b.name.startswith(f"{region}-")]
        assert binding.inputs["role"] == "roles/iam.workloadIdentityUser"
        assert binding.inputs["serviceAccountId"] == account.outputs["name"]
        assert binding.inputs["member"] == (
            f"principalSet://iam.googleapis.com/{pool.outputs['name']}/attribute.aws_role/"
            f"arn:aws:sts::123456789012:assumed-role/{role_name}"
        )
        # AND the function knows where to exchange and whom to impersonate, with no secret
        assert env["DIALOGFLOW_WORKLOAD_IDENTITY_AUDIENCE"] == (
            f"//iam.googleapis.com/{provider.outputs['name']}"
        )
        assert env["DIALOGFLOW_SERVICE_ACCOUNT"] == account.outputs["email"]
        assert env["DIALOGFLOW_QUOTA_PROJECT_ID"] == "travelbot-prod"


def test_the_secret_holds_exactly_the_fields_of_the_enabled_clouds(any_run: StackRun) -> None:
    # GIVEN a stack variant and the clouds its config switches on
    clouds = enabled_clouds(any_run)
    document = secret_document(any_run)
    # THEN OpenWeather's and Open-Meteo's keys are always there (empty until set: the free
    # Open-Meteo API answers meanwhile), the GCP key file and Azure key only when on
    expected = {"openweather_api_key", "open_meteo_api_key"}
    expected |= {"google_credentials"} if dialogflow_key(any_run) else set()
    expected |= {"azure_language_key"} if "azure" in clouds else set()
    assert set(document) == expected
    # AND the runtime reads each field as the credential it expects
    secrets = BotSecrets.from_value(document)
    assert secrets.openweather_api_key == next(iter(TEST_SECRETS.values()))
    assert (secrets.google_credentials is not None) == dialogflow_key(any_run)
    assert secrets.azure_language_key == (AZURE_KEYS["key1"] if "azure" in clouds else "")


def test_no_lambda_environment_holds_a_secret_or_a_secret_marked_value(any_run: StackRun) -> None:
    document = secret_document(any_run)
    secret_values = [v for v in document.values() if v]
    google = json.loads(document.get("google_credentials", "{}"))
    secret_values += [google[k] for k in ("private_key", "private_key_id") if k in google]
    for function in any_run.of_type(FUNCTION):
        env = variables(function)
        # THEN every value is a plain string (a secret Output would arrive wrapped)
        assert all(isinstance(value, str) for value in env.values()), function.name
        # AND none is, or contains, a secret of the stack
        text = json.dumps(env)
        assert not [s for s in secret_values if s in text], function.name
        # AND the policy pack's own test of names and values finds nothing
        assert list(check_environment(function.inputs)) == []


# Each cloud switched off --------------------------------------------------------------------


def test_a_cloud_switched_off_leaves_no_resource_variable_permission_or_output(
    switched: StackRun,
) -> None:
    clouds = enabled_clouds(switched)
    for cloud, (prefixes, env_prefix, outputs) in CLOUD_TRACES.items():
        on = cloud in clouds
        # THEN its resources exist exactly when it is on
        assert any(r.type.startswith(prefixes) for r in switched.resources) == on, cloud
        for function in switched.of_type(FUNCTION):
            # AND so do its environment variables
            assert any(k.startswith(env_prefix) for k in variables(function)) == on, cloud
        # AND its outputs, at the top and per region
        exported = set(switched.exports) | {
            key for region in switched.exports["regional"].values() for key in region
        }
        assert bool(outputs & exported) == on, cloud
    lex_grants = [p.name for p in switched.of_type(ROLE_POLICY) if '"lex:' in p.inputs["policy"]]
    assert bool(lex_grants) == ("lex" in clouds)


def test_the_runtime_configures_exactly_the_clouds_that_are_on(switched: StackRun) -> None:
    clouds = enabled_clouds(switched)
    for region in (PRIMARY, SECONDARY):
        settings = Settings.from_env(variables(chat_function(switched, region)))
        assert settings.lex_enabled == ("lex" in clouds)
        assert settings.dialogflow_configured == ("dialogflow" in clouds)
        assert settings.azure_configured == ("azure" in clouds)


def test_every_variant_passes_the_policy_pack_with_no_mandatory_violation(
    any_run: StackRun,
) -> None:
    assert policy_violations(any_run) == []


def test_an_aws_only_stack_still_serves_both_regions(switched: StackRun) -> None:
    for region in (PRIMARY, SECONDARY):
        assert chat_function(switched, region)
        assert switched.one("aws:wafv2/webAclAssociation:WebAclAssociation", region=region)
    assert switched.exports["apiUrl"].startswith("https://")


# Config of the clouds -------------------------------------------------------------------------


def test_one_confidence_threshold_reaches_lex_dialogflow_and_the_runtime(
    source_archive: object,
) -> None:
    # WHEN prod is run with the threshold set to 0.7
    run = run_program("prod", {"nluConfidenceThreshold": "0.7"})
    # THEN every Lex locale, the Dialogflow agent and every function use it
    for bot in run.of_type(LEX_BOT):
        assert bot.inputs["botLocales"][0]["nluConfidenceThreshold"] == 0.7
    assert run.one("gcp:diagflow/agent:Agent").inputs["classificationThreshold"] == 0.7
    for function in run.of_type(FUNCTION):
        assert Settings.from_env(variables(function)).confidence_threshold == 0.7


def test_lex_conversation_logs_go_to_an_encrypted_log_group_with_the_stacks_retention(
    source_archive: object,
) -> None:
    run = run_program("dev", {"lexConversationLogs": True})
    group = run.one("aws:cloudwatch/logGroup:LogGroup", "lex-us-east-1-")
    assert group.inputs["name"] == "/travelbot/dev/lex-conversations"
    assert group.inputs["retentionInDays"] == 7
    assert group.inputs["kmsKeyId"] == run.one("aws:kms/key:Key").outputs["arn"]
    alias = run.one(LEX_ALIAS)
    settings = alias.inputs["conversationLogSettings"]["textLogSettings"][0]
    assert settings["destination"]["cloudWatch"]["cloudWatchLogGroupArn"] == group.outputs["arn"]


@pytest.mark.parametrize(
    ("values", "key"),
    [
        ({"dialogflowEnabled": True}, "travelbot:gcpProject"),
        ({"dialogflowEnabled": True, "gcpProject": "My_Project"}, "travelbot:gcpProject"),
        (
            {
                "dialogflowEnabled": True,
                "gcpProject": "travelbot-x",
                "dialogflowMatchMode": "FUZZY",
            },
            "travelbot:dialogflowMatchMode",
        ),
        (
            {"dialogflowEnabled": True, "gcpProject": "travelbot-x", "dialogflowTimeZone": "UTC+2"},
            "travelbot:dialogflowTimeZone",
        ),
        ({"azureEnabled": True}, "travelbot:azureLanguageSubdomain"),
        (
            {"azureEnabled": True, "azureLanguageSubdomain": "tb", "azureLanguageSku": "S0"},
            "travelbot:azureLanguageSku",
        ),
        (
            {"azureEnabled": True, "azureLanguageSubdomain": "tb", "azureAllowedIpRanges": ["1.2"]},
            "travelbot:azureAllowedIpRanges",
        ),
        ({"nluConfidenceThreshold": "high"}, "travelbot:nluConfidenceThreshold"),
        ({"nluConfidenceThreshold": "0"}, "travelbot:nluConfidenceThreshold"),
        ({"nluConfidenceThreshold": 1.5}, "travelbot:nluConfidenceThreshold"),
        ({"lexEnabled": "maybe"}, "travelbot:lexEnabled"),
        ({"regions": ["us-east-1", "eu-south-1"]}, "travelbot:lexEnabled"),
    ],
)
def test_a_bad_cloud_setting_is_rejected_with_an_error_naming_its_key(
    values: dict[str, Any], key: str
) -> None:
    with pytest.raises(ConfigError, match=f"^{key}[ :]"):
        StackConfig.from_values(values, project="travelbot", stack="dev")


def test_a_cloud_that_is_off_ignores_its_unset_settings() -> None:
    # GIVEN Lex off in a region without Lex, and no GCP project or Azure subdomain
    config = StackConfig.from_values(
        {"lexEnabled": False, "regions": ["eu-south-1"]}, project="travelbot", stack="dev"
    )
    # THEN the config is valid and every cloud is off
    assert (config.lex, config.dialogflow, config.azure) == (None, None, None)
    assert config.nlu_confidence_threshold is None
