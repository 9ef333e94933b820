"""The decoded-dictionary cache gives simplemma's own lemmas, and never fails a reading."""

from __future__ import annotations

import marshal

import simplemma
from simplemma.strategies import DEFAULT_DICTIONARY_FACTORY

from gaai_graph.questions import lemma_dictionary, text
from gaai_graph.questions.lemma_dictionary import CachedDictionaryFactory

_WORDS = [
    "clusters",
    "communities",
    "led",
    "nearest",
    "splitting",
    "splitted",
    "ran",
    "better",
    "geese",
    "accounts",
    "paid",
    "colouring",
    "brokers",
    "xyzzyq",
    "connected",
    "hubs",
    "influencers",
]


def test_the_stored_dictionary_is_read_back_without_decoding(tmp_path, monkeypatch):
    built = CachedDictionaryFactory(tmp_path).get_dictionary("en")
    assert list(tmp_path.iterdir()), "the decoded dictionary was not stored"

    class NoDecoding:
        def get_dictionary(self, lang):
            raise AssertionError("decoded again although the cache holds the dictionary")

    monkeypatch.setattr(lemma_dictionary, "DEFAULT_DICTIONARY_FACTORY", NoDecoding())
    assert CachedDictionaryFactory(tmp_path).get_dictionary("en") == built


def test_a_damaged_or_unwritable_cache_still_gives_the_dictionary(tmp_path):
    expected = dict(DEFAULT_DICTIONARY_FACTORY.get_dictionary("en").items())
    CachedDictionaryFactory(tmp_path).get_dictionary("en")
    (stored,) = tmp_path.iterdir()
    stored.write_bytes(b"\x00 not marshal data")
    assert CachedDictionaryFactory(tmp_path).get_dictionary("en") == expected
    stored.write_bytes(marshal.dumps({"clusters": "cluster"}))  # another layout: not used
    assert CachedDictionaryFactory(tmp_path).get_dictionary("en") == expected

    in_the_way = tmp_path / "a file"
    in_the_way.write_text("")
    assert CachedDictionaryFactory(in_the_way).get_dictionary("en") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([stored.name, "a file"])


def test_lemmas_and_known_words_are_simplemma_s_own():
    for word in _WORDS:
        assert text._LEMMATIZER.lemmatize(word, "en") == simplemma.lemmatize(word, lang="en")
        assert text.known_word(word) == simplemma.is_known(word, lang="en")
    assert text.lemma_of("communities") == "community"
    assert text.lemma_of("led") == "lead"
    assert text.lemma_of("splitting") == "split"
