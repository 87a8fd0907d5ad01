"""The travelbot Pulumi components: one ComponentResource (and its Args) per module."""

from components.ai_services import (
    StackServices,
    lex_environment,
    lex_exports,
    lex_statements,
    regional_lex,
    stack_services,
)
from components.azure_language import AzureLanguage, AzureLanguageArgs
from components.blue_green import BlueGreenDeployment, BlueGreenDeploymentArgs
from components.bot_secrets import BotSecrets, BotSecretsArgs, SecretReplica
from components.chat_api import ChatApi, ChatApiArgs
from components.chat_function import ChatFunction, ChatFunctionArgs
from components.config import (
    AzureConfig,
    ConfigError,
    DialogflowConfig,
    LexConfig,
    StackConfig,
    TableCapacity,
    load_stack_config,
)
from components.conversation_table import ConversationTable, ConversationTableArgs, TableReplica
from components.custom_domain import CustomDomain, CustomDomainArgs
from components.dialogflow_agent import DialogflowAgent, DialogflowAgentArgs
from components.encryption_key import EncryptionKey, EncryptionKeyArgs
from components.lex_bot import LexBot, LexBotArgs
from components.monitoring import Monitoring, MonitoringArgs
from components.packaging import LambdaArchive, PackagingError, lambda_archive
from components.regional_stack import RegionalStack, RegionalStackArgs
from components.web_firewall import WebFirewall, WebFirewallArgs

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
