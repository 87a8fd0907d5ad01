"""Every infrastructure item of the seed's production checklist, on the real program's inputs.

Each test reads the resources the mocked ``__main__.py`` declared for a stack (dev, staging,
prod; prod serves from two regions) and asserts the inputs that make the item true.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tools.mocked_stack import TEST_SECRETS, MockedResource, StackRun, run_program

FUNCTION = "aws:lambda/function:Function"
TABLE = "aws:dynamodb/table:Table"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SECRET_SIG = "4dabf18193072939515e22adb298388d"  # how Pulumi marks a secret value on the wire
NON_SECRET_ENV = {
    "TRAVELBOT_STAGE",
    "TRAVELBOT_STORE",
    "TRAVELBOT_TABLE_NAME",
    "TRAVELBOT_RETENTION_DAYS",
    "TRAVELBOT_SPOOL_QUEUE_URL",
    "TRAVELBOT_SECRET_ARN",
    "TRAVELBOT_RATE_PER_MINUTE",
    "TRAVELBOT_RATE_BURST",
    "POWERTOOLS_SERVICE_NAME",
    "POWERTOOLS_METRICS_NAMESPACE",
    "LOG_LEVEL",
    # dev has Lex on: the region's bot (ids, not secrets)
    "LEX_BOT_ID",
    "LEX_BOT_ALIAS_ID",
    "LEX_LOCALE_ID",
    "LEX_REGION",
    # the patience's bounds (a cloud NLU is on)
    "TRAVELBOT_PATIENCE_FLOOR_MS",
    "TRAVELBOT_PATIENCE_CEILING_MS",
    # the keyless open-data sources (base URLs and a timeout; their optional key is in the secret)
    "TRAVELBOT_SOURCES",
    "TRAVELBOT_SOURCES_TIMEOUT_S",
    "TRAVELBOT_OPEN_METEO_URL",
    "TRAVELBOT_OPEN_METEO_ARCHIVE_URL",
    "TRAVELBOT_FRANKFURTER_URL",
    "TRAVELBOT_WIKIVOYAGE_URL",
}


def chat_function(run: StackRun, region: str = "us-east-1") -> MockedResource:
    return run.one(FUNCTION, "chat-function", region=region)


def role_policy(run: StackRun, function: MockedResource) -> dict[str, Any]:
    role = next(
        r for r in run.of_type("aws:iam/role:Role") if r.outputs["arn"] == function.inputs["role"]
    )
    policy = next(
        p
        for p in run.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.inputs["role"] == role.outputs["name"]
    )
    document: dict[str, Any] = json.loads(policy.inputs["policy"])
    return document


def statement(document: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in document["Statement"] if s["Sid"] == sid)


# 1. Secrets ----------------------------------------------------------------------------------


def test_the_third_party_keys_live_in_one_kms_encrypted_secret_and_never_in_the_environment(
    dev: StackRun,
) -> None:
    # GIVEN the dev stack with an OpenWeather key set as a config secret
    secret = dev.one("aws:secretsmanager/secret:Secret")
    version = dev.one("aws:secretsmanager/secretVersion:SecretVersion")
    key = next(iter(TEST_SECRETS.values()))
    # THEN the secret uses the stack's customer-managed key
    assert secret.inputs["kmsKeyId"].startswith("arn:aws:kms:us-east-1:")
    # AND its value is the JSON document, marked secret all the way to the engine
    assert version.inputs["secretString"][SECRET_SIG]
    assert json.loads(version.inputs["secretString"]["value"]) == {
        "openweather_api_key": key,
        "open_meteo_api_key": "",  # the free API until the stack sets openMeteoApiKey
    }
    # AND no function carries the key or any variable outside the non-secret set
    for function in dev.of_type(FUNCTION):
        variables = function.inputs["environment"]["variables"]
        assert set(variables) <= NON_SECRET_ENV
        assert key not in json.dumps(variables)
        assert variables["TRAVELBOT_SECRET_ARN"] == secret.outputs["arn"]


def test_only_the_chat_function_may_read_the_secret(dev: StackRun) -> None:
    secret_arn = dev.one("aws:secretsmanager/secret:Secret").outputs["arn"]
    readers = [
        f.name for f in dev.of_type(FUNCTION) if secret_arn in json.dumps(role_policy(dev, f))
    ]
    assert readers == ["chat-us-east-1-chat-function"]
    grant = statement(role_policy(dev, chat_function(dev)), "ReadTheBotSecret")
    assert grant["Action"] == ["secretsmanager:GetSecretValue"]
    assert grant["Resource"] == [secret_arn]


# 2. Rate limiting ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_rate_limits_hold_per_ip_in_waf_and_in_the_runtime_and_per_stage_in_api_gateway(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    for acl in run.of_type("aws:wafv2/webAcl:WebAcl"):
        rate = next(r for r in acl.inputs["rules"] if r["name"] == "RateLimitPerIp")
        statement_ = rate["statement"]["rateBasedStatement"]
        assert statement_["aggregateKeyType"] == "IP"
        assert statement_["evaluationWindowSec"] == 60
        assert statement_["limit"] >= 200  # never below the runtime bucket's burst
        assert "block" in rate["action"]
    for function in run.of_type(FUNCTION):
        variables = function.inputs["environment"]["variables"]
        assert variables["TRAVELBOT_RATE_PER_MINUTE"] == "100"
        assert variables["TRAVELBOT_RATE_BURST"] == "200"
    for settings in run.of_type("aws:apigateway/methodSettings:MethodSettings"):
        assert settings.inputs["settings"]["throttlingBurstLimit"] == 200
        assert settings.inputs["settings"]["throttlingRateLimit"] > 0


# 3. Input validation -------------------------------------------------------------------------


def test_chat_bodies_are_validated_against_the_contract_before_the_function_runs(
    dev: StackRun,
) -> None:
    model = dev.one("aws:apigateway/model:Model")
    schema = json.loads(model.inputs["schema"])
    assert schema["properties"]["message"] == {"type": "string", "minLength": 1, "maxLength": 1000}
    assert schema["properties"]["sessionId"]["pattern"] == "^[A-Za-z0-9_-]{8,64}$"
    assert schema["properties"]["clientMessageId"]["pattern"] == "^[A-Za-z0-9_.:-]{1,64}$"
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["message"]
    post = dev.one("aws:apigateway/method:Method", "post-chat")
    validator = dev.one(
        "aws:apigateway/requestValidator:RequestValidator", "api-us-east-1-validator"
    )
    assert post.inputs["requestModels"] == {"application/json": "ChatRequest"}
    assert post.inputs["requestValidatorId"] == validator.id
    assert validator.inputs["validateRequestBody"] is True
    # AND every other method (GET / and GET /health included) validates its parameters
    parameters = dev.one("aws:apigateway/requestValidator:RequestValidator", "parameters")
    assert (
        parameters.inputs["validateRequestBody"],
        parameters.inputs["validateRequestParameters"],
    ) == (False, True)
    for method in dev.of_type("aws:apigateway/method:Method"):
        expected = validator if method is post else parameters
        assert method.inputs["requestValidatorId"] == expected.id, method.name
    bad_body = dev.one("aws:apigateway/response:Response", "bad-request-body")
    error = json.loads(bad_body.inputs["responseTemplates"]["application/json"])
    assert bad_body.inputs["statusCode"] == "400"
    assert error["error"]["code"] == "invalid_request"
    unknown_route = dev.one("aws:apigateway/response:Response", "missing-authentication-token")
    assert unknown_route.inputs["statusCode"] == "404"


# 4. Alarms and log retention -----------------------------------------------------------------


def test_alarms_cover_the_seed_thresholds_and_notify_an_encrypted_topic(dev: StackRun) -> None:
    topic = dev.one("aws:sns/topic:Topic")
    alarms = {a.name.removeprefix("monitoring-us-east-1-"): a.inputs for a in dev.of_type(ALARM)}
    assert set(alarms) >= {
        "lambda-errors", "live-errors", "lambda-duration-p99", "lambda-throttles",
        "api-5xx-rate", "api-4xx-rate", "api-latency-p90", "table-throttles",
        "table-system-errors", "nlu-fallback-rate",
    }  # fmt: skip
    for alarm in alarms.values():
        assert alarm["alarmActions"] == [topic.outputs["arn"]]
        assert alarm["actionsEnabled"] is True
    errors = alarms["lambda-errors"]
    assert (errors["metricName"], errors["threshold"], errors["evaluationPeriods"]) == (
        "Errors",
        10,
        2,
    )
    duration = alarms["lambda-duration-p99"]
    assert duration["extendedStatistic"] == "p99"
    assert duration["threshold"] == 0.8 * 15 * 1000  # 80 % of the 15 s timeout, not the seed's 25 s
    fallback = alarms["nlu-fallback-rate"]["metricQueries"]
    assert {q["metric"]["metricName"] for q in fallback if "metric" in q} == {
        "NluFallback",
        "Turns",
    }
    assert topic.inputs["kmsMasterKeyId"]


@pytest.mark.parametrize(("stack", "days"), [("dev", 7), ("staging", 30), ("prod", 90)])
def test_every_log_group_keeps_logs_for_the_stacks_retention_encrypted(
    stacks: dict[str, StackRun], stack: str, days: int
) -> None:
    groups = stacks[stack].of_type(LOG_GROUP)
    assert groups
    for group in groups:
        assert group.inputs["retentionInDays"] == days
        assert group.inputs["kmsKeyId"].startswith(f"arn:aws:kms:{group.region}:")


# 6. Lambda configuration ---------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_chat_function_has_the_production_configuration(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    for region in json.loads(run.config["travelbot:regions"]):
        function = chat_function(run, region).inputs
        assert function["runtime"] == "python3.12"
        assert function["architectures"] == ["arm64"]
        assert function["memorySize"] == 1024
        assert function["timeout"] == 15
        assert function["reservedConcurrentExecutions"] == 100
        assert function["tracingConfig"] == {"mode": "Active"}
        assert function["handler"] == "runtime.api.handler.lambda_handler"
        assert function["publish"] is True
        # the signed package (from the region's signing job), checked by a code signing config
        job = run.one("aws:signer/signingJob:SigningJob", region=region)
        [signed] = job.outputs["signedObjects"][0]["s3s"]
        assert (function["s3Bucket"], function["s3Key"]) == (signed["bucket"], signed["key"])
        config = run.one("aws:lambda/codeSigningConfig:CodeSigningConfig", region=region)
        assert function["codeSigningConfigArn"] == config.outputs["arn"]


def test_each_function_role_is_inline_least_privilege_scoped_to_arns(dev: StackRun) -> None:
    table = dev.one(TABLE).outputs["arn"]
    document = role_policy(dev, chat_function(dev))
    actions = {a for s in document["Statement"] for a in s["Action"]}
    assert actions == {
        "logs:CreateLogStream", "logs:PutLogEvents", "xray:PutTraceSegments",
        "xray:PutTelemetryRecords", "dynamodb:GetItem", "dynamodb:PutItem",
        "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query",
        "dynamodb:BatchWriteItem", "secretsmanager:GetSecretValue", "sqs:SendMessage",
        "kms:Decrypt", "kms:GenerateDataKey", "lex:RecognizeText",
    }  # fmt: skip
    assert statement(document, "ReadAndWriteConversations")["Resource"] == [
        table, f"{table}/index/*"
    ]  # fmt: skip
    for s in document["Statement"]:
        assert s["Resource"] != ["*"] or s["Sid"] == "SendTraces"
    for role in dev.of_type("aws:iam/role:Role"):
        assert not role.inputs.get("managedPolicyArns")
    assert not dev.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")


def test_failed_writes_spool_to_sqs_and_replay_in_small_batches_with_a_dead_letter_queue(
    dev: StackRun,
) -> None:
    spool = next(q for q in dev.of_type("aws:sqs/queue:Queue") if q.name.endswith("-spool"))
    dlq = next(q for q in dev.of_type("aws:sqs/queue:Queue") if q.name.endswith("-spool-dlq"))
    redrive = json.loads(spool.inputs["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": dlq.outputs["arn"], "maxReceiveCount": 5}
    mapping = dev.one("aws:lambda/eventSourceMapping:EventSourceMapping")
    replay = dev.one(FUNCTION, "replay-function")
    assert mapping.inputs["eventSourceArn"] == spool.outputs["arn"]
    assert mapping.inputs["functionName"] == replay.outputs["arn"]
    assert mapping.inputs["batchSize"] <= 10
    assert mapping.inputs["functionResponseTypes"] == ["ReportBatchItemFailures"]
    assert spool.inputs["visibilityTimeoutSeconds"] >= 6 * replay.inputs["timeout"]
    assert replay.inputs["handler"] == "runtime.spool.job.replay_handler"
    chat_env = chat_function(dev).inputs["environment"]["variables"]
    assert chat_env["TRAVELBOT_SPOOL_QUEUE_URL"] == spool.outputs["url"]


# 7. PITR and backups -------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_table_has_point_in_time_recovery_and_a_daily_backup_plan(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    table = run.one(TABLE)
    assert table.inputs["pointInTimeRecovery"] == {"enabled": True}
    plan = run.one("aws:backup/plan:Plan")
    rule = plan.inputs["rules"][0]
    assert rule["schedule"] == "cron(0 3 * * ? *)"
    assert rule["lifecycle"]["deleteAfter"] == int(run.config["travelbot:backupRetentionDays"])
    vault = run.one("aws:backup/vault:Vault")
    assert rule["targetVaultName"] == vault.outputs["name"]
    assert vault.inputs["kmsKeyArn"]
    selection = run.one("aws:backup/selection:Selection")
    assert selection.inputs["resources"] == [table.outputs["arn"]]
    assert selection.inputs["planId"] == plan.id


# 8. Multi-region -----------------------------------------------------------------------------


def test_prod_serves_from_two_regions_over_a_global_table_and_a_replicated_secret(
    prod: StackRun,
) -> None:
    assert prod.exports["regions"] == ["us-east-1", "eu-west-1"]
    for region in ("us-east-1", "eu-west-1"):
        assert chat_function(prod, region)
        assert prod.one("aws:apigateway/stage:Stage", region=region)
        assert prod.one("aws:wafv2/webAcl:WebAcl", region=region)
        assert prod.one("aws:kms/key:Key", region=region).inputs["enableKeyRotation"] is True
    table = prod.one(TABLE)
    eu_key = prod.one("aws:kms/key:Key", region="eu-west-1").outputs["arn"]
    # provisioned: the replica is its own resource, added after the write auto-scaling
    assert "replicas" not in table.inputs
    replica = prod.one("aws:dynamodb/tableReplica:TableReplica")
    assert (replica.region, replica.inputs["globalTableArn"]) == ("eu-west-1", table.outputs["arn"])
    assert replica.inputs["kmsKeyArn"] == eu_key
    assert replica.inputs["pointInTimeRecovery"] is True
    assert replica.inputs["deletionProtectionEnabled"] is True
    assert table.inputs["streamViewType"] == "NEW_AND_OLD_IMAGES"
    secret = prod.one("aws:secretsmanager/secret:Secret")
    assert secret.inputs["replicas"] == [{"region": "eu-west-1", "kmsKeyId": eu_key}]
    eu_env = chat_function(prod, "eu-west-1").inputs["environment"]["variables"]
    assert eu_env["TRAVELBOT_SECRET_ARN"].startswith("arn:aws:secretsmanager:eu-west-1:")
    assert set(prod.exports["regional"]) == {"us-east-1", "eu-west-1"}


# 9. Custom domain ----------------------------------------------------------------------------


def test_a_custom_domain_gets_a_certificate_tls12_and_latency_records_per_region(
    source_archive: object,
) -> None:
    run = run_program("prod", {"customDomain": "chat.example.org", "hostedZoneId": "Z123"})
    assert run.exports["customDomainUrl"] == "https://chat.example.org/"
    records = [r for r in run.of_type("aws:route53/record:Record") if r.inputs.get("type") == "A"]
    assert sorted(r.inputs["setIdentifier"] for r in records) == ["eu-west-1", "us-east-1"]
    for record in records:
        assert record.inputs["latencyRoutingPolicies"] == [
            {"region": record.inputs["setIdentifier"]}
        ]
        assert record.inputs["healthCheckId"]
        assert record.inputs["aliases"][0]["evaluateTargetHealth"] is True
    for domain in run.of_type("aws:apigateway/domainName:DomainName"):
        assert domain.inputs["securityPolicy"] == "TLS_1_2"
        assert domain.inputs["endpointConfiguration"] == {"types": "REGIONAL"}
    for certificate in run.of_type("aws:acm/certificate:Certificate"):
        assert certificate.inputs["validationMethod"] == "DNS"
    checks = run.of_type("aws:route53/healthCheck:HealthCheck")
    assert {c.inputs["resourcePath"] for c in checks} == {"/v1/health"}


def test_without_a_custom_domain_there_is_no_domain_output(dev: StackRun) -> None:
    assert "customDomainUrl" not in dev.exports
    assert not dev.of_type("aws:apigateway/domainName:DomainName")


# 10. WAF -------------------------------------------------------------------------------------


def test_a_regional_waf_with_managed_rules_and_redacted_logs_guards_each_stage(
    prod: StackRun,
) -> None:
    for region in ("us-east-1", "eu-west-1"):
        acl = prod.one("aws:wafv2/webAcl:WebAcl", region=region)
        stage = prod.one("aws:apigateway/stage:Stage", region=region)
        association = prod.one("aws:wafv2/webAclAssociation:WebAclAssociation", region=region)
        assert acl.inputs["scope"] == "REGIONAL"
        assert association.inputs == {
            "resourceArn": stage.outputs["arn"],
            "webAclArn": acl.outputs["arn"],
            "region": region,
        }
        groups = {
            r["statement"]["managedRuleGroupStatement"]["name"]
            for r in acl.inputs["rules"]
            if "managedRuleGroupStatement" in r["statement"]
        }
        assert groups == {
            "AWSManagedRulesCommonRuleSet",
            "AWSManagedRulesKnownBadInputsRuleSet",
            "AWSManagedRulesAmazonIpReputationList",
        }
        common = next(r for r in acl.inputs["rules"] if r["name"] == "AWSManagedRulesCommonRuleSet")
        overrides = common["statement"]["managedRuleGroupStatement"]["ruleActionOverrides"]
        # The 8 KB body rule only counts: the runtime answers 413 with the contract's JSON error.
        assert overrides == [{"name": "SizeRestrictions_BODY", "actionToUse": {"count": {}}}]
        logging = prod.one(
            "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration", region=region
        )
        assert {"singleHeader": {"name": "cookie"}} in logging.inputs["redactedFields"]
        assert {"queryString": {}} in logging.inputs["redactedFields"]
        log_group = next(
            g
            for g in prod.of_type(LOG_GROUP, region=region)
            if g.outputs["arn"] in logging.inputs["logDestinationConfigs"]
        )
        assert log_group.inputs["name"].startswith("aws-waf-logs-")


def test_geo_blocking_is_a_blocking_rule_only_when_countries_are_configured(
    dev: StackRun, source_archive: object
) -> None:
    assert all(r["name"] != "GeoBlock" for r in dev.one("aws:wafv2/webAcl:WebAcl").inputs["rules"])
    run = run_program("dev", {"geoBlockCountries": ["KP", "IR"]})
    rule = next(
        r for r in run.one("aws:wafv2/webAcl:WebAcl").inputs["rules"] if r["name"] == "GeoBlock"
    )
    assert rule["statement"]["geoMatchStatement"]["countryCodes"] == ["KP", "IR"]
    assert "block" in rule["action"]


# 14/15. Analytics index and business metrics -------------------------------------------------


def test_the_analytics_index_and_the_daily_job_feed_the_business_dashboard(dev: StackRun) -> None:
    from runtime.contract import Table

    table = dev.one(TABLE).inputs
    assert (table["hashKey"], table["rangeKey"]) == (Table.PARTITION_KEY, Table.SORT_KEY)
    (index,) = table["globalSecondaryIndexes"]
    assert index["name"] == Table.ANALYTICS_INDEX
    assert index["keySchemas"] == [
        {"attributeName": "date", "keyType": "HASH"},
        {"attributeName": "timestamp", "keyType": "RANGE"},
    ]
    assert index["projectionType"] == "ALL"
    assert {"name": "date", "type": "S"} in table["attributes"]
    assert {"name": "timestamp", "type": "N"} in table["attributes"]
    rule = dev.one("aws:cloudwatch/eventRule:EventRule")
    target = dev.one("aws:cloudwatch/eventTarget:EventTarget")
    job = dev.one(FUNCTION, "analytics-function")
    assert rule.inputs["scheduleExpression"] == "cron(15 0 * * ? *)"
    assert target.inputs["arn"] == job.outputs["arn"]
    assert job.inputs["handler"] == "runtime.analytics.job.analytics_handler"
    body = json.dumps(
        json.loads(dev.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    )
    for metric in ("DailyActiveSessions", "DailyMessages", "DestinationRequests",
                   "ConversionRate", "ResponseTimeMs", "ProviderAnswered"):  # fmt: skip
        assert metric in body


# 18. Reserved capacity -----------------------------------------------------------------------


def test_prod_uses_provisioned_capacity_auto_scaled_in_every_region_and_dev_pays_per_request(
    dev: StackRun, prod: StackRun
) -> None:
    assert dev.one(TABLE).inputs["billingMode"] == "PAY_PER_REQUEST"
    assert not dev.of_type("aws:appautoscaling/target:Target")
    table = prod.one(TABLE)
    assert table.inputs["billingMode"] == "PROVISIONED"
    assert "readCapacity" in table.ignore_changes  # auto-scaling owns the numbers
    targets = prod.of_type("aws:appautoscaling/target:Target")
    dimensions = {(t.region, t.inputs["scalableDimension"]) for t in targets}
    assert dimensions == {
        (region, f"dynamodb:{kind}:{rw}CapacityUnits")
        for region in ("us-east-1", "eu-west-1")
        for kind in ("table", "index")
        for rw in ("Read", "Write")
    }
    for target in targets:
        assert (target.inputs["minCapacity"], target.inputs["maxCapacity"]) == (10, 400)
    policies = prod.of_type("aws:appautoscaling/policy:Policy")
    assert len(policies) == len(targets)
    for policy in policies:
        assert policy.inputs["targetTrackingScalingPolicyConfiguration"]["targetValue"] == 70


# 19. Provisioned concurrency -----------------------------------------------------------------


def test_prod_keeps_ten_warm_instances_on_the_live_alias_and_dev_none(
    dev: StackRun, prod: StackRun
) -> None:
    assert not dev.of_type("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig")
    for region in ("us-east-1", "eu-west-1"):
        config = prod.one(
            "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig", region=region
        )
        assert config.inputs["qualifier"] == "live"
        assert config.inputs["provisionedConcurrentExecutions"] == 10
        assert config.inputs["functionName"] == chat_function(prod, region).outputs["name"]


# 20. TTL (GDPR retention) --------------------------------------------------------------------


def test_ttl_is_a_table_setting_not_an_index_and_the_runtime_knows_the_retention(
    dev: StackRun,
) -> None:
    from runtime.contract import Table

    table = dev.one(TABLE).inputs
    assert table["ttl"] == {"attributeName": Table.TTL_ATTRIBUTE, "enabled": True}
    assert not table.get("localSecondaryIndexes")  # the seed's "TTLIndex" LSI is not a thing
    variables = chat_function(dev).inputs["environment"]["variables"]
    assert variables["TRAVELBOT_RETENTION_DAYS"] == "90"


# 21. Encryption ------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_data_at_rest_is_encrypted_with_the_regions_rotating_customer_managed_key(
    stacks: dict[str, StackRun], stack: str
) -> None:
    run = stacks[stack]
    keys = {k.region: k for k in run.of_type("aws:kms/key:Key")}
    for key in keys.values():
        assert key.inputs["enableKeyRotation"] is True
    table = run.one(TABLE)
    assert table.inputs["serverSideEncryption"] == {
        "enabled": True,
        "kmsKeyArn": keys["us-east-1"].outputs["arn"],
    }
    for queue in run.of_type("aws:sqs/queue:Queue"):
        assert queue.inputs["kmsMasterKeyId"] == keys[queue.region].outputs["arn"]
    for topic in run.of_type("aws:sns/topic:Topic"):
        assert topic.inputs["kmsMasterKeyId"] == keys[topic.region].outputs["arn"]
    for function in run.of_type(FUNCTION):
        assert function.inputs["kmsKeyArn"] == keys[function.region].outputs["arn"]


# 22. Blue/green ------------------------------------------------------------------------------


def test_codedeploy_shifts_the_live_alias_canary_style_and_rolls_back_on_alarms(
    dev: StackRun,
) -> None:
    alias = dev.one("aws:lambda/alias:Alias")
    assert alias.inputs["name"] == "live"
    assert set(alias.ignore_changes) == {"functionVersion", "routingConfig"}
    application = dev.one("aws:codedeploy/application:Application")
    assert application.inputs["computePlatform"] == "Lambda"
    group = dev.one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs
    assert group["deploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    assert group["deploymentStyle"] == {
        "deploymentOption": "WITH_TRAFFIC_CONTROL",
        "deploymentType": "BLUE_GREEN",
    }
    assert group["autoRollbackConfiguration"] == {
        "enabled": True,
        "events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
    }
    alarm_names = {a.outputs["name"] for a in dev.of_type(ALARM)}
    assert group["alarmConfiguration"]["enabled"] is True
    assert set(group["alarmConfiguration"]["alarms"]) <= alarm_names
    assert any("live-errors" in name for name in group["alarmConfiguration"]["alarms"])
    integration = dev.one("aws:apigateway/integration:Integration", "post-chat")
    assert integration.inputs["uri"] == alias.outputs["invokeArn"]
    assert dev.exports["aliasName"] == "live"
    assert dev.exports["functionVersion"] == "1"


# 23. Environment separation ------------------------------------------------------------------


def test_each_stack_is_its_own_environment_with_its_own_settings(
    stacks: dict[str, StackRun],
) -> None:
    for name, run in stacks.items():
        for function in run.of_type(FUNCTION):
            assert function.inputs["environment"]["variables"]["TRAVELBOT_STAGE"] == name
        for group in run.of_type(LOG_GROUP):
            assert group.inputs["name"].startswith(
                (f"/travelbot/{name}/", f"aws-waf-logs-travelbot-{name}", "API-Gateway-Execution")
            )
    protection = {n: r.one(TABLE).inputs["deletionProtectionEnabled"] for n, r in stacks.items()}
    assert protection == {"dev": False, "staging": False, "prod": True}
    levels = {
        n: chat_function(r).inputs["environment"]["variables"]["LOG_LEVEL"]
        for n, r in stacks.items()
    }
    assert levels == {"dev": "DEBUG", "staging": "INFO", "prod": "INFO"}
    windows = {
        n: r.one("aws:secretsmanager/secret:Secret").inputs["recoveryWindowInDays"]
        for n, r in stacks.items()
    }
    assert windows == {"dev": 7, "staging": 7, "prod": 30}


# Outputs CI reads ----------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "staging", "prod"])
def test_the_stack_exports_what_ci_reads(stacks: dict[str, StackRun], stack: str) -> None:
    run = stacks[stack]
    exports = run.exports
    assert (
        exports["apiUrl"]
        == run.one("aws:apigateway/stage:Stage", region="us-east-1").outputs["invokeUrl"]
    )
    assert exports["functionName"] == chat_function(run).outputs["name"]
    assert exports["tableName"] == run.one(TABLE).outputs["name"]
    assert exports["secretArn"] == run.one("aws:secretsmanager/secret:Secret").outputs["arn"]
    assert exports["codeDeployDeploymentGroup"] == f"travelbot-{stack}-chat"
    assert exports["codeDeployApplication"]
    assert exports["dashboardUrl"].endswith(f"#dashboards:name=travelbot-{stack}-us-east-1")
    assert exports["regions"] == json.loads(run.config["travelbot:regions"])
