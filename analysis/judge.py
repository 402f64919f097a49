"""The optional LLM judge for map-and-gap candidate pairs.

A judge reads a capability and a duty and says whether they match. Its verdict is
recorded beside the match score, never in place of it (see DESIGN.md, "Match
score"). Every failure outside our control (timeouts, rate limits, lost
connections, server errors, replies of the wrong shape) is retried a bounded
number of times and then recorded as "no_verdict", so a run always completes.
"""

import json
import logging
import re
import time
from dataclasses import asdict, dataclass
from typing import Any, Literal

import openai
from django.conf import settings

logger = logging.getLogger(__name__)

VerdictValue = Literal["match", "partial", "no_match", "no_verdict"]
JUDGED = ("match", "partial", "no_match")

# A server may ask us to wait far longer than a run can afford.
MAX_RETRY_AFTER = 30.0
MAX_RATIONALE = 300

SYSTEM_PROMPT = (
    "You review candidate matches between a future capability and a duty of an "
    "apprenticeship standard. For each pair, decide whether the duty covers the "
    'capability: "match" (it does), "partial" (it covers part of it) or "no_match" '
    "(it does not). Reply with a JSON object only, of the form "
    '{"verdicts": [{"key": "<the pair\'s key>", "verdict": "match|partial|no_match", '
    '"rationale": "one sentence"}]}, with one entry for each pair you were given.'
)


@dataclass
class Pair:
    key: str
    capability: str
    duty: str
    standard: str
    score: float


@dataclass
class Verdict:
    key: str
    verdict: VerdictValue
    rationale: str


class MalformedReplyError(Exception):
    """The endpoint answered, but not with the JSON we asked for."""


class RetryableError(Exception):
    """A failed attempt worth another try, with the reason in words."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class GiveUpError(Exception):
    """A failure that another attempt would not mend (a bad key, a bad request)."""


def judge_configured() -> bool:
    return bool(settings.OPENAI_BASE_URL and settings.OPENAI_MODEL)


def in_band(score: float, low: float = 0.45, high: float = 0.65) -> bool:
    """Whether a score is uncertain enough to be worth asking the judge about."""
    if low > high:
        raise ValueError(f"The band's low end {low} is above its high end {high}.")
    return low <= score <= high


def judge_pairs(
    pairs: list[Pair],
    *,
    batch_size: int = 10,
    max_attempts: int = 3,
    timeout: float = 20.0,
    backoff: float = 0.5,
    client: openai.OpenAI | None = None,
) -> list[Verdict]:
    """Ask the judge about each pair, batch_size pairs a request.

    Returns one verdict per pair, in the order given. Never raises for a failure
    of the endpoint: the pairs of a batch that could not be judged get
    "no_verdict" with the reason as rationale.
    """
    if batch_size < 1 or max_attempts < 1:
        raise ValueError("batch_size and max_attempts must be at least 1.")
    if not judge_configured():
        return [no_verdict(pair, "no LLM judge is configured") for pair in pairs]
    if not pairs:
        return []

    if client is None:
        client = openai.OpenAI(
            base_url=settings.OPENAI_BASE_URL,
            api_key=settings.OPENAI_API_KEY or "unused",
            timeout=timeout,
            max_retries=0,
        )

    verdicts = []
    for start in range(0, len(pairs), batch_size):
        batch = pairs[start : start + batch_size]
        verdicts.extend(
            judge_batch(client, batch, max_attempts=max_attempts, backoff=backoff)
        )
    return verdicts


def judge_batch(
    client: openai.OpenAI, batch: list[Pair], *, max_attempts: int, backoff: float
) -> list[Verdict]:
    for attempt in range(1, max_attempts + 1):
        try:
            return ask(client, batch)
        except GiveUpError as error:
            reason = str(error)
            break
        except RetryableError as error:
            reason = error.reason
            if attempt == max_attempts:
                break
            wait = backoff * 2 ** (attempt - 1) if error.wait is None else error.wait
            logger.info(
                "LLM judge attempt %d of %d failed (%s); retrying in %.2fs",
                attempt,
                max_attempts,
                reason,
                wait,
            )
            time.sleep(wait)

    logger.warning(
        "LLM judge gave up on a batch of %d pairs after %d attempts: %s",
        len(batch),
        attempt,
        reason,
    )
    tries = "attempt" if attempt == 1 else "attempts"
    return [no_verdict(pair, f"{reason} after {attempt} {tries}") for pair in batch]


def ask(client: openai.OpenAI, batch: list[Pair]) -> list[Verdict]:
    """One request for one batch; raises RetryableError or GiveUpError when it fails."""
    try:
        completion = client.chat.completions.create(
            model=settings.OPENAI_MODEL,
            messages=[
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": user_message(batch)},
            ],
            response_format={"type": "json_object"},
        )
    except openai.APITimeoutError as error:
        raise RetryableError("the judge timed out") from error
    except openai.APIConnectionError as error:
        raise RetryableError("could not reach the judge") from error
    except openai.RateLimitError as error:
        raise RetryableError(
            "the judge was rate limited", retry_after(error)
        ) from error
    except openai.APIStatusError as error:
        status = error.status_code
        if status >= 500 or status in (408, 409):
            raise RetryableError(f"the judge failed with HTTP {status}") from error
        raise GiveUpError(
            f"the judge refused the request with HTTP {status}"
        ) from error
    except openai.APIResponseValidationError as error:
        raise RetryableError("the judge sent a malformed reply") from error
    except openai.OpenAIError as error:
        name = type(error).__name__
        raise GiveUpError(f"the judge could not be asked ({name})") from error

    try:
        entries = parse_reply(completion)
    except MalformedReplyError as error:
        raise RetryableError(f"the judge sent a malformed reply ({error})") from error
    return read_verdicts(batch, entries)


def user_message(batch: list[Pair]) -> str:
    # The score stays out of the prompt so that it cannot anchor the verdict.
    return json.dumps(
        {
            "pairs": [
                {key: value for key, value in asdict(pair).items() if key != "score"}
                for pair in batch
            ]
        }
    )


def parse_reply(completion: Any) -> list:
    try:
        content = completion.choices[0].message.content
    except (AttributeError, IndexError, TypeError) as error:
        raise MalformedReplyError("no message") from error
    if not isinstance(content, str):
        raise MalformedReplyError("no content")

    try:
        data = json.loads(content)
    except ValueError as error:
        raise MalformedReplyError("not JSON") from error
    if not isinstance(data, dict) or not isinstance(data.get("verdicts"), list):
        raise MalformedReplyError('no "verdicts" list')
    return data["verdicts"]


def read_verdicts(batch: list[Pair], entries: list) -> list[Verdict]:
    """Map the reply's entries to the batch's pairs; keys we did not ask about are
    ignored, and a pair with no valid entry gets "no_verdict"."""
    wanted = {pair.key for pair in batch}
    found = {}
    for entry in entries:
        if isinstance(entry, dict) and entry.get("key") in wanted:
            found.setdefault(entry["key"], entry)

    verdicts = []
    for pair in batch:
        entry = found.get(pair.key)
        if entry is None:
            verdicts.append(no_verdict(pair, "the judge gave no verdict for this pair"))
        elif entry.get("verdict") not in JUDGED:
            verdicts.append(no_verdict(pair, "the judge gave an unknown verdict"))
        else:
            rationale = one_sentence(entry.get("rationale"))
            verdicts.append(Verdict(pair.key, entry["verdict"], rationale))
    return verdicts


def one_sentence(text: Any) -> str:
    if not isinstance(text, str):
        return ""
    text = " ".join(text.split())
    text = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(text) > MAX_RATIONALE:
        text = text[: MAX_RATIONALE - 1].rstrip() + "…"
    return text


def retry_after(error: openai.APIStatusError) -> float | None:
    try:
        seconds = float(error.response.headers.get("retry-after", ""))
    except ValueError:
        return None
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return min(seconds, MAX_RETRY_AFTER)


def no_verdict(pair: Pair, reason: str) -> Verdict:
    return Verdict(pair.key, "no_verdict", f"No verdict: {reason}.")
