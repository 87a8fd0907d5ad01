"""Embedding and cross-origin calls on the API Gateway side, from the stack's ``allowedOrigins``.

With no origin configured (every shipped stack) nothing is cross-origin: no ``OPTIONS`` method,
no CORS header on the gateway's own errors, no origins in the function's environment. With
origins, the preflight is one more Lambda-proxy method on ``/chat`` (the function answers it,
runtime/api/cors.py), ``POST /chat`` keeps its body validator and model, the gateway's errors
carry the headers an allowed site needs, and the function learns the list (which also drives
the page's ``frame-ancestors``).
"""

from __future__ import annotations

from typing import Any

import pytest

from components.chat_api_definition import definition_hash
from components.config import ConfigError, StackConfig
from runtime.contract import ENV
from tests.infra.test_policy_pack import violations_of
from tools.mocked_stack import MockedResource, StackRun, run_program

SHOP = "https://shop.example.com"
BLOG = "http://127.0.0.1:8000"
METHOD = "aws:apigateway/method:Method"
INTEGRATION = "aws:apigateway/integration:Integration"
RESPONSE = "aws:apigateway/response:Response"
VALIDATOR = "aws:apigateway/requestValidator:RequestValidator"
FUNCTION = "aws:lambda/function:Function"


@pytest.fixture(scope="module")
def one_origin(source_archive: Any) -> StackRun:
    """The dev stack with one site allowed."""
    return run_program("dev", {"allowedOrigins": [SHOP]})


@pytest.fixture(scope="module")
def two_origins(source_archive: Any) -> StackRun:
    """The dev stack with two sites allowed."""
    return run_program("dev", {"allowedOrigins": [SHOP, BLOG]})


def run_methods(run: StackRun) -> list[MockedResource]:
    return run.of_type(METHOD)


def cors_parameters(response: MockedResource) -> dict[str, str]:
    parameters = response.inputs.get("responseParameters") or {}
    return {k: v for k, v in parameters.items() if "Access-Control" in k or k.endswith(".Vary")}


def chat_environment(run: StackRun) -> dict[str, str]:
    function = next(f for f in run.of_type(FUNCTION) if f.name.endswith("-chat-function"))
    return dict(function.inputs["environment"]["variables"])


def test_by_default_nothing_is_cross_origin(dev: StackRun) -> None:
    # GIVEN the dev stack as shipped (no allowedOrigins)
    # WHEN its API and chat function are read
    # THEN there is no preflight method, no CORS header on any gateway error, no origin setting
    assert not [m for m in run_methods(dev) if m.inputs["httpMethod"] == "OPTIONS"]
    for response in dev.of_type(RESPONSE):
        assert cors_parameters(response) == {}, response.name
    assert ENV["allowed_origins"] not in chat_environment(dev)


def test_the_embed_script_is_a_route_of_its_own(dev: StackRun) -> None:
    # GIVEN the dev stack WHEN its methods are listed THEN GET /widget.js goes to the function
    widget = next(m for m in run_methods(dev) if m.name.endswith("get-widget.js"))
    assert widget.inputs["httpMethod"] == "GET" and widget.inputs["authorization"] == "NONE"
    integration = dev.one(INTEGRATION, "get-widget.js-integration")
    assert integration.inputs["type"] == "AWS_PROXY"


def test_an_allowed_origin_adds_a_preflight_that_the_function_answers(one_origin: StackRun) -> None:
    # GIVEN a stack that allows one site
    # WHEN its /chat methods are read
    chat = [m for m in run_methods(one_origin) if m.name.endswith("-chat")]
    by_verb = {m.inputs["httpMethod"]: m for m in chat}
    # THEN OPTIONS /chat sits on the same resource as POST, open, parameters-only validated,
    # and is proxied to the live alias like every other route
    assert set(by_verb) == {"POST", "OPTIONS"}
    options, post = by_verb["OPTIONS"], by_verb["POST"]
    assert options.inputs["resourceId"] == post.inputs["resourceId"]
    assert options.inputs["authorization"] == "NONE"
    assert not options.inputs.get("requestModels")
    validators = {v.id: v for v in one_origin.of_type(VALIDATOR)}
    assert validators[options.inputs["requestValidatorId"]].inputs["validateRequestBody"] is False
    integration = one_origin.one(INTEGRATION, "options-chat-integration")
    post_integration = one_origin.one(INTEGRATION, "post-chat-integration")
    assert integration.inputs["type"] == "AWS_PROXY"
    assert integration.inputs["uri"] == post_integration.inputs["uri"]


def test_the_chat_body_validator_is_untouched_by_cors(dev: StackRun, one_origin: StackRun) -> None:
    # GIVEN the same stack without and with an allowed origin
    def post_chat(run: StackRun) -> tuple[Any, Any, bool]:
        post = next(m for m in run_methods(run) if m.name.endswith("post-chat"))
        validators = {v.id: v for v in run.of_type(VALIDATOR)}
        validator = validators[post.inputs["requestValidatorId"]]
        return (
            post.inputs["requestModels"],
            validator.inputs["name"],
            validator.inputs["validateRequestBody"],
        )

    # WHEN POST /chat's validation is compared THEN it is the same model and body validator
    assert post_chat(one_origin) == post_chat(dev)
    assert post_chat(dev)[2] is True


def test_one_allowed_origin_is_named_on_every_gateway_error(one_origin: StackRun) -> None:
    # GIVEN a stack that allows one site WHEN the gateway's own error responses are read
    # THEN each names that origin (never "*"), varies on Origin and exposes Retry-After
    responses = one_origin.of_type(RESPONSE)
    assert len(responses) >= 7
    for response in responses:
        assert cors_parameters(response) == {
            "gatewayresponse.header.Access-Control-Allow-Origin": f"'{SHOP}'",
            "gatewayresponse.header.Access-Control-Expose-Headers": "'Retry-After'",
            "gatewayresponse.header.Vary": "'Origin'",
        }, response.name
    throttled = next(r for r in responses if r.inputs["responseType"] == "THROTTLED")
    assert throttled.inputs["responseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"


def test_several_origins_are_echoed_from_the_request_on_gateway_errors(
    two_origins: StackRun,
) -> None:
    # GIVEN a stack that allows two sites (a gateway response cannot choose between them)
    # WHEN its error responses are read THEN they echo the caller's Origin, never "*"
    for response in two_origins.of_type(RESPONSE):
        allow = cors_parameters(response)["gatewayresponse.header.Access-Control-Allow-Origin"]
        assert allow == "method.request.header.Origin", response.name


def test_the_function_learns_the_allowed_origins(
    one_origin: StackRun, two_origins: StackRun
) -> None:
    # GIVEN stacks with one and two allowed sites WHEN the chat function's environment is read
    # THEN the contract's variable lists them, comma-separated, for the runtime to enforce
    assert chat_environment(one_origin)[ENV["allowed_origins"]] == SHOP
    assert chat_environment(two_origins)[ENV["allowed_origins"]] == f"{SHOP},{BLOG}"


def test_a_changed_origin_list_redeploys_the_api(dev: StackRun, one_origin: StackRun) -> None:
    # GIVEN the deployments of the stack without and with an allowed origin
    def trigger(run: StackRun) -> str:
        deployment = run.one("aws:apigateway/deployment:Deployment")
        return str(deployment.inputs["triggers"]["definition"])

    # WHEN their triggers are compared THEN they differ, and each is the definition's hash
    assert trigger(dev) == definition_hash()
    assert trigger(one_origin) == definition_hash([SHOP])
    assert trigger(dev) != trigger(one_origin)


def test_a_stack_with_allowed_origins_still_passes_the_policy_pack(two_origins: StackRun) -> None:
    # GIVEN a stack with a preflight method WHEN the policy pack runs THEN nothing is violated
    assert violations_of(two_origins.resources) == []


@pytest.mark.parametrize(
    ("origins", "says"),
    [
        (["*"], "wildcards"),
        (["https://*.example.com"], "wildcards"),
        (["https://shop.example.com/"], "no path"),
        (["https://Shop.example.com"], "lower case"),
        (["https://shop.example.com:443"], "default port"),
        ([SHOP, SHOP], "twice"),
    ],
    ids=["star", "wildcard host", "path", "upper case", "default port", "repeated"],
)
def test_an_origin_a_browser_would_never_send_is_refused_naming_the_key(
    origins: list[str], says: str
) -> None:
    # GIVEN an allowedOrigins value that could never match a browser's Origin header
    # WHEN the stack config is validated THEN the error names the key and what is wrong
    with pytest.raises(ConfigError, match=rf"travelbot:allowedOrigins .*{says}"):
        StackConfig.from_values({"allowedOrigins": origins}, project="travelbot", stack="dev")
