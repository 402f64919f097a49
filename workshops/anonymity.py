"""Pseudonyms for answers.

An answer row stores `respondent_for(workshop, user)`, a keyed hash made with the
server's SECRET_KEY. The app recomputes it to find a person's own answers and to
count how far each invited person has got; the tables alone cannot be joined to
people.
"""

from django.utils.crypto import salted_hmac

SALT = "foresight.workshops.respondent"


def respondent_for(workshop_id: int, user_id: int) -> str:
    return salted_hmac(
        SALT, f"{workshop_id}:{user_id}", algorithm="sha256"
    ).hexdigest()[:32]
