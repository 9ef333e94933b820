"""Which chat model a run uses: Context/env names, a model object, and the errors."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_openai import ChatOpenAI

from gaai_graph.context import Context
from gaai_graph.errors import GaaiError
from gaai_graph.llm.config import LLMConfigError, cache_identity, chat_model_for, model_identity


def test_no_model_means_the_rule_path():
    assert chat_model_for(Context()) is None


def test_gaai_model_environment_names_the_model(monkeypatch):
    monkeypatch.setenv("GAAI_MODEL", "gpt-4o-mini")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-for-config")

    model = chat_model_for(Context())

    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "gpt-4o-mini"
    assert model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == "sk-test-key-for-config"


def test_openai_prefix_and_base_url_reach_the_client(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")

    model = chat_model_for(Context(model="openai:llama3.1", llm_timeout=7.5, llm_max_retries=4))

    assert isinstance(model, ChatOpenAI)
    assert model.model_name == "llama3.1"
    assert model.openai_api_base == "http://127.0.0.1:11434/v1"
    assert model.request_timeout == 7.5
    assert model.max_retries == 4
    # A local server needs no key; the client still gets a placeholder, never a real one.
    assert model.openai_api_key is not None
    assert model.openai_api_key.get_secret_value() == "not-needed"


def test_a_named_openai_model_without_a_key_is_a_clear_error():
    with pytest.raises(LLMConfigError, match="OPENAI_API_KEY") as caught:
        chat_model_for(Context(model="gpt-4o-mini"))
    assert isinstance(caught.value, GaaiError)


def test_a_chat_model_object_wins_over_the_name():
    fake = GenericFakeChatModel(messages=iter([]))

    assert chat_model_for(Context(model="gpt-4o-mini", chat_model=fake)) is fake


def test_something_else_as_chat_model_is_refused():
    with pytest.raises(LLMConfigError, match="LangChain chat model"):
        chat_model_for(Context(chat_model="gpt-4o-mini"))


def test_model_identity_names_model_and_server_but_no_credentials():
    model = ChatOpenAI(
        model="qwen2.5",
        base_url="http://alice:hunter2@10.0.0.5:8000/v1",
        api_key="sk-secret-value",
    )

    identity = model_identity(model)

    assert identity == "qwen2.5@10.0.0.5:8000/v1"
    assert "hunter2" not in identity
    assert "sk-secret" not in identity


def test_identity_differs_between_servers_so_caches_never_mix():
    here = ChatOpenAI(model="m", base_url="http://127.0.0.1:1/v1", api_key="x")
    there = ChatOpenAI(model="m", base_url="http://127.0.0.1:2/v1", api_key="x")

    assert model_identity(here) != model_identity(there)


@pytest.mark.parametrize(
    ("name", "temperature"),
    [("gpt-4o-mini", 0), ("llama3.1", 0), ("o3-mini", None), ("openai/o4-mini", None)],
)
def test_reasoning_models_get_their_own_temperature(monkeypatch, name, temperature):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:11434/v1")

    model = chat_model_for(Context(model=name))

    assert isinstance(model, ChatOpenAI)
    assert model.temperature == temperature


def test_cache_identity_holds_provider_server_and_sampling_settings_but_no_key():
    def model(**settings) -> ChatOpenAI:
        return ChatOpenAI(
            model="m", base_url="http://u:pw-secret@127.0.0.1:1/v1", api_key="sk-hidden", **settings
        )

    cold = cache_identity(model(temperature=0.0))

    assert cold == cache_identity(model(temperature=0.0))
    assert cold != cache_identity(model(temperature=0.7))
    assert cold != cache_identity(model(temperature=0.0, max_tokens=256))
    assert cold != cache_identity(model(temperature=0.0, top_p=0.5))
    assert cold != cache_identity(model(temperature=0.0, seed=7))
    assert "ChatOpenAI" in cold and "127.0.0.1:1/v1" in cold
    assert "sk-hidden" not in cold and "pw-secret" not in cold
    # Transport settings change whether an answer arrives, not which: same identity.
    assert cold == cache_identity(model(temperature=0.0, timeout=3, max_retries=5))


def test_other_chat_model_classes_are_told_apart_by_class_and_server():
    class LocalChat(GenericFakeChatModel):
        base_url: str = "http://gpu-box:11434"
        temperature: float = 0.2

    here = LocalChat(messages=iter([]))
    there = LocalChat(messages=iter([]), base_url="http://other-box:11434")
    warmer = LocalChat(messages=iter([]), temperature=0.9)

    assert model_identity(here) == "LocalChat@gpu-box:11434"
    assert model_identity(there) == "LocalChat@other-box:11434"
    assert cache_identity(here) != cache_identity(warmer)
    assert cache_identity(GenericFakeChatModel(messages=iter([]))) != cache_identity(here)


def test_llm_timeout_and_retries_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("GAAI_LLM_TIMEOUT", "12.5")
    monkeypatch.setenv("GAAI_LLM_RETRIES", "0")
    monkeypatch.setenv("GAAI_LLM_STRUCTURED_METHOD", "prompt")

    context = Context()

    assert (context.llm_timeout, context.llm_max_retries) == (12.5, 0)
    assert context.llm_structured_method == "prompt"
    # An explicit value wins over the environment.
    assert Context(llm_timeout=3.0).llm_timeout == 3.0


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("GAAI_LLM_TIMEOUT", "soon", "GAAI_LLM_TIMEOUT must be a number"),
        ("GAAI_LLM_TIMEOUT", "-1", "llm_timeout must be positive"),
        ("GAAI_LLM_RETRIES", "2.5", "GAAI_LLM_RETRIES must be a whole number"),
    ],
)
def test_bad_llm_settings_in_the_environment_are_clear_errors(
    monkeypatch, variable, value, message
):
    monkeypatch.setenv(variable, value)

    with pytest.raises(GaaiError, match=message):
        Context()


def test_the_structured_output_method_is_an_enum_in_the_context_form():
    from pydantic import TypeAdapter

    schema = TypeAdapter(Context).json_schema()["properties"]["llm_structured_method"]

    assert schema["enum"] == ["json_schema", "function_calling", "json_mode", "prompt"]
    assert schema["default"] == "json_schema"
