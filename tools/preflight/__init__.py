"""``python -m tools.preflight STACK``: what a first ``pulumi up`` of STACK needs, checked with the
operator's credentials before it runs, printed as ok / missing / unknown with the fix.

It reads the stack's configuration from ``Pulumi.<STACK>.yaml`` through
:func:`components.config.read_stack_file` (the same validation as the program), then asks each
cloud the stack uses: AWS through boto3 (:mod:`tools.preflight.aws`), Google Cloud through
google-auth and the REST APIs (:mod:`tools.preflight.gcp`, when Dialogflow is on), Azure through
azure-core and ARM (:mod:`tools.preflight.azure`, when Azure Language is on). It changes
nothing. Exit status: 0 when nothing is missing, 1 when something is, 2 when the configuration
is invalid.
"""

from tools.preflight.report import Check, Status

__all__ = ["Check", "Status"]
