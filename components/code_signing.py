"""CodeSigning: the Lambda package signed by AWS Signer, and the config that makes Lambda check it.

Per region (Lambda takes code from a bucket of its own region, and a signing job writes to one):

- an artifacts bucket: versioned (Signer only signs a versioned object), KMS-encrypted with the
  region's key, public access blocked, TLS only, old versions expired;
- the unsigned package uploaded under ``unsigned/<sha256>.zip`` (a new key for new code, so an
  unchanged package uploads and signs nothing);
- an ``aws.signer.SigningProfile`` for the ``AWSLambda-SHA384-ECDSA`` platform;
- an ``aws.signer.SigningJob`` that signs that object into ``signed/`` (the job is immutable:
  new code, new job, new signed key, hence a function update);
- an ``aws.lambda_.CodeSigningConfig`` that allows only this profile's version, with the
  stack's policy for untrusted code: ``Enforce`` (refuse it) or ``Warn`` (deploy, log).

The functions then take their code from :attr:`CodeSigning.signed_bucket` /
:attr:`CodeSigning.signed_key` and carry :attr:`CodeSigning.config_arn`, so with ``Enforce``
nothing but this pipeline's output (no console upload, no ``update-function-code`` from a
laptop) can run as the chat function.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from components import iam
from components.packaging import LambdaArchive

PLATFORM = "AWSLambda-SHA384-ECDSA"
POLICIES = ("Warn", "Enforce")
SIGNED_PREFIX = "signed/"
_STAGE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")


@dataclass(frozen=True, kw_only=True)
class FunctionCode:
    """Where a function's (signed) code is and the code signing config that checks it."""

    s3_bucket: pulumi.Input[str]
    s3_key: pulumi.Input[str]
    code_signing_config_arn: pulumi.Input[str]


@dataclass(frozen=True, kw_only=True)
class CodeSigningArgs:
    """Arguments of :class:`CodeSigning`."""

    region: str
    stage: str
    archive: LambdaArchive
    kms_key_arn: pulumi.Input[str]
    #: ``Enforce`` (refuse unsigned code) or ``Warn`` (deploy it and log).
    policy: str = "Warn"
    noncurrent_version_days: int = 30


class CodeSigning(pulumi.ComponentResource):
    """Artifacts bucket, signed package, signing profile and code signing config of a region."""

    signed_bucket: pulumi.Output[str]
    signed_key: pulumi.Output[str]
    config_arn: pulumi.Output[str]
    profile_version_arn: pulumi.Output[str]

    def __init__(
        self, name: str, args: CodeSigningArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        _validate(args)
        super().__init__("travelbot:index:CodeSigning", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        bucket, ready = self._bucket(name, args)
        package = aws.s3.BucketObjectv2(
            f"{name}-package",
            bucket=bucket.id,
            key=f"unsigned/{_hex(args.archive.source_code_hash)}.zip",
            source=pulumi.FileAsset(str(args.archive.path)),
            region=args.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=ready),
        )
        profile = aws.signer.SigningProfile(
            f"{name}-profile",
            # Profile names allow letters, digits and underscores only, and a canceled name is
            # never reusable: a prefix lets the provider add a unique suffix.
            name_prefix=f"travelbot_{args.stage.replace('-', '_')}_",
            platform_id=PLATFORM,
            signature_validity_period=aws.signer.SigningProfileSignatureValidityPeriodArgs(
                type="MONTHS", value=135
            ),
            region=args.region,
            opts=child,
        )
        job = aws.signer.SigningJob(
            f"{name}-job",
            profile_name=profile.name,
            source=aws.signer.SigningJobSourceArgs(
                s3=aws.signer.SigningJobSourceS3Args(
                    bucket=bucket.id, key=package.key, version=package.version_id
                )
            ),
            destination=aws.signer.SigningJobDestinationArgs(
                s3=aws.signer.SigningJobDestinationS3Args(bucket=bucket.id, prefix=SIGNED_PREFIX)
            ),
            region=args.region,
            opts=child,
        )
        config = aws.lambda_.CodeSigningConfig(
            f"{name}-config",
            description=f"travelbot {args.stage}: only code signed by the stack's profile",
            allowed_publishers=aws.lambda_.CodeSigningConfigAllowedPublishersArgs(
                signing_profile_version_arns=[profile.version_arn]
            ),
            policies=aws.lambda_.CodeSigningConfigPoliciesArgs(
                untrusted_artifact_on_deployment=args.policy
            ),
            region=args.region,
            opts=child,
        )
        signed = job.signed_objects.apply(lambda objects: objects[0].s3s[0])  # type: ignore[index]
        self.signed_bucket = signed.apply(lambda s3: str(s3.bucket))
        self.signed_key = signed.apply(lambda s3: str(s3.key))
        self.config_arn = config.arn
        self.profile_version_arn = profile.version_arn
        self.register_outputs(
            {
                "signedBucket": self.signed_bucket,
                "signedKey": self.signed_key,
                "configArn": self.config_arn,
                "profileVersionArn": self.profile_version_arn,
            }
        )

    def function_code(self) -> FunctionCode:
        """What every function of the region deploys."""
        return FunctionCode(
            s3_bucket=self.signed_bucket,
            s3_key=self.signed_key,
            code_signing_config_arn=self.config_arn,
        )

    def _bucket(
        self, name: str, args: CodeSigningArgs
    ) -> tuple[aws.s3.Bucket, list[pulumi.Resource]]:
        """The artifacts bucket and the settings an upload must wait for."""
        child = pulumi.ResourceOptions(parent=self)
        region = args.region
        # Packages are rebuilt from the repository at will: a destroy may empty the bucket.
        bucket = aws.s3.Bucket(f"{name}-artifacts", force_destroy=True, region=region, opts=child)
        versioning = aws.s3.BucketVersioning(
            f"{name}-artifacts-versioning",
            bucket=bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(
                status="Enabled"
            ),
            region=region,
            opts=child,
        )
        encryption = aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-artifacts-encryption",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=args.kms_key_arn
                    ),
                    bucket_key_enabled=True,
                )
            ],
            region=region,
            opts=child,
        )
        public = aws.s3.BucketPublicAccessBlock(
            f"{name}-artifacts-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            region=region,
            opts=child,
        )
        aws.s3.BucketPolicy(
            f"{name}-artifacts-policy",
            bucket=bucket.id,
            policy=iam.document(
                [
                    iam.deny_insecure_transport(
                        "s3:*", [bucket.arn, pulumi.Output.concat(bucket.arn, "/*")]
                    )
                ]
            ),
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[public]),
        )
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-artifacts-lifecycle",
            bucket=bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-replaced-packages",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.noncurrent_version_days
                    ),
                    abort_incomplete_multipart_upload=aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=7
                    ),
                )
            ],
            region=region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[versioning]),
        )
        return bucket, [versioning, encryption, public]


def _hex(base64_sha256: str) -> str:
    """The archive's SHA-256 (base64, as Lambda reports it) in hex, safe in an S3 key."""
    return base64.b64decode(base64_sha256).hex()


def _validate(args: CodeSigningArgs) -> None:
    try:
        digest = base64.b64decode(args.archive.source_code_hash, validate=True)
    except ValueError:
        digest = b""
    if len(digest) != 32:
        raise ValueError("CodeSigningArgs.archive.source_code_hash must be a base64 SHA-256")
    if args.policy not in POLICIES:
        raise ValueError(f"CodeSigningArgs.policy must be one of {', '.join(POLICIES)}")
    if not _STAGE.match(args.stage):
        raise ValueError(f"CodeSigningArgs.stage must match {_STAGE.pattern}, got {args.stage!r}")
    if not 1 <= args.noncurrent_version_days <= 3650:
        raise ValueError("CodeSigningArgs.noncurrent_version_days must be 1..3650")
