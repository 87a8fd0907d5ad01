"""The travelbot policy pack: mandatory checks over the resource graph (pulumi-policy).

Rules live in ``rules_*`` modules as plain check functions, wrapped by :mod:`policy.support`;
:mod:`policy.pack` lists them and the written-down exemptions.
"""
