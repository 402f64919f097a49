import logging
import time

import pytest

from analysis.judge import Pair, Verdict, in_band, judge_configured, judge_pairs
from analysis.tests.chat_server import (  # noqa: F401 (chat_server is a fixture)
    NOT_JSON,
    RATE_LIMIT,
    SERVER_ERROR,
    SLOW,
    UNAUTHORIZED,
    WRONG_SHAPE,
    chat_server,
)

FAST = {"timeout": 0.5, "backoff": 0.01}


@pytest.fixture
def server(chat_server, settings):  # noqa: F811
    settings.OPENAI_BASE_URL = chat_server.base_url
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_MODEL = "test-model"
    return chat_server


def make_pairs(count: int) -> list[Pair]:
    return [
        Pair(
            key=f"c{n}:d{n}",
            capability=f"capability {n}",
            duty=f"duty {n}",
            standard="ST0001",
            score=0.5,
        )
        for n in range(count)
    ]


def test_it_records_a_verdict_and_rationale_for_each_pair(server):
    server.verdicts = {
        "c0:d0": ("match", "Both describe calibrating the robot arm."),
        "c1:d1": ("partial", "The duty covers setup but not maintenance."),
        "c2:d2": ("no_match", "The duty is about record keeping."),
    }

    verdicts = judge_pairs(make_pairs(3), **FAST)

    assert verdicts == [
        Verdict("c0:d0", "match", "Both describe calibrating the robot arm."),
        Verdict("c1:d1", "partial", "The duty covers setup but not maintenance."),
        Verdict("c2:d2", "no_match", "The duty is about record keeping."),
    ]
    [request] = server.requests
    assert request["model"] == "test-model"
    assert request["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert [pair["key"] for pair in server.pairs(request)] == [
        "c0:d0",
        "c1:d1",
        "c2:d2",
    ]


def test_it_sends_the_pair_texts_but_not_the_score(server):
    judge_pairs(make_pairs(1), **FAST)

    [pair] = server.pairs(server.requests[0])
    assert pair == {
        "key": "c0:d0",
        "capability": "capability 0",
        "duty": "duty 0",
        "standard": "ST0001",
    }


def test_it_retries_after_a_rate_limit(server):
    server.script(RATE_LIMIT)

    verdicts = judge_pairs(make_pairs(2), **FAST)

    assert len(server.requests) == 2
    assert [v.verdict for v in verdicts] == ["match", "match"]


def test_it_waits_as_long_as_retry_after_asks(server):
    server.retry_after = "0.3"
    server.script(RATE_LIMIT)

    started = time.monotonic()
    verdicts = judge_pairs(make_pairs(1), **FAST)

    assert time.monotonic() - started >= 0.3
    assert verdicts[0].verdict == "match"


def test_it_caps_the_wait_retry_after_asks_for(server, monkeypatch):
    monkeypatch.setattr("analysis.judge.MAX_RETRY_AFTER", 0.05)
    server.retry_after = "3600"
    server.script(RATE_LIMIT)

    started = time.monotonic()
    verdicts = judge_pairs(make_pairs(1), **FAST)

    assert time.monotonic() - started < 2
    assert len(server.requests) == 2
    assert verdicts[0].verdict == "match"


def test_it_retries_after_a_timeout(server):
    server.script(SLOW)

    verdicts = judge_pairs(make_pairs(2), **FAST)

    assert len(server.requests) == 2
    assert [v.verdict for v in verdicts] == ["match", "match"]


@pytest.mark.parametrize("failure", [NOT_JSON, WRONG_SHAPE, SERVER_ERROR])
def test_it_retries_after_a_bad_reply(server, failure):
    server.script(failure)

    verdicts = judge_pairs(make_pairs(2), **FAST)

    assert len(server.requests) == 2
    assert [v.verdict for v in verdicts] == ["match", "match"]


def test_it_gives_up_after_max_attempts_of_malformed_replies(server, caplog):
    server.script(NOT_JSON, WRONG_SHAPE, NOT_JSON, NOT_JSON)

    with caplog.at_level(logging.WARNING, logger="analysis.judge"):
        verdicts = judge_pairs(make_pairs(3), max_attempts=3, **FAST)

    assert len(server.requests) == 3
    assert [v.verdict for v in verdicts] == ["no_verdict"] * 3
    assert [v.key for v in verdicts] == ["c0:d0", "c1:d1", "c2:d2"]
    assert "malformed reply" in verdicts[0].rationale
    assert "after 3 attempts" in verdicts[0].rationale
    assert "gave up on a batch of 3 pairs" in caplog.text


def test_it_does_not_retry_a_refused_request(server):
    server.script(UNAUTHORIZED)

    verdicts = judge_pairs(make_pairs(2), **FAST)

    assert len(server.requests) == 1
    assert [v.verdict for v in verdicts] == ["no_verdict"] * 2
    assert "HTTP 401 after 1 attempt." in verdicts[0].rationale


def test_it_gives_up_on_a_batch_but_judges_the_next(server):
    server.script(SERVER_ERROR, SERVER_ERROR)

    verdicts = judge_pairs(make_pairs(4), batch_size=2, max_attempts=2, **FAST)

    assert len(server.requests) == 3
    assert [v.verdict for v in verdicts] == ["no_verdict"] * 2 + ["match"] * 2
    assert "HTTP 500" in verdicts[0].rationale


def test_it_gives_up_when_the_judge_cannot_be_reached(settings):
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.OPENAI_MODEL = "test-model"

    verdicts = judge_pairs(make_pairs(1), max_attempts=2, **FAST)

    assert verdicts[0].verdict == "no_verdict"
    assert "could not reach the judge" in verdicts[0].rationale


def test_it_sends_pairs_in_batches(server):
    verdicts = judge_pairs(make_pairs(25), batch_size=10, **FAST)

    sizes = [len(server.pairs(request)) for request in server.requests]
    assert sizes == [10, 10, 5]
    assert [v.key for v in verdicts] == [p.key for p in make_pairs(25)]
    assert {v.verdict for v in verdicts} == {"match"}


def test_it_validates_each_entry_of_the_reply(server):
    long = "A " + "very " * 100 + "long reason."
    server.script(
        {
            "verdicts": [
                {"key": "c0:d0", "verdict": "match", "rationale": "Same. Extra words."},
                {"key": "c1:d1", "verdict": "maybe", "rationale": "Unsure."},
                {"key": "c3:d3", "verdict": "match", "rationale": "Not asked about."},
                {"key": "c4:d4", "verdict": "partial", "rationale": long},
                "not an entry",
            ]
        }
    )
    pairs = make_pairs(5)
    del pairs[3]

    verdicts = judge_pairs(pairs, **FAST)

    assert len(server.requests) == 1
    assert [v.key for v in verdicts] == ["c0:d0", "c1:d1", "c2:d2", "c4:d4"]
    assert [v.verdict for v in verdicts] == [
        "match",
        "no_verdict",
        "no_verdict",
        "partial",
    ]
    assert verdicts[0].rationale == "Same."
    assert "unknown verdict" in verdicts[1].rationale
    assert "no verdict for this pair" in verdicts[2].rationale
    assert len(verdicts[3].rationale) == 300
    assert verdicts[3].rationale.endswith("…")


def test_it_asks_nothing_when_no_judge_is_configured(chat_server, settings):  # noqa: F811
    settings.OPENAI_BASE_URL = chat_server.base_url
    settings.OPENAI_MODEL = ""

    verdicts = judge_pairs(make_pairs(3), **FAST)

    assert not judge_configured()
    assert chat_server.requests == []
    assert [v.verdict for v in verdicts] == ["no_verdict"] * 3
    assert "no LLM judge is configured" in verdicts[0].rationale


def test_it_needs_both_a_base_url_and_a_model(settings):
    settings.OPENAI_BASE_URL = ""
    settings.OPENAI_MODEL = "test-model"
    assert not judge_configured()

    settings.OPENAI_BASE_URL = "http://127.0.0.1:1/v1"
    assert judge_configured()


def test_it_judges_nothing_for_no_pairs(server):
    assert judge_pairs([], **FAST) == []
    assert server.requests == []


@pytest.mark.parametrize(
    ("score", "expected"),
    [(0.44, False), (0.45, True), (0.55, True), (0.65, True), (0.66, False)],
)
def test_in_band_includes_both_ends_of_the_default_band(score, expected):
    assert in_band(score) is expected


def test_in_band_takes_another_band():
    assert in_band(0.3, low=0.2, high=0.4)
    assert not in_band(0.5, low=0.2, high=0.4)


def test_in_band_rejects_an_inverted_band():
    with pytest.raises(ValueError):
        in_band(0.5, low=0.6, high=0.4)
