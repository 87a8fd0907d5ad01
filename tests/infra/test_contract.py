"""The infrastructure and the runtime share one contract (``runtime/contract.py``).

``components/`` may import that module and nothing else of the runtime, so a name the two sides
share (metric, dimension, secret field, environment variable, handler) exists once. These tests
read the components' imports with ``ast`` and check that what the program declares uses the
contract's names.
"""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from runtime.contract import (
    ANALYTICS_HANDLER,
    CHAT_HANDLER,
    ENV,
    METRIC_NAMESPACE,
    POWERTOOLS_ENV,
    REPLAY_HANDLER,
    Metric,
    SecretField,
)
from tools.mocked_stack import ROOT, StackRun

COMPONENTS = sorted((ROOT / "components").glob("*.py"))
ALLOWED = "runtime.contract"


def runtime_imports(path: Path) -> list[str]:
    """Every module of the ``runtime`` package that ``path`` imports (at any level)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in found if name == "runtime" or name.startswith("runtime.")]


@pytest.mark.parametrize("path", COMPONENTS, ids=lambda p: Path(p).name)
def test_a_component_imports_nothing_of_the_runtime_but_the_contract(path: Path) -> None:
    # GIVEN a module of components/, parsed (not imported)
    imports = runtime_imports(path)
    # THEN every runtime import is the contract itself or a name taken from it
    assert [name for name in imports if not name.startswith(ALLOWED)] == []


def test_the_import_check_sees_a_forbidden_runtime_import(tmp_path: Path) -> None:
    # GIVEN modules that reach into the runtime in the three ways Python allows
    module = tmp_path / "bad.py"
    module.write_text(
        "import runtime.settings\n"
        "from runtime.model import BotModel\n"
        "def late():\n    from runtime import services\n"
        "from runtime.contract import ENV\n"
    )
    # WHEN its imports are read
    imports = runtime_imports(module)
    # THEN each forbidden one is found, and the contract is allowed
    forbidden = [name for name in imports if not name.startswith(ALLOWED)]
    assert set(forbidden) == {
        "runtime.settings", "runtime.model", "runtime.model.BotModel", "runtime",
        "runtime.services",
    }  # fmt: skip


def test_every_function_gets_the_contracts_variables_and_no_unknown_ones(dev: StackRun) -> None:
    # GIVEN the variables the program gives each function
    known = set(ENV.values()) | set(POWERTOOLS_ENV) | {"LOG_LEVEL"}
    for function in dev.of_type("aws:lambda/function:Function"):
        variables = function.inputs["environment"]["variables"]
        # THEN each is a name of the contract, and Powertools agrees with the alarms' namespace
        assert set(variables) <= known, function.name
        assert variables["POWERTOOLS_METRICS_NAMESPACE"] == METRIC_NAMESPACE


def test_the_functions_run_the_contracts_handlers(dev: StackRun) -> None:
    handlers = {f.name.split("-")[-2]: f.inputs["handler"] for f in dev.of_type(
        "aws:lambda/function:Function")}  # fmt: skip
    assert handlers == {"chat": CHAT_HANDLER, "replay": REPLAY_HANDLER,
                        "analytics": ANALYTICS_HANDLER}  # fmt: skip


@pytest.mark.parametrize("handler", [CHAT_HANDLER, ANALYTICS_HANDLER, REPLAY_HANDLER])
def test_each_handler_of_the_contract_is_a_function_of_the_runtime(handler: str) -> None:
    # GIVEN a handler as Lambda resolves it: module path, then attribute
    module_name, _, attribute = handler.rpartition(".")
    # THEN the module imports and holds a callable of that name
    assert callable(getattr(importlib.import_module(module_name), attribute))


def test_every_custom_metric_an_alarm_or_the_dashboard_watches_is_one_the_runtime_names(
    dev: StackRun,
) -> None:
    # GIVEN every custom metric named by an alarm or a dashboard widget
    published = {str(metric) for metric in Metric}
    watched: set[str] = set()
    for alarm in dev.of_type("aws:cloudwatch/metricAlarm:MetricAlarm"):
        for query in alarm.inputs.get("metricQueries") or []:
            metric = query.get("metric") or {}
            if metric.get("namespace") == METRIC_NAMESPACE:
                watched.add(metric["metricName"])
        if alarm.inputs.get("namespace") == METRIC_NAMESPACE:
            watched.add(alarm.inputs["metricName"])
    body = json.loads(dev.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    for widget in body["widgets"]:
        for row in widget["properties"]["metrics"]:
            if row and row[0] == METRIC_NAMESPACE:
                watched.add(row[1])
            elif row and isinstance(row[0], dict) and 'MetricName="' in row[0]["expression"]:
                text = row[0]["expression"]  # a SEARCH; metric math rows name no metric
                watched.add(text.split('MetricName="', 1)[1].split('"', 1)[0])
    # THEN each is a metric of the contract (the fallback alarm's two among them)
    assert {"NluFallback", "Turns"} <= watched
    assert watched <= published


def test_the_secret_holds_only_fields_of_the_contract(dev: StackRun) -> None:
    version = dev.one("aws:secretsmanager/secretVersion:SecretVersion")
    fields = set(json.loads(version.inputs["secretString"]["value"]))
    assert fields <= {str(field) for field in SecretField}
