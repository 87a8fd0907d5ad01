"""CustomDomain: the API on the operator's own name in one region, latency-routed.

Per region: an ACM certificate validated through DNS in the hosted zone, a REGIONAL API Gateway
domain name with TLS 1.2, the base path mapping to the stage, a Route53 health check on the
region's ``/health`` and a latency record (one per region, same name) that stops sending users
to a region whose health check fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

HEALTH_PATH = "/health"


@dataclass(frozen=True, kw_only=True)
class CustomDomainArgs:
    """Arguments of :class:`CustomDomain`."""

    region: str
    domain: str
    hosted_zone_id: str
    rest_api_id: pulumi.Input[str]
    stage_name: pulumi.Input[str]
    #: The DNS validation record another region's CustomDomain declared for the same name. ACM
    #: asks every region for the same record, so it is declared once (by the home region):
    #: removing a secondary region then never deletes a record the others renew with.
    shared_validation_fqdn: pulumi.Input[str] | None = None


class CustomDomain(pulumi.ComponentResource):
    """Certificate, domain name, mapping, health check and latency record of one region."""

    url: pulumi.Output[str]
    health_check_id: pulumi.Output[str]
    validation_fqdn: pulumi.Output[str]

    def __init__(
        self, name: str, args: CustomDomainArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        if "." not in args.domain or args.domain != args.domain.lower():
            raise ValueError(f"CustomDomainArgs.domain must be a lower-case name: {args.domain!r}")
        if not args.hosted_zone_id:
            raise ValueError("CustomDomainArgs.hosted_zone_id is required")
        super().__init__("travelbot:index:CustomDomain", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        certificate = aws.acm.Certificate(
            f"{name}-certificate",
            domain_name=args.domain,
            validation_method="DNS",
            key_algorithm="RSA_2048",  # the safe choice for API Gateway custom domains
            region=args.region,
            opts=child,
        )
        if args.shared_validation_fqdn is None:
            option = certificate.domain_validation_options[0]
            validation_fqdn = aws.route53.Record(
                f"{name}-validation-record",
                zone_id=args.hosted_zone_id,
                name=option.resource_record_name,
                type=option.resource_record_type,
                records=[option.resource_record_value],
                ttl=300,
                allow_overwrite=True,  # a record left by an earlier stack is taken over
                opts=child,
            ).fqdn
        else:
            validation_fqdn = pulumi.Output.from_input(args.shared_validation_fqdn)
        validation = aws.acm.CertificateValidation(
            f"{name}-validation",
            certificate_arn=certificate.arn,
            validation_record_fqdns=[validation_fqdn],
            region=args.region,
            opts=child,
        )
        domain = aws.apigateway.DomainName(
            f"{name}-domain",
            domain_name=args.domain,
            regional_certificate_arn=validation.certificate_arn,
            endpoint_configuration=aws.apigateway.DomainNameEndpointConfigurationArgs(
                types="REGIONAL"
            ),
            security_policy="TLS_1_2",
            region=args.region,
            opts=child,
        )
        aws.apigateway.BasePathMapping(
            f"{name}-mapping",
            domain_name=domain.domain_name,
            rest_api=args.rest_api_id,
            stage_name=args.stage_name,
            region=args.region,
            opts=child,
        )
        health = aws.route53.HealthCheck(
            f"{name}-health",
            type="HTTPS",
            fqdn=pulumi.Output.concat(
                args.rest_api_id, f".execute-api.{args.region}.amazonaws.com"
            ),
            port=443,
            resource_path=pulumi.Output.concat("/", args.stage_name, HEALTH_PATH),
            request_interval=30,
            failure_threshold=3,
            measure_latency=True,
            opts=child,
        )
        aws.route53.Record(
            f"{name}-record",
            zone_id=args.hosted_zone_id,
            name=args.domain,
            type="A",
            set_identifier=args.region,
            latency_routing_policies=[
                aws.route53.RecordLatencyRoutingPolicyArgs(region=args.region)
            ],
            health_check_id=health.id,
            aliases=[
                aws.route53.RecordAliasArgs(
                    name=domain.regional_domain_name,
                    zone_id=domain.regional_zone_id,
                    evaluate_target_health=True,
                )
            ],
            opts=child,
        )
        self.url = pulumi.Output.from_input(f"https://{args.domain}/")
        self.health_check_id = health.id
        self.validation_fqdn = validation_fqdn
        self.register_outputs(
            {
                "url": self.url,
                "healthCheckId": self.health_check_id,
                "validationFqdn": validation_fqdn,
            }
        )
