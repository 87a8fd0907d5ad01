"""Plausible outputs of the resource types the program declares, for the Pulumi mocks.

Ids, ARNs in the resource's region, generated names, Lex ids, a GCP service-account key file
and the Azure Language endpoint: enough for the program's ``apply`` chains and for outputs that
look like the real ones. Used by :class:`tools.mocked_stack.RecordingMocks`.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
#: The mocked GCP project's number (pool and provider names carry it).
GCP_PROJECT_NUMBER = "987654321098"


def _physical_name(name: str) -> str:
    return f"{name}-{hashlib.sha256(name.encode()).hexdigest()[:7]}"


def _arn(service: str, region: str, resource: str, *, account: str = ACCOUNT) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _lex_id(*parts: str) -> str:
    """A 10-character upper-case id, the shape Lex gives bots and aliases."""
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest().upper()
    return digest[:10]


def mock_outputs(
    type_: str, name: str, inputs: Mapping[str, Any], *, region: str | None = None
) -> tuple[str, dict[str, Any]]:
    """Plausible outputs (id, arn, generated names) for the types the program uses."""
    region = str(inputs.get("region") or region or DEFAULT_REGION)
    physical = str(inputs.get("name") or _physical_name(name))
    out: dict[str, Any] = {**inputs, "name": physical}
    special = _OUTPUTS.get(type_)
    rid = special(region, physical, inputs, out) if special else None
    service = type_.split(":")[1].split("/")[0]
    if type_.startswith("aws:") and service != "iam":
        out.setdefault("arn", _arn(service, region, f"{type_.split(':')[-1].lower()}/{physical}"))
    return rid or physical, out


Outputs = dict[str, Any]


def _key(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    rid = hashlib.sha256(physical.encode()).hexdigest()[:32]
    out.update(keyId=rid, arn=_arn("kms", region, f"key/{rid}"))
    return rid


def _table(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = _arn("dynamodb", region, f"table/{physical}")


def _secret(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    out["arn"] = _arn("secretsmanager", region, f"secret:{physical}-AbCdEf")
    return str(out["arn"])


def _queue(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    out["arn"] = _arn("sqs", region, physical)
    out["url"] = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{physical}"
    return str(out["url"])


def _log_group(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = _arn("logs", region, f"log-group:{physical}")


def _role(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["arn"] = f"arn:aws:iam::{ACCOUNT}:role/{physical}"


def _function(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    arn = _arn("lambda", region, f"function:{physical}")
    out.update(arn=arn, version="1", qualifiedArn=f"{arn}:1", invokeArn=_invoke(region, arn))


def _alias(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    arn = _arn("lambda", region, f"function:{inputs.get('functionName')}:{physical}")
    out.update(arn=arn, invokeArn=_invoke(region, arn))


def _rest_api(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    rid = hashlib.sha256(physical.encode()).hexdigest()[:10]
    out.update(
        rootResourceId=f"root{rid[:6]}",
        executionArn=_arn("execute-api", region, rid),
        arn=f"arn:aws:apigateway:{region}::/restapis/{rid}",
    )
    return rid


def _stage(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    api, stage = inputs.get("restApi"), inputs.get("stageName")
    out.update(
        arn=f"arn:aws:apigateway:{region}::/restapis/{api}/stages/{stage}",
        invokeUrl=f"https://{api}.execute-api.{region}.amazonaws.com/{stage}",
        executionArn=_arn("execute-api", region, f"{api}/{stage}"),
    )


def _certificate(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    domain = inputs.get("domainName")
    out["arn"] = _arn("acm", region, f"certificate/{physical}")
    out["domainValidationOptions"] = [
        {
            "domainName": domain,
            "resourceRecordName": f"_x1.{domain}.",
            "resourceRecordType": "CNAME",
            "resourceRecordValue": "_y1.acm-validations.aws.",
        }
    ]


def _domain_name(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["regionalDomainName"] = f"d-{physical[-7:]}.execute-api.{region}.amazonaws.com"
    out["regionalZoneId"] = "Z1UJRXOUMOOFQ8"


def _record(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    out["fqdn"] = str(inputs.get("name", "")).rstrip(".")


def _lex_bot(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    # The bot's id stays its name, so alias ARNs read ``bot-alias/<bot name>/<alias id>``.
    out["arn"] = _arn("lex", region, f"bot/{physical}")


def _lex_version(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    out["botVersion"] = "1"
    return f"{inputs.get('botId')},1"


def _lex_alias(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    bot = str(inputs.get("botId"))
    alias_id = _lex_id(region, bot, str(inputs.get("botAliasName")))
    out.update(botAliasId=alias_id, arn=_arn("lex", region, f"bot-alias/{bot}/{alias_id}"))
    return f"{alias_id}|{bot}"


def _table_replica(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    table = str(inputs.get("globalTableArn"))
    parts = table.split(":", 5)
    out["arn"] = ":".join([*parts[:3], region, *parts[4:]])
    return f"{table.rsplit('/', 1)[-1]}:{region}"


def _bucket(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    name = physical.lower()[:63]
    out.update(
        bucket=name,
        arn=f"arn:aws:s3:::{name}",
        bucketRegionalDomainName=f"{name}.s3.{region}.amazonaws.com",
    )
    return name


def _bucket_object(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    key = str(inputs.get("key"))
    out["versionId"] = hashlib.sha256(key.encode()).hexdigest()[:32]
    return key


def _signing_profile(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    name = f"{inputs.get('namePrefix', '')}20260101000000000000000001"
    arn = _arn("signer", region, f"/signing-profiles/{name}")
    out.update(name=name, arn=arn, version="AbCdEf0123", versionArn=f"{arn}/AbCdEf0123")
    return name


def _signing_job(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    source = (inputs.get("source") or {}).get("s3") or {}
    destination = (inputs.get("destination") or {}).get("s3") or {}
    job_id = hashlib.sha256(json.dumps(source, sort_keys=True).encode()).hexdigest()[:36]
    key = f"{destination.get('prefix', '')}{job_id}.zip"
    out.update(
        jobId=job_id, signedObjects=[{"s3s": [{"bucket": destination.get("bucket"), "key": key}]}]
    )
    return job_id


def _code_signing_config(
    region: str, physical: str, inputs: Mapping[str, Any], out: Outputs
) -> str:
    config_id = f"csc-{hashlib.sha256(physical.encode()).hexdigest()[:17]}"
    out.update(configId=config_id, arn=_arn("lambda", region, f"code-signing-config:{config_id}"))
    return str(out["arn"])


def _random_id(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    size = int(inputs.get("byteLength") or 4)
    digest = hashlib.sha256(physical.encode()).hexdigest()[: 2 * size]
    out.update(
        hex=digest,
        dec=str(int(digest, 16)),
        b64Url=base64.urlsafe_b64encode(bytes.fromhex(digest)).decode().rstrip("="),
    )
    return str(out["b64Url"])


def _gcp_pool(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    pool = inputs.get("workloadIdentityPoolId")
    out["name"] = f"projects/{GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/{pool}"
    return str(out["name"])


def _gcp_pool_provider(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    pool, provider = (
        inputs.get("workloadIdentityPoolId"),
        inputs.get("workloadIdentityPoolProviderId"),
    )
    out["name"] = (
        f"projects/{GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/{pool}"
        f"/providers/{provider}"
    )
    return str(out["name"])


def _gcp_account(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> str:
    project = inputs.get("project")
    email = f"{inputs.get('accountId')}@{project}.iam.gserviceaccount.com"
    out.update(email=email, name=f"projects/{project}/serviceAccounts/{email}")
    return str(out["name"])


def _gcp_key(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    account = str(inputs.get("serviceAccountId"))
    email = account.rsplit("/", 1)[-1]
    key_file = {
        "type": "service_account",
        "project_id": email.split("@")[-1].split(".")[0],
        "private_key_id": hashlib.sha256(account.encode()).hexdigest()[:40],
        "private_key": "-----BEGIN PRIVATE KEY-----\nMOCKED\n-----END PRIVATE KEY-----\n",
        "client_email": email,
        "client_id": "100000000000000000001",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    out["privateKey"] = base64.b64encode(json.dumps(key_file).encode()).decode()


def _azure_account(region: str, physical: str, inputs: Mapping[str, Any], out: Outputs) -> None:
    properties = dict(inputs.get("properties") or {})
    subdomain = properties.get("customSubDomainName", physical)
    properties["endpoint"] = f"https://{subdomain}.cognitiveservices.azure.com/"
    out["properties"] = properties
    principal = hashlib.sha256(physical.encode()).hexdigest()
    identity = dict(inputs.get("identity") or {})
    identity["principalId"] = "-".join(
        (principal[:8], principal[8:12], principal[12:16], principal[16:20], principal[20:32])
    )
    out["identity"] = identity


_OUTPUTS: dict[str, Callable[[str, str, Mapping[str, Any], Outputs], str | None]] = {
    "aws:kms/key:Key": _key,
    "aws:dynamodb/table:Table": _table,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:sqs/queue:Queue": _queue,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:iam/role:Role": _role,
    "aws:lambda/function:Function": _function,
    "aws:lambda/alias:Alias": _alias,
    "aws:apigateway/restApi:RestApi": _rest_api,
    "aws:apigateway/stage:Stage": _stage,
    "aws:acm/certificate:Certificate": _certificate,
    "aws:apigateway/domainName:DomainName": _domain_name,
    "aws:route53/record:Record": _record,
    "aws-native:lex:Bot": _lex_bot,
    "aws-native:lex:BotVersion": _lex_version,
    "aws-native:lex:BotAlias": _lex_alias,
    "aws:dynamodb/tableReplica:TableReplica": _table_replica,
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketObjectv2:BucketObjectv2": _bucket_object,
    "aws:signer/signingProfile:SigningProfile": _signing_profile,
    "aws:signer/signingJob:SigningJob": _signing_job,
    "aws:lambda/codeSigningConfig:CodeSigningConfig": _code_signing_config,
    "random:index/randomId:RandomId": _random_id,
    "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": _gcp_pool,
    "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": _gcp_pool_provider,
    "gcp:serviceaccount/account:Account": _gcp_account,
    "gcp:serviceaccount/key:Key": _gcp_key,
    "azure-native:cognitiveservices:Account": _azure_account,
}


def _invoke(region: str, arn: str) -> str:
    return f"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations"
