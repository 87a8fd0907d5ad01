"""WebFirewall: a REGIONAL WAF web ACL on the API stage (CLOUDFRONT scope would not attach).

Rules, in order: optional geo blocking, a per-IP rate-based rule over a 60 s window (the
coarse shield; the exact "100/min per IP, burst 200" token bucket lives in the runtime), then
AWS's IP-reputation, Common and KnownBadInputs managed groups. Logs go to a KMS-encrypted log
group with the cookie and authorization headers and the query string redacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

waf = aws.wafv2

RATE_WINDOW_S = 60
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
REDACTED_HEADERS = ("authorization", "cookie")


@dataclass(frozen=True, kw_only=True)
class WebFirewallArgs:
    """Arguments of :class:`WebFirewall`."""

    region: str
    stage: str
    stage_arn: pulumi.Input[str]
    kms_key_arn: pulumi.Input[str]
    rate_limit: int = 500
    min_rate_limit: int = 200  # the runtime bucket's burst: the shield must not undercut it
    geo_block_countries: Sequence[str] = field(default_factory=tuple)
    log_retention_days: int = 7


class WebFirewall(pulumi.ComponentResource):
    """The web ACL, its association with the stage and its logging configuration."""

    web_acl: aws.wafv2.WebAcl
    arn: pulumi.Output[str]
    web_acl_name: pulumi.Output[str]

    def __init__(
        self, name: str, args: WebFirewallArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if not max(args.min_rate_limit, 10) <= args.rate_limit <= 2_000_000_000:
            raise ValueError(
                f"WebFirewallArgs.rate_limit must be at least {max(args.min_rate_limit, 10)}, "
                f"got {args.rate_limit}"
            )
        for country in args.geo_block_countries:
            if len(country) != 2 or not country.isupper():
                raise ValueError(f"WebFirewallArgs.geo_block_countries has {country!r}")
        super().__init__("travelbot:index:WebFirewall", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        rules = self._rules(args)
        self.web_acl = aws.wafv2.WebAcl(
            f"{name}-acl",
            description=f"travelbot chat API ({args.stage})",
            scope="REGIONAL",
            default_action=aws.wafv2.WebAclDefaultActionArgs(
                allow=aws.wafv2.WebAclDefaultActionAllowArgs()
            ),
            rules=rules,
            visibility_config=_visibility(f"travelbot-{args.stage}"),
            region=args.region,
            opts=child,
        )
        log_group = aws.cloudwatch.LogGroup(
            f"{name}-logs",
            # WAF only logs to groups whose name starts with aws-waf-logs-.
            name=f"aws-waf-logs-travelbot-{args.stage}",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.kms_key_arn,
            region=args.region,
            opts=child,
        )
        aws.wafv2.WebAclLoggingConfiguration(
            f"{name}-logging",
            resource_arn=self.web_acl.arn,
            log_destination_configs=[log_group.arn],
            redacted_fields=[
                *(
                    waf.WebAclLoggingConfigurationRedactedFieldArgs(
                        single_header=waf.WebAclLoggingConfigurationRedactedFieldSingleHeaderArgs(
                            name=header
                        )
                    )
                    for header in REDACTED_HEADERS
                ),
                waf.WebAclLoggingConfigurationRedactedFieldArgs(
                    query_string=waf.WebAclLoggingConfigurationRedactedFieldQueryStringArgs()  # type: ignore[no-untyped-call]
                ),
            ],
            region=args.region,
            opts=child,
        )
        aws.wafv2.WebAclAssociation(
            f"{name}-association",
            resource_arn=args.stage_arn,
            web_acl_arn=self.web_acl.arn,
            region=args.region,
            opts=child,
        )
        self.arn = self.web_acl.arn
        self.web_acl_name = self.web_acl.name
        self.register_outputs({"arn": self.arn, "webAclName": self.web_acl_name})

    @staticmethod
    def _rules(args: WebFirewallArgs) -> list[aws.wafv2.WebAclRuleArgs]:
        block = aws.wafv2.WebAclRuleActionArgs(block=aws.wafv2.WebAclRuleActionBlockArgs())
        rules: list[aws.wafv2.WebAclRuleArgs] = []
        if args.geo_block_countries:
            rules.append(
                aws.wafv2.WebAclRuleArgs(
                    name="GeoBlock",
                    priority=0,
                    action=block,
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        geo_match_statement=aws.wafv2.WebAclRuleStatementGeoMatchStatementArgs(
                            country_codes=list(args.geo_block_countries)
                        )
                    ),
                    visibility_config=_rule_visibility("GeoBlock"),
                )
            )
        rules.append(
            aws.wafv2.WebAclRuleArgs(
                name="RateLimitPerIp",
                priority=1,
                action=block,
                statement=aws.wafv2.WebAclRuleStatementArgs(
                    rate_based_statement=aws.wafv2.WebAclRuleStatementRateBasedStatementArgs(
                        limit=args.rate_limit,
                        aggregate_key_type="IP",
                        evaluation_window_sec=RATE_WINDOW_S,
                    )
                ),
                visibility_config=_rule_visibility("RateLimitPerIp"),
            )
        )
        for priority, group in enumerate(MANAGED_RULE_GROUPS, start=2):
            rules.append(
                aws.wafv2.WebAclRuleArgs(
                    name=group,
                    priority=priority,
                    override_action=waf.WebAclRuleOverrideActionArgs(
                        none=waf.WebAclRuleOverrideActionNoneArgs()  # type: ignore[no-untyped-call]
                    ),
                    statement=aws.wafv2.WebAclRuleStatementArgs(
                        managed_rule_group_statement=waf.WebAclRuleStatementManagedRuleGroupStatementArgs(
                            name=group,
                            vendor_name="AWS",
                            rule_action_overrides=_count_instead_of_block(group),
                        )
                    ),
                    visibility_config=_rule_visibility(group),
                )
            )
        return rules


#: Managed rules whose block would pre-empt a clearer answer from the runtime: the common
#: set's 8 KB body rule returns a bare 403 where the API contract promises a 413 with a JSON
#: error, so it only counts (the runtime refuses bodies over 8 KB itself).
COUNT_ONLY_RULES: dict[str, tuple[str, ...]] = {
    "AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)
}


def _count_instead_of_block(
    group: str,
) -> list[waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs] | None:
    names = COUNT_ONLY_RULES.get(group, ())
    if not names:
        return None
    count = waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseArgs(
        count=waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideActionToUseCountArgs()
    )
    return [
        waf.WebAclRuleStatementManagedRuleGroupStatementRuleActionOverrideArgs(
            name=name, action_to_use=count
        )
        for name in names
    ]


def _visibility(metric: str) -> aws.wafv2.WebAclVisibilityConfigArgs:
    return aws.wafv2.WebAclVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def _rule_visibility(metric: str) -> aws.wafv2.WebAclRuleVisibilityConfigArgs:
    return aws.wafv2.WebAclRuleVisibilityConfigArgs(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )
