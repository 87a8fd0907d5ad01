"""Entry point the Pulumi CLI runs (``pulumi preview --policy-pack policy``).

The CLI runs this file with ``policy/`` as the working directory; the repository root goes on
``sys.path`` so the rules import as the ``policy`` package, exactly as the tests import them.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, Policy, PolicyPack

from policy.pack import PACK_NAME, POLICIES

policies: list[Policy] = list(POLICIES)
PolicyPack(name=PACK_NAME, policies=policies, enforcement_level=EnforcementLevel.MANDATORY)
