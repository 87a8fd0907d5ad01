"""The travelbot Pulumi components: one ComponentResource (and its Args) per module.

Names are re-exported lazily (PEP 562): ``from components import ChatApi`` imports
``components.chat_api`` on first use, not every module of the package. The process that runs
the Dialogflow dynamic provider imports ``components.dialogflow_content`` and must not pay for
(or depend on) pulumi-aws, pulumi-azure-native and botocore, which the other modules import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

#: Exported name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "AzureConfig": "components.config",
    "AzureLanguage": "components.azure_language",
    "AzureLanguageArgs": "components.azure_language",
    "BlueGreenDeployment": "components.blue_green",
    "BlueGreenDeploymentArgs": "components.blue_green",
    "BotSecrets": "components.bot_secrets",
    "BotSecretsArgs": "components.bot_secrets",
    "ChatApi": "components.chat_api",
    "ChatApiArgs": "components.chat_api",
    "ChatFunction": "components.chat_function",
    "ChatFunctionArgs": "components.chat_function",
    "CodeSigning": "components.code_signing",
    "CodeSigningArgs": "components.code_signing",
    "FunctionCode": "components.code_signing",
    "Concurrency": "components.config",
    "ConfigError": "components.config",
    "ConversationTable": "components.conversation_table",
    "ConversationTableArgs": "components.conversation_table",
    "CustomDomain": "components.custom_domain",
    "CustomDomainArgs": "components.custom_domain",
    "DialogflowAgent": "components.dialogflow_agent",
    "DialogflowAgentArgs": "components.dialogflow_agent",
    "DialogflowConfig": "components.config",
    "EncryptionKey": "components.encryption_key",
    "EncryptionKeyArgs": "components.encryption_key",
    "LambdaArchive": "components.packaging",
    "LexBot": "components.lex_bot",
    "LexBotArgs": "components.lex_bot",
    "LexConfig": "components.config",
    "Monitoring": "components.monitoring",
    "MonitoringArgs": "components.monitoring",
    "PackagingError": "components.packaging",
    "RegionalStack": "components.regional_stack",
    "RegionalStackArgs": "components.regional_stack",
    "SecretReplica": "components.bot_secrets",
    "StackConfig": "components.config",
    "StackServices": "components.ai_services",
    "TableCapacity": "components.config",
    "TableReplica": "components.conversation_table",
    "WebFirewall": "components.web_firewall",
    "WebFirewallArgs": "components.web_firewall",
    "lambda_archive": "components.packaging",
    "lex_environment": "components.ai_services",
    "lex_exports": "components.ai_services",
    "lex_statements": "components.ai_services",
    "load_stack_config": "components.config",
    "regional_lex": "components.ai_services",
    "stack_services": "components.ai_services",
}

__all__ = [
    "AzureConfig",
    "AzureLanguage",
    "AzureLanguageArgs",
    "BlueGreenDeployment",
    "BlueGreenDeploymentArgs",
    "BotSecrets",
    "BotSecretsArgs",
    "ChatApi",
    "ChatApiArgs",
    "ChatFunction",
    "ChatFunctionArgs",
    "CodeSigning",
    "CodeSigningArgs",
    "Concurrency",
    "ConfigError",
    "ConversationTable",
    "ConversationTableArgs",
    "CustomDomain",
    "CustomDomainArgs",
    "DialogflowAgent",
    "DialogflowAgentArgs",
    "DialogflowConfig",
    "EncryptionKey",
    "EncryptionKeyArgs",
    "FunctionCode",
    "LambdaArchive",
    "LexBot",
    "LexBotArgs",
    "LexConfig",
    "Monitoring",
    "MonitoringArgs",
    "PackagingError",
    "RegionalStack",
    "RegionalStackArgs",
    "SecretReplica",
    "StackConfig",
    "StackServices",
    "TableCapacity",
    "TableReplica",
    "WebFirewall",
    "WebFirewallArgs",
    "lambda_archive",
    "lex_environment",
    "lex_exports",
    "lex_statements",
    "load_stack_config",
    "regional_lex",
    "stack_services",
]


def __getattr__(name: str) -> Any:
    """Import the defining module of an exported name on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from components.ai_services import (
        StackServices,
        lex_environment,
        lex_exports,
        lex_statements,
        regional_lex,
        stack_services,
    )
    from components.azure_language import (
        AzureLanguage,
        AzureLanguageArgs,
    )
    from components.blue_green import (
        BlueGreenDeployment,
        BlueGreenDeploymentArgs,
    )
    from components.bot_secrets import (
        BotSecrets,
        BotSecretsArgs,
        SecretReplica,
    )
    from components.chat_api import (
        ChatApi,
        ChatApiArgs,
    )
    from components.chat_function import (
        ChatFunction,
        ChatFunctionArgs,
    )
    from components.code_signing import (
        CodeSigning,
        CodeSigningArgs,
        FunctionCode,
    )
    from components.config import (
        AzureConfig,
        Concurrency,
        ConfigError,
        DialogflowConfig,
        LexConfig,
        StackConfig,
        TableCapacity,
        load_stack_config,
    )
    from components.conversation_table import (
        ConversationTable,
        ConversationTableArgs,
        TableReplica,
    )
    from components.custom_domain import (
        CustomDomain,
        CustomDomainArgs,
    )
    from components.dialogflow_agent import (
        DialogflowAgent,
        DialogflowAgentArgs,
    )
    from components.encryption_key import (
        EncryptionKey,
        EncryptionKeyArgs,
    )
    from components.lex_bot import (
        LexBot,
        LexBotArgs,
    )
    from components.monitoring import (
        Monitoring,
        MonitoringArgs,
    )
    from components.packaging import (
        LambdaArchive,
        PackagingError,
        lambda_archive,
    )
    from components.regional_stack import (
        RegionalStack,
        RegionalStackArgs,
    )
    from components.web_firewall import (
        WebFirewall,
        WebFirewallArgs,
    )
