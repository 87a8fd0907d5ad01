"""AzureLanguage: the Azure AI Language account the runtime asks for sentiment.

- A resource group of its own, so the account's lifetime is the stack's.
- ``cognitiveservices.Account`` kind ``TextAnalytics``: sku from config (``F0`` free tier in dev:
  one per subscription, 5,000 records a month; ``S`` elsewhere), a custom subdomain (needed for
  Entra ID tokens and network rules, and the endpoint's host name), a system-assigned managed
  identity, and optional network rules: with ``allowed_ip_ranges`` set, only those addresses
  (e.g. the NAT gateway of the Lambda's VPC) get through and everything else is denied.
- The access key comes from ``cognitiveservices.list_account_keys_output`` and is a secret
  output from the start: it goes straight into the stack's Secrets Manager secret, never into
  an environment variable. :attr:`AzureLanguage.endpoint` (not secret) goes to the Lambda's
  environment as ``AZURE_LANGUAGE_ENDPOINT``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native

KIND = "TextAnalytics"
SKUS = ("F0", "S")
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}[a-z0-9]$")
_LOCATION = re.compile(r"^[a-z][a-z0-9]+$")


@dataclass(frozen=True, kw_only=True)
class AzureLanguageArgs:
    """Arguments of :class:`AzureLanguage`."""

    location: str
    stage: str
    #: Globally unique; the endpoint becomes ``https://<custom_subdomain>.cognitiveservices.azure.com/``.
    custom_subdomain: str
    sku: str = "F0"
    #: Empty: reachable from anywhere (key required). Otherwise only these IPv4 addresses/CIDRs.
    allowed_ip_ranges: Sequence[str] = field(default_factory=tuple)
    tags: Mapping[str, str] = field(default_factory=dict)


class AzureLanguage(pulumi.ComponentResource):
    """Resource group, Language account with managed identity, its endpoint and (secret) key."""

    resource_group: azure_native.resources.ResourceGroup
    account: azure_native.cognitiveservices.Account
    endpoint: pulumi.Output[str]
    key: pulumi.Output[str]
    principal_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: AzureLanguageArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("travelbot:index:AzureLanguage", name, None, opts)
        ip_rules = _validate(args)
        tags = {"project": "travelbot", "stage": args.stage, **args.tags}
        child = pulumi.ResourceOptions(parent=self)
        self.resource_group = azure_native.resources.ResourceGroup(
            f"{name}-rg", location=args.location, tags=tags, opts=child
        )
        properties: azure_native.cognitiveservices.AccountPropertiesArgsDict = {
            "custom_sub_domain_name": args.custom_subdomain,
            "public_network_access": azure_native.cognitiveservices.PublicNetworkAccess.ENABLED,
        }
        if ip_rules:
            properties["network_acls"] = {
                "default_action": azure_native.cognitiveservices.NetworkRuleAction.DENY,
                "ip_rules": [{"value": rule} for rule in ip_rules],
            }
        self.account = azure_native.cognitiveservices.Account(
            f"{name}-account",
            resource_group_name=self.resource_group.name,
            location=args.location,
            kind=KIND,
            sku={"name": args.sku},
            identity={"type": azure_native.cognitiveservices.ResourceIdentityType.SYSTEM_ASSIGNED},
            properties=properties,
            tags=tags,
            opts=child,
        )
        keys = azure_native.cognitiveservices.list_account_keys_output(
            account_name=self.account.name,
            resource_group_name=self.resource_group.name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        self.key = pulumi.Output.secret(keys.key1.apply(_require_key))
        self.endpoint = self.account.properties.endpoint
        self.principal_id = self.account.identity.apply(
            lambda identity: identity.principal_id if identity else ""
        )
        self.register_outputs(
            {"endpoint": self.endpoint, "key": self.key, "principalId": self.principal_id}
        )


def _require_key(key: str | None) -> str:
    if not key:
        raise ValueError("Azure returned no key for the Language account (is local auth off?)")
    return key


def _validate(args: AzureLanguageArgs) -> list[str]:
    """Check the arguments; returns the IP rules in the form Azure accepts."""
    if args.sku not in SKUS:
        raise ValueError(
            f"AzureLanguageArgs.sku must be one of {', '.join(SKUS)}, got {args.sku!r}"
        )
    if not _SUBDOMAIN.match(args.custom_subdomain):
        raise ValueError(
            "AzureLanguageArgs.custom_subdomain must be 2..64 lower-case letters, digits and "
            f"inner hyphens, got {args.custom_subdomain!r}"
        )
    if not _LOCATION.match(args.location):
        raise ValueError(f"AzureLanguageArgs.location is not an Azure region: {args.location!r}")
    rules = []
    for value in args.allowed_ip_ranges:
        try:
            network = ipaddress.IPv4Network(value, strict=True)
        except ValueError:
            raise ValueError(
                f"AzureLanguageArgs.allowed_ip_ranges has an invalid IPv4 range {value!r}"
            ) from None
        # Azure takes a single address without a prefix and rejects /31 and /32 ranges.
        if network.prefixlen == 32:
            rules.append(str(network.network_address))
        elif network.prefixlen == 31:
            rules.extend(str(address) for address in network)
        else:
            rules.append(str(network))
    return rules
