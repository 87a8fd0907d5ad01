"""The pack's policies and the exemptions it deliberately does not enforce."""

from __future__ import annotations

from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policy import rules_api, rules_compute, rules_data, rules_ops

PACK_NAME = "travelbot"

POLICIES: list[ResourceValidationPolicy | StackValidationPolicy] = [
    *rules_api.POLICIES,
    *rules_compute.POLICIES,
    *rules_data.POLICIES,
    *rules_ops.POLICIES,
]

#: Rules of cdk-nag and Checkov this pack does not mirror, and why (reviewed, not forgotten).
EXEMPTIONS: dict[str, str] = {
    "AwsSolutions-APIG4 / AwsSolutions-COG4 / Checkov CKV_AWS_59 (API authorization)": (
        "The chat endpoint is public by design: anyone may talk to the bot. WAF (rate rule, "
        "managed groups), stage throttling and the runtime's per-IP token bucket guard it."
    ),
    "Checkov CKV_AWS_116 (Lambda dead-letter queue)": (
        "The chat function is invoked synchronously by API Gateway: a DLQ never receives "
        "anything. The replay function's SQS source has its own redrive DLQ; the analytics "
        "function (asynchronous, EventBridge) does have one."
    ),
    "Checkov CKV_AWS_117 (Lambda in a VPC)": (
        "The functions only call AWS APIs and public SaaS endpoints; a VPC would add NAT cost "
        "and cold-start latency and protect nothing."
    ),
    "Checkov CKV_AWS_120 (API caching)": ("Chat replies are per-session and never cacheable."),
    "AwsSolutions-SMG4 / Checkov CKV2_AWS_57 (secret rotation by Secrets Manager)": (
        "What can rotate does, without a rotation function: the KMS keys rotate yearly; the GCP "
        "credential no longer exists (keyless federation: Google tokens live an hour), and the "
        "opt-in key is replaced by `pulumi up --replace`; the Azure key rotates without "
        "downtime by switching azureActiveKey to the other key, `pulumi up`, then regenerating "
        "the old one (docs/deploy.md). A Secrets Manager rotation function for it would need "
        "Azure credentials stored in AWS, a long-lived secret to rotate a secret. The "
        "OpenWeather key has no API to rotate it: a person replaces it with "
        "`pulumi config set --secret` and `pulumi up`."
    ),
    "Checkov CKV_AWS_338 (log retention of at least one year)": (
        "Logs may contain user-identifying request metadata; dev keeps 7 days (the seed's "
        "checklist), staging and prod keep what their config says."
    ),
}
