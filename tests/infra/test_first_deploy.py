"""What a real cloud would reject on a first ``pulumi up`` (issue 13), shown on the mocked program.

Mocks accept anything, so these tests assert the things the clouds check and the mocks do not:
the order resources are created in (``depends_on`` and input dependencies, as the engine sees
them), what a role may write, which stack owns an account-wide setting, what survives a destroy.
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

import pytest

from components.config import ConfigError
from tools.mocked_stack import MockedResource, StackRun, run_program

TABLE = "aws:dynamodb/table:Table"
REPLICA = "aws:dynamodb/tableReplica:TableReplica"
TARGET = "aws:appautoscaling/target:Target"
SCALING = "aws:appautoscaling/policy:Policy"
ACCOUNT = "aws:apigateway/account:Account"
FUNCTION = "aws:lambda/function:Function"


def depends(resource: MockedResource, other: MockedResource) -> bool:
    return other.urn in resource.dependencies


# 1. DynamoDB global table with provisioned capacity --------------------------------------------


def test_the_replica_waits_for_the_write_scaling_of_table_and_index(prod: StackRun) -> None:
    # GIVEN prod's provisioned table, its scaling policies and its eu-west-1 replica
    replica = prod.one(REPLICA)
    primary_writes = [
        p for p in prod.of_type(SCALING, region="us-east-1")
        if p.inputs["scalableDimension"].endswith("WriteCapacityUnits")
    ]  # fmt: skip
    # THEN the replica is created after both write policies (DynamoDB refuses it before)
    assert {p.inputs["scalableDimension"] for p in primary_writes} == {
        "dynamodb:table:WriteCapacityUnits", "dynamodb:index:WriteCapacityUnits",
    }  # fmt: skip
    assert all(depends(replica, p) for p in primary_writes)
    # AND the table does not declare it inline, and leaves the replicas to that resource
    table = prod.one(TABLE)
    assert "replicas" not in table.inputs
    assert "replicas" in table.ignore_changes
    assert table.inputs["streamEnabled"] is True  # global tables replicate through the stream


def test_the_replicas_own_scaling_comes_after_the_replica(prod: StackRun) -> None:
    replica = prod.one(REPLICA)
    targets = prod.of_type(TARGET, region="eu-west-1")
    assert len(targets) == 4  # table and index, read and write
    assert all(depends(target, replica) for target in targets)


def test_on_demand_multi_region_keeps_its_replicas_inline(source_archive: object) -> None:
    # GIVEN prod with on-demand capacity: DynamoDB takes the replica in the same request
    run = run_program("prod", {"tableCapacityMode": "on-demand"})
    table = run.one(TABLE)
    # THEN the replica is part of the table, with no separate resource and no scaling
    assert table.inputs["billingMode"] == "PAY_PER_REQUEST"
    assert [r["regionName"] for r in table.inputs["replicas"]] == ["eu-west-1"]
    assert run.of_type(REPLICA) == [] and run.of_type(TARGET) == []


def test_a_single_region_stack_can_still_reserve_capacity(source_archive: object) -> None:
    run = run_program("dev", {"tableCapacityMode": "provisioned"})
    assert run.one(TABLE).inputs["billingMode"] == "PROVISIONED"
    assert len(run.of_type(TARGET)) == 4
    assert run.of_type(REPLICA) == []


# 2 and 3. API Gateway's account-level CloudWatch role ------------------------------------------


def test_only_the_stack_that_sets_manage_api_gateway_account_owns_the_setting(
    stacks: dict[str, StackRun],
) -> None:
    owners = {name: len(run.of_type(ACCOUNT)) for name, run in stacks.items()}
    # dev and staging (default false) leave it alone; prod sets it in each of its regions
    assert owners == {"dev": 0, "staging": 0, "prod": 2}


def _account_role_document(run: StackRun, region: str) -> dict[str, object]:
    account = run.one(ACCOUNT, region=region)
    role = next(
        r for r in run.of_type("aws:iam/role:Role")
        if r.outputs["arn"] == account.inputs["cloudwatchRoleArn"]
    )  # fmt: skip
    policy = next(
        p for p in run.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.inputs["role"] == role.outputs["name"]
    )  # fmt: skip
    document: dict[str, object] = json.loads(policy.inputs["policy"])
    return document


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"])
def test_the_account_role_may_write_every_stacks_access_logs_and_execution_logs(
    prod: StackRun, region: str
) -> None:
    # GIVEN the role prod sets as API Gateway's CloudWatch role in a region
    [statement] = _account_role_document(prod, region)["Statement"]  # type: ignore[misc]
    resources = statement["Resource"]
    # THEN it may write log streams of prod's access log group, of dev's and staging's (they
    # share the setting in a shared account), and the execution logs
    for stage in ("prod", "dev", "staging"):
        stream = f"arn:aws:logs:{region}:123456789012:log-group:/travelbot/{stage}/api-access:x"
        assert any(fnmatchcase(stream, r) for r in resources), stage
    execution = f"arn:aws:logs:{region}:123456789012:log-group:API-Gateway-Execution-Logs_a/v1:x"
    assert any(fnmatchcase(execution, r) for r in resources)
    assert {"logs:CreateLogStream", "logs:PutLogEvents"} <= set(statement["Action"])
    # AND nothing else: no other log group of the account
    other = f"arn:aws:logs:{region}:123456789012:log-group:/aws/lambda/payroll:x"
    assert not any(fnmatchcase(other, r) for r in resources)


def test_the_account_role_outlives_the_stack_that_manages_it(prod: StackRun) -> None:
    # GIVEN the account setting, its role and the role's policy in prod
    shared = prod.of_type(ACCOUNT) + [
        r for r in prod.resources if r.name.endswith(("-cloudwatch-role", "-cloudwatch-policy"))
    ]
    assert len(shared) == 6
    # THEN a destroy of prod leaves them (other stacks of the account log through them)
    assert all(r.retain_on_delete for r in shared)
    # AND the role names its owner, which the preflight reads
    for role in prod.of_type("aws:iam/role:Role"):
        if role.name.endswith("-cloudwatch-role"):
            assert role.inputs["tags"] == {"travelbot-api-gateway-logging-owner": "prod"}


def test_a_stage_waits_for_the_account_role_where_its_stack_sets_it(prod: StackRun) -> None:
    for region in ("us-east-1", "eu-west-1"):
        stage = prod.one("aws:apigateway/stage:Stage", region=region)
        assert depends(stage, prod.one(ACCOUNT, region=region))


# 7. Alarms must notify someone in prod ---------------------------------------------------------


def test_prod_alarms_notify_the_configured_address_in_every_region(prod: StackRun) -> None:
    subscriptions = prod.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s.region for s in subscriptions) == ["eu-west-1", "us-east-1"]
    for subscription in subscriptions:
        topic = prod.one("aws:sns/topic:Topic", region=subscription.region)
        assert subscription.inputs["topic"] == topic.outputs["arn"]
        assert subscription.inputs["endpoint"] == "oncall@travelbot.example.com"


def test_prod_without_a_notification_target_is_refused_naming_the_key(
    source_archive: object,
) -> None:
    with pytest.raises(ConfigError, match=r"^travelbot:alarmEmail is required for a prod stack"):
        run_program("prod", {"alarmEmail": ""})


# 8. Reserved concurrency from config -------------------------------------------------------------


def test_each_functions_reservation_comes_from_config(source_archive: object) -> None:
    run = run_program(
        "dev",
        {"reservedConcurrency": 20, "replayReservedConcurrency": 3,
         "analyticsReservedConcurrency": 1},
    )  # fmt: skip
    reserved = {
        f.name.split("-")[-2]: f.inputs["reservedConcurrentExecutions"]
        for f in run.of_type(FUNCTION)
    }
    assert reserved == {"chat": 20, "replay": 3, "analytics": 1}


# 9. Code signing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "policy"), [("dev", "Warn"), ("staging", "Enforce"),
                                                ("prod", "Enforce")])  # fmt: skip
def test_every_function_runs_signed_code_enforced_outside_dev(
    stacks: dict[str, StackRun], stack: str, policy: str
) -> None:
    run = stacks[stack]
    for config in run.of_type("aws:lambda/codeSigningConfig:CodeSigningConfig"):
        profile = run.one("aws:signer/signingProfile:SigningProfile", region=config.region)
        assert config.inputs["policies"] == {"untrustedArtifactOnDeployment": policy}
        assert config.inputs["allowedPublishers"] == {
            "signingProfileVersionArns": [profile.outputs["versionArn"]]
        }
        assert profile.inputs["platformId"] == "AWSLambda-SHA384-ECDSA"
    for function in run.of_type(FUNCTION):
        config = run.one("aws:lambda/codeSigningConfig:CodeSigningConfig", region=function.region)
        assert function.inputs["codeSigningConfigArn"] == config.outputs["arn"]
        assert "code" not in function.inputs  # never a local zip: S3, signed


def test_the_signing_job_signs_the_uploaded_version_into_the_region_bucket(dev: StackRun) -> None:
    bucket = dev.one("aws:s3/bucket:Bucket")
    package = dev.one("aws:s3/bucketObjectv2:BucketObjectv2")
    job = dev.one("aws:signer/signingJob:SigningJob")
    versioning = dev.one("aws:s3/bucketVersioning:BucketVersioning")
    # Signer signs only a versioned object: the upload waits for versioning (and encryption)
    assert depends(package, versioning)
    assert versioning.inputs["versioningConfiguration"] == {"status": "Enabled"}
    assert job.inputs["source"]["s3"] == {
        "bucket": bucket.id, "key": package.inputs["key"], "version": package.outputs["versionId"],
    }  # fmt: skip
    assert job.inputs["destination"]["s3"] == {"bucket": bucket.id, "prefix": "signed/"}
    assert package.inputs["key"].startswith("unsigned/") and package.inputs["key"].endswith(".zip")


def test_the_artifacts_bucket_is_private_encrypted_and_tls_only(dev: StackRun) -> None:
    key = dev.one("aws:kms/key:Key").outputs["arn"]
    encryption = dev.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    )
    [rule] = encryption.inputs["rules"]
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms", "kmsMasterKeyId": key,
    }  # fmt: skip
    block = dev.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy",
                                          "ignorePublicAcls", "restrictPublicBuckets"))  # fmt: skip
    policy = json.loads(dev.one("aws:s3/bucketPolicy:BucketPolicy").inputs["policy"])
    assert policy["Statement"][0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
