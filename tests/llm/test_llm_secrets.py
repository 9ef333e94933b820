"""What `redact` removes from a message before it is recorded, checkpointed or traced."""

from __future__ import annotations

from langchain_openai import ChatOpenAI

from gaai_graph.llm.secrets import redact, remember_secrets_of


def test_environment_credentials_are_redacted(monkeypatch):
    monkeypatch.setenv("ARANGO_PASSWORD", "arango-pw-123")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env-4567")
    monkeypatch.setenv("BILLING_SERVICE_TOKEN", "tok-abcdef")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://proxy:proxy-pw-77@127.0.0.1:9/v1")

    text = redact("login arango-pw-123 key sk-env-4567 token tok-abcdef proxy proxy-pw-77")

    assert text == "login *** key *** token *** proxy ***"


def test_keys_of_models_and_source_passwords_are_redacted_once_registered():
    model = ChatOpenAI(model="m", base_url="http://127.0.0.1:9/v1", api_key="sk-object-2468")
    assert "sk-object-2468" in redact("bad key sk-object-2468")

    remember_secrets_of(model, "arangodb://root:source-pw-1357@db:8529/shop")

    assert redact("bad key sk-object-2468") == "bad key ***"
    assert redact("password source-pw-1357 refused") == "password *** refused"


def test_passwords_inside_urls_are_removed_and_short_words_left_alone():
    assert redact("see http://alice:hunter22@host:1/v1") == "see http://alice@host:1/v1"
    assert redact("an ok message") == "an ok message"
