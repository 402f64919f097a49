import numpy as np

from foresight import embeddings
from foresight.models import Embedding

PARAPHRASES = (
    "Analyse data to determine the effectiveness of specific treatments.",
    "Examine data to find out how well particular therapies work.",
)
UNRELATED = "Drive a forklift truck around the warehouse."


def test_the_packaged_model_reproduces_known_similarities():
    a, b, c = embeddings.encode([*PARAPHRASES, UNRELATED])

    assert round(float(a @ b), 3) == 0.728
    assert round(float(a @ c), 3) == -0.038
    assert round(float(b @ c), 3) == -0.01


def test_vectors_are_unit_length_float32_of_384_dimensions():
    vectors = embeddings.encode(
        ["Calibrate testing instruments.", "Develop new assays."]
    )

    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_each_text_is_embedded_once_and_stored(db):
    texts = ["Operate bioreactors.", "Operate bioreactors.  ", "Write batch records."]

    assert embeddings.embed_missing(texts) == 2
    assert embeddings.embed_missing(texts) == 0

    stored = Embedding.objects.get(
        text_hash=embeddings.text_hash("Operate bioreactors.")
    )
    assert stored.model == embeddings.MODEL_KEY
    assert stored.dimensions == 384


def test_stored_vectors_equal_fresh_ones_and_keep_order(db):
    texts = ["Write batch records.", "Operate bioreactors."]
    embeddings.embed_missing(texts[:1])

    matrix = embeddings.vectors_for(texts)

    assert np.allclose(matrix, embeddings.encode(texts), atol=1e-6)


def test_progress_is_reported_per_chunk(db, monkeypatch):
    monkeypatch.setattr(embeddings, "CHUNK", 2)
    seen = []

    embeddings.embed_missing(
        [f"Statement number {n}." for n in range(5)],
        progress=lambda done, total: seen.append((done, total)),
    )

    assert seen == [(2, 5), (4, 5), (5, 5)]
