"""Operator, developer and CI tools: ``python -m tools.plan <stack>`` (no credentials, mocked) and
``python -m tools.preflight <stack>`` (your credentials, read-only)."""

import warnings

# google-api-core warns about the interpreter's support window on import; a plan's output is
# for people, and the pinned versions are the project's decision (see requirements/).
warnings.filterwarnings(
    "ignore", category=FutureWarning, module=r"google\.api_core\._python_version_support"
)
