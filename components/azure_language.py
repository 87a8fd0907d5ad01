"""AzureLanguage: the Azure AI Language account the runtime asks for sentiment.

- A resource group of its own, so the account's lifetime is the stack's.
- ``cognitiveservices.Account`` kind ``TextAnalytics``: sku from config (``F0`` free tier in dev:
  one per subscription, 5,000 records a month; ``S`` elsewhere), a custom subdomain (needed for
  Entra ID tokens and network rules, and the endpoint's host name), a system-assigned managed
  identity, and optional network rules: with ``allowed_ip_ranges`` set, only those addresses
  (e.g. the NAT gateway of the Lambda's VPC) get through and everything else is denied.
- **Soft delete.** Azure keeps a deleted account for 48 hours, name and custom subdomain
  reserved, so a destroy followed by an up with the same subdomain would fail until then. The
  subdomain is therefore ``<custom_subdomain>-<8 random hex digits>`` (a ``random.RandomId``
  that a destroy deletes too), and the account's name is auto-named by Pulumi: a new account
  never collides with the one being purged. (Purging on delete is the alternative, but a
  ``pulumi destroy`` does not run the program, so a hook could not be relied on to do it.)
- **Responsible AI terms.** A subscription that never accepted them for Language refuses the
  account with ``ResourceKindRequireAcceptTerms``. Nothing in the API accepts them: it is a
  one-time step in the portal (docs/deploy.md). An error hook on the account
  (:func:`explain_failure`) adds that pointer to the failure, and ``python -m tools.preflight``
  checks the subscription before the first ``up``.
- The access key (``key1``, or ``key2`` while rotating, see ``active_key``) comes from
  ``cognitiveservices.list_account_keys_output`` and is a secret output from the start: it goes
  straight into the stack's Secrets Manager secret, never into an environment variable.
  :attr:`AzureLanguage.endpoint` (not secret) goes to the Lambda's environment as
  ``AZURE_LANGUAGE_ENDPOINT``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_azure_native as azure_native
import pulumi_random as random

KIND = "TextAnalytics"
SKUS = ("F0", "S")
#: ``-`` and 8 hex digits after the configured prefix (Azure allows 64 characters in all).
SUFFIX_BYTES = 4
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,53}[a-z0-9]$")
TERMS_ERROR = "ResourceKindRequireAcceptTerms"
TERMS_HINT = (
    "Azure refused the Language account because this subscription never accepted the "
    "Responsible AI terms for Language (ResourceKindRequireAcceptTerms). Accept them once: "
    "create one 'Language service' resource in the Azure portal (the form shows the notice), "
    "then delete it and run pulumi up again - see docs/deploy.md, 'Azure: Responsible AI "
    "terms'; python -m tools.preflight <stack> checks it beforehand."
)
SUBDOMAIN_HINT = (
    "Azure refused the Language account's custom subdomain: it is taken, possibly by a "
    "soft-deleted account (kept 48 h). Purge it (az cognitiveservices account purge) or "
    "choose another azureLanguageSubdomain prefix - see docs/deploy.md."
)
_LOCATION = re.compile(r"^[a-z][a-z0-9]+$")


@dataclass(frozen=True, kw_only=True)
class AzureLanguageArgs:
    """Arguments of :class:`AzureLanguage`."""

    location: str
    stage: str
    #: Prefix of the subdomain; the endpoint becomes
    #: ``https://<custom_subdomain>-<random hex>.cognitiveservices.azure.com/``.
    custom_subdomain: str
    sku: str = "F0"
    #: Empty: reachable from anywhere (key required). Otherwise only these IPv4 addresses/CIDRs.
    allowed_ip_ranges: Sequence[str] = field(default_factory=tuple)
    tags: Mapping[str, str] = field(default_factory=dict)
    #: ``key1`` or ``key2``: the key handed to the secret (the other can be regenerated).
    active_key: str = "key1"


class AzureLanguage(pulumi.ComponentResource):
    """Resource group, Language account with managed identity, its endpoint and (secret) key."""

    resource_group: azure_native.resources.ResourceGroup
    account: azure_native.cognitiveservices.Account
    subdomain: pulumi.Output[str]
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
        suffix = random.RandomId(f"{name}-subdomain-suffix", byte_length=SUFFIX_BYTES, opts=child)
        self.subdomain = suffix.hex.apply(lambda h: f"{args.custom_subdomain}-{h}")
        properties: azure_native.cognitiveservices.AccountPropertiesArgsDict = {
            "custom_sub_domain_name": self.subdomain,
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
            opts=pulumi.ResourceOptions(
                parent=self,
                hooks=pulumi.ResourceHookBinding(
                    on_error=[pulumi.ErrorHook(f"{name}-explain-failure", _on_error)]
                ),
            ),
        )
        keys = azure_native.cognitiveservices.list_account_keys_output(
            account_name=self.account.name,
            resource_group_name=self.resource_group.name,
            opts=pulumi.InvokeOutputOptions(parent=self),
        )
        active = keys.key1 if args.active_key == "key1" else keys.key2
        self.key = pulumi.Output.secret(active.apply(_require_key))
        self.endpoint = self.account.properties.endpoint
        self.principal_id = self.account.identity.apply(
            lambda identity: identity.principal_id if identity else ""
        )
        self.register_outputs(
            {"endpoint": self.endpoint, "key": self.key, "principalId": self.principal_id}
        )


def explain_failure(errors: Sequence[str]) -> str | None:
    """The operator's next step for an account creation error Azure explains poorly, if any."""
    text = "\n".join(errors)
    if TERMS_ERROR in text:
        return TERMS_HINT
    if "CustomDomainInUse" in text or "FlagMustBeSetForRestore" in text:
        return SUBDOMAIN_HINT
    return None


def _on_error(args: pulumi.ErrorHookArgs) -> bool:
    """Error hook: log the pointer next to Azure's error; never retry (it would fail again)."""
    hint = explain_failure(args.errors)
    if hint is not None:
        pulumi.log.error(hint)
    return False


def _require_key(key: str | None) -> str:
    if not key:
        raise ValueError("Azure returned no key for the Language account (is local auth off?)")
    return key


def _validate(args: AzureLanguageArgs) -> list[str]:
    """Check the arguments; returns the IP rules in the form Azure accepts."""
    if args.active_key not in ("key1", "key2"):
        raise ValueError(
            f"AzureLanguageArgs.active_key must be key1 or key2, got {args.active_key!r}"
        )
    if args.sku not in SKUS:
        raise ValueError(
            f"AzureLanguageArgs.sku must be one of {', '.join(SKUS)}, got {args.sku!r}"
        )
    if not _SUBDOMAIN.match(args.custom_subdomain):
        raise ValueError(
            "AzureLanguageArgs.custom_subdomain must be 2..55 lower-case letters, digits and "
            f"inner hyphens (a random suffix follows), got {args.custom_subdomain!r}"
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
