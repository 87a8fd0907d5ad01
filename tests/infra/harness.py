"""Run the real Pulumi program (``__main__.py``) against mocks and record every resource.

The harness lives in :mod:`tools.mocked_stack` so that ``python -m tools.plan`` runs the program
under exactly the same mocks as the tests; this module keeps the names the tests import.
"""

from __future__ import annotations

from tools.mock_outputs import ACCOUNT, DEFAULT_REGION, mock_outputs
from tools.mocked_stack import (
    AZURE_KEYS,
    PROJECT,
    ROOT,
    TEST_SECRETS,
    MockedResource,
    RecordingMocks,
    RecordingMonitor,
    StackRun,
    run_program,
    stack_config,
)

__all__ = [
    "ACCOUNT",
    "AZURE_KEYS",
    "DEFAULT_REGION",
    "PROJECT",
    "ROOT",
    "TEST_SECRETS",
    "MockedResource",
    "RecordingMocks",
    "RecordingMonitor",
    "StackRun",
    "mock_outputs",
    "run_program",
    "stack_config",
]
