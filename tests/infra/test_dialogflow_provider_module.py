"""The Dialogflow dynamic provider's module path is part of every stack's state; keep it.

Pulumi pickles the provider with dill (``pulumi.dynamic.dynamic.serialize_provider``), by
reference to its module, and unpickles it in the provider process at ``up``, ``refresh`` and
``destroy``. These tests pin the path and show that unpickling imports none of the heavy
packages the rest of ``components/`` uses.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

from pulumi.dynamic.dynamic import serialize_provider

from components.dialogflow_content import DialogflowContentProvider
from tools.mocked_stack import ROOT

#: Where existing stacks' state says the provider class lives. Never change it.
PINNED = "components.dialogflow_content.DialogflowContentProvider"
HEAVY = ("pulumi_aws", "pulumi_aws_native", "pulumi_azure_native", "pulumi_gcp", "botocore")

UNPICKLE = """
import base64, json, sys, dill
provider = dill.loads(base64.b64decode(sys.argv[1]))
heavy = sorted(m for m in {heavy} if m in sys.modules)
print(json.dumps({{"class": type(provider).__module__ + "." + type(provider).__qualname__,
                   "heavy": heavy}}))
"""


def test_the_provider_class_lives_where_existing_stacks_say_it_does() -> None:
    provider = DialogflowContentProvider
    assert f"{provider.__module__}.{provider.__qualname__}" == PINNED


def test_the_serialized_provider_refers_to_its_module_by_name() -> None:
    # GIVEN the provider serialized the way Pulumi stores it in the state
    pickled = base64.b64decode(serialize_provider(DialogflowContentProvider()))
    # THEN the state names the class by module path (by reference, not by value)
    assert b"components.dialogflow_content" in pickled
    assert b"DialogflowContentProvider" in pickled


def test_unpickling_the_provider_loads_no_aws_azure_or_pulumi_gcp_package() -> None:
    # GIVEN the serialized provider, and a fresh interpreter in the project root (as Pulumi's
    # dynamic provider host runs)
    serialized = serialize_provider(DialogflowContentProvider())
    script = UNPICKLE.format(heavy=repr(HEAVY))
    # WHEN it unpickles the provider
    done = subprocess.run(
        [sys.executable, "-c", script, serialized],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    # THEN it gets the same class, having imported none of the heavy packages
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"class": PINNED, "heavy": []}
