"""The travelbot Pulumi components: one ComponentResource (and its Args) per module."""

from components.blue_green import BlueGreenDeployment, BlueGreenDeploymentArgs
from components.bot_secrets import BotSecrets, BotSecretsArgs, SecretReplica
from components.chat_api import ChatApi, ChatApiArgs
from components.chat_function import ChatFunction, ChatFunctionArgs
from components.config import ConfigError, StackConfig, TableCapacity, load_stack_config
from components.conversation_table import ConversationTable, ConversationTableArgs, TableReplica
from components.custom_domain import CustomDomain, CustomDomainArgs
from components.encryption_key import EncryptionKey, EncryptionKeyArgs
from components.monitoring import Monitoring, MonitoringArgs
from components.packaging import LambdaArchive, PackagingError, lambda_archive
from components.web_firewall import WebFirewall, WebFirewallArgs

__all__ = [
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
    "EncryptionKey",
    "EncryptionKeyArgs",
    "LambdaArchive",
    "Monitoring",
    "MonitoringArgs",
    "PackagingError",
    "SecretReplica",
    "StackConfig",
    "TableCapacity",
    "TableReplica",
    "WebFirewall",
    "WebFirewallArgs",
    "lambda_archive",
    "load_stack_config",
]
