from django.db import models


class Embedding(models.Model):
    """A stored sentence embedding, so that each text is embedded once per model.

    The vector is float32 bytes, normalised to unit length.
    """

    text_hash = models.CharField(max_length=64)
    model = models.CharField(max_length=100)
    dimensions = models.PositiveSmallIntegerField()
    vector = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model", "text_hash"], name="unique_embedding"
            )
        ]

    def __str__(self) -> str:
        return f"{self.model}:{self.text_hash[:12]}"
