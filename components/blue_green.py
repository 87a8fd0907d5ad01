"""BlueGreenDeployment: CodeDeploy shifts the ``live`` alias to a new version, canary style.

``pulumi up`` publishes a new version but leaves the alias where it is (the alias ignores
``function_version`` and ``routing_config``); CI then starts a CodeDeploy deployment from the
alias's current version to the stack output ``functionVersion``: 10 % of traffic for 5 minutes,
then all of it, rolled back automatically when the deployment fails or an alarm fires.

A component of its own (not part of ChatFunction) because it needs the alarms, which need the
function and the API: building it last keeps the graph acyclic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam

DEPLOYMENT_CONFIG = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
ROLLBACK_EVENTS = ("DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM")


@dataclass(frozen=True, kw_only=True)
class BlueGreenDeploymentArgs:
    """Arguments of :class:`BlueGreenDeployment`."""

    region: str
    stage: str
    function_arn: pulumi.Input[str]
    alarm_names: Sequence[pulumi.Input[str]]
    alarm_arns: Sequence[pulumi.Input[str]]
    deployment_config: str = DEPLOYMENT_CONFIG


class BlueGreenDeployment(pulumi.ComponentResource):
    """CodeDeploy application, deployment group and the role CodeDeploy acts with."""

    application_name: pulumi.Output[str]
    deployment_group_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: BlueGreenDeploymentArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not args.alarm_names or len(args.alarm_names) != len(args.alarm_arns):
            raise ValueError(
                "BlueGreenDeploymentArgs.alarm_names must be non-empty and match alarm_arns"
            )
        if not args.deployment_config.startswith("CodeDeployDefault.Lambda"):
            raise ValueError(
                "BlueGreenDeploymentArgs.deployment_config must be a Lambda deployment config, "
                f"got {args.deployment_config!r}"
            )
        super().__init__("travelbot:index:BlueGreenDeployment", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        application = aws.codedeploy.Application(
            f"{name}-app", compute_platform="Lambda", region=args.region, opts=child
        )
        role = aws.iam.Role(
            f"{name}-role",
            description="CodeDeploy shifts the chat alias and reads the rollback alarms",
            assume_role_policy=iam.assume_role_policy("codedeploy.amazonaws.com"),
            opts=child,
        )
        policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=iam.document(
                [
                    iam.statement(
                        "ShiftTheAlias",
                        [
                            "lambda:GetAlias",
                            "lambda:UpdateAlias",
                            "lambda:GetFunction",
                            "lambda:GetProvisionedConcurrencyConfig",
                        ],
                        [args.function_arn, pulumi.Output.concat(args.function_arn, ":*")],
                    ),
                    iam.statement(
                        "WatchTheRollbackAlarms", ["cloudwatch:DescribeAlarms"], args.alarm_arns
                    ),
                ]
            ),
            opts=child,
        )
        group = aws.codedeploy.DeploymentGroup(
            f"{name}-group",
            app_name=application.name,
            deployment_group_name=f"travelbot-{args.stage}-chat",
            service_role_arn=role.arn,
            deployment_config_name=args.deployment_config,
            deployment_style=aws.codedeploy.DeploymentGroupDeploymentStyleArgs(
                deployment_option="WITH_TRAFFIC_CONTROL", deployment_type="BLUE_GREEN"
            ),
            auto_rollback_configuration=aws.codedeploy.DeploymentGroupAutoRollbackConfigurationArgs(
                enabled=True, events=list(ROLLBACK_EVENTS)
            ),
            alarm_configuration=aws.codedeploy.DeploymentGroupAlarmConfigurationArgs(
                enabled=True, alarms=list(args.alarm_names)
            ),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[policy]),
        )
        self.application_name = application.name
        self.deployment_group_name = group.deployment_group_name
        self.register_outputs(
            {
                "applicationName": self.application_name,
                "deploymentGroupName": self.deployment_group_name,
            }
        )
