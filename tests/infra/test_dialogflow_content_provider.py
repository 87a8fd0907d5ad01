"""The Dialogflow content provider's create, update, diff and delete against a local fake.

The provider drives the real google-cloud-dialogflow clients over REST to
:class:`tests.support.fakes.dialogflow_admin.DialogflowAdminFake`, so every path below crosses the
wire: batch updates and deletes, listing with paging, long-running operations and training.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from components.dialogflow_client import AgentContentClient, DialogflowContentError, Target
from components.dialogflow_content import DialogflowContentProvider
from components.dialogflow_definition import agent_content, canonical_json, content_hash
from runtime.contract import bot_model
from tests.support.fakes.dialogflow_admin import DialogflowAdminFake

PROJECT = "travel-bot-test"
POLL_S = 0.01


@pytest.fixture
def fake() -> Iterator[DialogflowAdminFake]:
    # Three items a page and two polls an operation: the pager and the LRO polling both loop.
    with DialogflowAdminFake(polls_until_done=2, page_size=3) as running:
        running.create_agent(PROJECT)
        yield running


@pytest.fixture
def provider() -> DialogflowContentProvider:
    return DialogflowContentProvider()


@pytest.fixture
def content() -> dict[str, Any]:
    return agent_content(bot_model())


def props(fake: DialogflowAdminFake, content: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """Inputs as the component passes them."""
    return {
        "project": PROJECT,
        "languageCode": content["languageCode"],
        "content": canonical_json(content),
        "contentHash": content_hash(content),
        "apiEndpoint": fake.url,
        "credentials": "anonymous",
        "operationTimeoutSeconds": 30.0,
        "pollIntervalSeconds": POLL_S,
        **overrides,
    }


def phrases(intent: dict[str, Any]) -> list[str]:
    return ["".join(p["text"] for p in phrase["parts"]) for phrase in intent["trainingPhrases"]]


def expected_phrases(content: dict[str, Any], name: str) -> list[str]:
    intent = next(i for i in content["intents"] if i["displayName"] == name)
    return phrases(intent)


def with_greeting(content: dict[str, Any], *extra: str) -> dict[str, Any]:
    changed = copy.deepcopy(content)
    greeting = next(i for i in changed["intents"] if i["displayName"] == "Greeting")
    greeting["trainingPhrases"] = greeting["trainingPhrases"][1:] + [
        {"type": "EXAMPLE", "parts": [{"text": text}]} for text in extra
    ]
    return changed


def test_create_applies_every_intent_and_entity_type_then_trains(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN a new agent  WHEN the resource is created
    result = provider.create(props(fake, content))

    # THEN the agent holds exactly the generated content, trained once
    agent = fake.agent(PROJECT)
    held = fake.intents(PROJECT)
    assert sorted(held) == sorted(i["displayName"] for i in content["intents"])
    for intent in content["intents"]:
        assert phrases(held[intent["displayName"]]) == phrases(intent)
    assert sorted(fake.entity_types(PROJECT)) == ["City"]
    assert agent.trainings == 1
    assert agent.trained_intents == sorted(held)
    assert result.id == f"{PROJECT}/agent"
    assert result.outs is not None
    assert result.outs["intentNames"] == sorted(held)
    assert result.outs["entityTypeNames"] == ["City"]


def test_create_removes_dialogflows_default_intents(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN a new agent with Dialogflow's default intents
    assert "Default Welcome Intent" in fake.intents(PROJECT)

    # WHEN the resource is created
    provider.create(props(fake, content))

    # THEN only the model's intents remain, with the model's fallback
    held = fake.intents(PROJECT)
    assert "Default Welcome Intent" not in held
    assert "Default Fallback Intent" not in held
    assert [n for n, i in held.items() if i.get("isFallback")] == ["FallbackIntent"]


def test_create_annotates_slots_with_entity_types_the_agent_has(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the resource is created
    provider.create(props(fake, content))

    # THEN PlanTrip's phrases are annotated with City and system entities, with prompts
    plan = fake.intents(PROJECT)["PlanTrip"]
    annotated = {
        (part["alias"], part["entityType"])
        for phrase in plan["trainingPhrases"]
        for part in phrase["parts"]
        if part.get("alias")
    }
    assert annotated == {
        ("destination", "@City"),
        ("duration", "@sys.duration"),
        ("budget", "@sys.unit-currency"),
    }
    destination = next(p for p in plan["parameters"] if p["displayName"] == "destination")
    assert destination["prompts"] == ["Where would you like to go?"]


def test_update_with_changed_utterances_rewrites_the_phrases_in_place_and_retrains(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content and a model whose Greeting lost one utterance and gained two
    created = provider.create(props(fake, content))
    assert created.outs is not None
    names_before = {n: i["name"] for n, i in fake.intents(PROJECT).items()}
    changed = with_greeting(content, "good day to you", "ahoy")

    # WHEN the resource is updated
    provider.update(created.id, created.outs, props(fake, changed))

    # THEN Greeting holds the new phrases, every intent keeps its id, the agent is retrained
    held = fake.intents(PROJECT)
    assert phrases(held["Greeting"]) == expected_phrases(changed, "Greeting")
    assert "good day to you" in phrases(held["Greeting"])
    assert expected_phrases(content, "Greeting")[0] not in phrases(held["Greeting"])
    assert {n: i["name"] for n, i in held.items()} == names_before  # updated, not recreated
    assert fake.agent(PROJECT).trainings == 2


def test_update_deletes_intents_and_entity_types_that_left_the_model(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content with an extra intent that uses an extra entity type
    larger = copy.deepcopy(content)
    airline = {"text": "TAP", "entityType": "@Airline", "alias": "airline"}
    larger["entityTypes"].append(
        {
            "displayName": "Airline",
            "kind": "KIND_MAP",
            "entities": [{"value": "TAP", "synonyms": ["TAP"]}],
        }
    )
    larger["intents"].append(
        {
            "displayName": "PickAirline",
            "trainingPhrases": [{"type": "EXAMPLE", "parts": [{"text": "fly with "}, airline]}],
            "parameters": [
                {"displayName": "airline", "value": "$airline", "entityTypeDisplayName": "@Airline"}
            ],
        }
    )
    created = provider.create(props(fake, larger))
    assert "PickAirline" in fake.intents(PROJECT)
    assert created.outs is not None

    # WHEN the resource is updated to the model without them (the fake, like Dialogflow,
    # refuses to delete an entity type an intent still uses: the order matters)
    result = provider.update(created.id, created.outs, props(fake, content))

    # THEN both are gone
    assert "PickAirline" not in fake.intents(PROJECT)
    assert sorted(fake.entity_types(PROJECT)) == ["City"]
    assert result.outs is not None
    assert "PickAirline" not in result.outs["intentNames"]


def test_diff_sees_no_change_when_only_credentials_timeouts_or_polling_differ(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN stored outputs and new inputs that differ only in credentials, timeout and polling
    olds = {**props(fake, content), "intentNames": ["Greeting"], "entityTypeNames": ["City"]}
    news = props(
        fake,
        content,
        credentials='{"type": "service_account"}',
        operationTimeoutSeconds=60.0,
        pollIntervalSeconds=5.0,
    )

    # WHEN diffed
    diff = provider.diff(f"{PROJECT}/agent", olds, news)

    # THEN nothing changes and Dialogflow is not called
    assert diff.changes is False
    assert diff.replaces == []
    assert fake.requests == []  # diff never calls Dialogflow


def test_diff_asks_for_an_update_when_the_content_changes(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the new inputs carry changed utterances
    diff = provider.diff(
        f"{PROJECT}/agent", props(fake, content), props(fake, with_greeting(content, "ahoy"))
    )

    # THEN the resource is updated in place
    assert diff.changes is True
    assert diff.replaces == []


def test_diff_replaces_when_the_project_changes(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the new inputs name another project
    diff = provider.diff(
        f"{PROJECT}/agent", props(fake, content), props(fake, content, project="other-project")
    )

    # THEN the resource is replaced, the old content deleted first
    assert diff.changes is True
    assert diff.replaces == ["project"]
    assert diff.delete_before_replace is True


def test_delete_removes_what_was_applied_without_training(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content
    created = provider.create(props(fake, content))
    assert created.outs is not None

    # WHEN the resource is deleted
    provider.delete(created.id, created.outs)

    # THEN the intents and entity types are gone and no training was started
    assert fake.intents(PROJECT) == {}
    assert fake.entity_types(PROJECT) == {}
    assert fake.agent(PROJECT).trainings == 1  # the create's training only


def test_delete_of_content_whose_agent_is_gone_succeeds(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN stored outputs for a project whose agent no longer exists
    gone = props(fake, content, project="deleted-agent")

    # WHEN the resource is deleted  THEN nothing is left to do and no error is raised
    provider.delete("deleted-agent/agent", gone)
    assert [r.method for r in fake.requests] == ["GET"]  # one list answered 404


def test_the_calls_use_the_documented_rest_methods(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the resource is created
    provider.create(props(fake, content))

    # THEN only the documented projects.agent methods and operations.get were called
    calls = {(r.method, r.path.split("/agent", 1)[-1]) for r in fake.requests}
    agent_calls = {c for c in calls if not c[1].startswith("/v2/")}
    assert agent_calls == {
        ("GET", "/entityTypes"),
        ("POST", "/entityTypes:batchUpdate"),
        ("GET", "/intents"),
        ("POST", "/intents:batchUpdate"),
        ("POST", "/intents:batchDelete"),
        ("POST", ":train"),
    }
    assert any(r.path.startswith(f"/v2/projects/{PROJECT}/operations/") for r in fake.requests)
    listed = [r for r in fake.requests if r.path.endswith("/intents")]
    assert all(r.query_value("languageCode") == "en" for r in listed)
    assert all(r.header("authorization") is None for r in fake.requests)  # anonymous


def test_check_rejects_a_hash_that_does_not_match_the_content(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN inputs carry a hash of other content
    result = provider.check({}, props(fake, content, contentHash="0" * 64))

    # THEN check fails on that property (and passes for the real hash)
    assert [f.property for f in result.failures] == ["contentHash"]
    assert provider.check({}, props(fake, content)).failures == []


def test_a_failed_training_names_the_step(
    fake: DialogflowAdminFake, content: dict[str, Any]
) -> None:
    client = AgentContentClient(
        Target.from_props({**props(fake, content), "operationTimeoutSeconds": 5.0})
    )
    # GIVEN a training operation that ends in an error
    fake.fail_next_operation("Agent training failed: internal error")

    # WHEN training THEN the error names the step
    with pytest.raises(DialogflowContentError, match="train the agent failed"):
        client.train()


def test_an_operation_that_never_ends_times_out(content: dict[str, Any]) -> None:
    # GIVEN operations that never finish
    with DialogflowAdminFake(polls_until_done=10**6) as stuck:
        stuck.create_agent(PROJECT)
        client = AgentContentClient(
            Target.from_props({**props(stuck, content), "operationTimeoutSeconds": 0.3})
        )

        # WHEN training with a 0.3 s budget THEN it gives up with a clear error
        with pytest.raises(DialogflowContentError, match=r"did not finish within 0\.3 s"):
            client.train()


def test_a_missing_agent_fails_with_the_apis_message(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the project has no agent THEN Dialogflow's own message surfaces
    with pytest.raises(DialogflowContentError, match="No DesignTimeAgent found"):
        provider.create(props(fake, content, project="no-such-agent"))


def test_credentials_that_are_not_a_key_file_are_refused(
    fake: DialogflowAdminFake, content: dict[str, Any]
) -> None:
    # WHEN the credentials are neither empty, "anonymous" nor a key file THEN they are refused
    with pytest.raises(DialogflowContentError, match="service-account key JSON"):
        AgentContentClient(Target.from_props(props(fake, content, credentials="not json")))


# read (pulumi refresh) --------------------------------------------------------------------------


def test_read_of_an_agent_that_holds_the_content_keeps_the_stored_outputs(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content
    created = provider.create(props(fake, content))
    assert created.outs is not None
    # WHEN the stack is refreshed
    read = provider.read(created.id, created.outs)
    # THEN nothing changed: same id, same hash
    assert read.id == created.id
    assert read.outs is not None
    assert read.outs["contentHash"] == content_hash(content)


def test_read_sees_a_training_phrase_changed_in_the_console(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content, then Greeting's phrases changed by hand (the console's own
    # intents:batchUpdate, here through the same API), the state still holding the original
    created = provider.create(props(fake, content))
    assert created.outs is not None
    by_hand = with_greeting(content, "yo bot, typed in the console")
    provider.update(created.id, created.outs, props(fake, by_hand))
    # WHEN the stack is refreshed
    read = provider.read(created.id, created.outs)
    # THEN the state holds the agent's content and a new hash, so the next up re-applies
    assert read.outs is not None
    assert read.outs["contentHash"] != content_hash(content)
    assert "yo bot, typed in the console" in read.outs["content"]
    diff = provider.diff(created.id, read.outs, props(fake, content))
    assert diff.changes is True and diff.replaces == []


def test_read_sees_an_intent_added_in_the_console(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN applied content, then an extra intent created by hand
    created = provider.create(props(fake, content))
    assert created.outs is not None
    extra = with_greeting(content)
    extra["intents"].append(
        {"displayName": "ConsoleOnly", "trainingPhrases": [
            {"type": "EXAMPLE", "parts": [{"text": "made by hand"}]}]}
    )  # fmt: skip
    provider.update(created.id, created.outs, props(fake, extra))
    # WHEN the stack (whose state still says the original content) is refreshed
    read = provider.read(created.id, created.outs)
    # THEN the extra intent shows up in the outputs
    assert read.outs is not None
    assert "ConsoleOnly" in read.outs["intentNames"]
    assert read.outs["contentHash"] != created.outs["contentHash"]


def test_read_of_an_agent_that_is_gone_reports_the_resource_deleted(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the project no longer has an agent
    read = provider.read("gone-agent/agent", props(fake, content, project="gone-agent"))
    # THEN the resource reads as deleted (empty id), not as an error
    assert read.id == ""


def test_the_open_place_entity_is_accepted_as_a_list_of_references_and_values(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # WHEN the generated content (an open, composite City entity) is applied
    provider.create(props(fake, content))
    # THEN the agent holds it as a list entity that references the geo system entities
    city = fake.entity_types(PROJECT)["City"]
    assert city["kind"] == "KIND_LIST"
    assert "@sys.geo-country:country" in [e["value"] for e in city["entities"]]


def test_a_list_entry_with_another_synonym_is_refused_as_the_api_does(
    fake: DialogflowAdminFake, provider: DialogflowContentProvider, content: dict[str, Any]
) -> None:
    # GIVEN content whose list entity has an entry with a synonym other than its value
    broken = copy.deepcopy(content)
    city = next(t for t in broken["entityTypes"] if t["displayName"] == "City")
    city["entities"][0]["synonyms"].append("town")
    # WHEN it is applied THEN Dialogflow's refusal surfaces
    with pytest.raises(DialogflowContentError, match="synonyms must be exactly its value"):
        provider.create(props(fake, broken, contentHash=content_hash(broken)))
