from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction

from workshops.models import (
    Panellist,
    Rating,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
)

# Posted for "Can't judge", stored as a null value (0 is "Not required").
CANT_JUDGE = "na"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["kind", "title", "starts_at", "ends_at"]
        widgets = {"starts_at": DateTimeInput, "ends_at": DateTimeInput}
        labels = {"starts_at": "Starts", "ends_at": "Ends"}
        error_messages = {"title": {"required": "Give the workshop a title."}}

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", "The workshop cannot end before it starts.")
        return cleaned


class MemberChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user) -> str:
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


class PanellistForm(forms.Form):
    """Invite cycle members who hold the workshop's panel role and are not on it yet."""

    users = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label="Invite",
        error_messages={
            "invalid_choice": "%(value)s is not a member of this cycle who can be "
            "invited to this panel."
        },
    )

    def __init__(self, *args, workshop: Workshop, **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop = workshop
        self.fields["users"].queryset = (
            get_user_model()
            .objects.filter(
                memberships__cycle=workshop.cycle_id,
                memberships__role=workshop.panel_role,
            )
            .exclude(panels__workshop=workshop)
            .order_by("first_name", "email")
            .distinct()
        )

    def save(self) -> list:
        users = list(self.cleaned_data["users"])
        Panellist.objects.bulk_create(
            [
                Panellist(
                    workshop=self.workshop, user=user, group=self.workshop.panel_role
                )
                for user in users
            ],
            # Another runner may have invited the same person a moment ago.
            ignore_conflicts=True,
        )
        return users


class RoundOpenForm(forms.Form):
    carry_unresolved = forms.BooleanField(
        required=False, label="Only carry items without consensus"
    )


class AnswerError(Exception):
    """Answers that cannot be stored; `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class AnswersForm:
    """A panellist's answers to items of an open round.

    Each item posts `value-<item id>` (a scale value, or CANT_JUDGE) and an
    optional `rationale-<item id>`. Items posted with neither are left as they
    were; items of any other round make the whole post invalid.
    """

    def __init__(self, data, *, round: Round, items: list, choices: list):
        self.data = data
        self.round = round
        self.items = {item.pk: item for item in items}
        # The scale's values as posted ("0" to "3"), from (value, label) pairs.
        self.scale = {value for value, _label in choices if value != CANT_JUDGE}
        self.errors: dict[int, str] = {}
        self.answers: dict[int, tuple[int | None, str]] = {}

    def is_valid(self) -> bool:
        """Parse the posted answers; AnswerError for a post about other items."""
        for key in self.data:
            prefix, _, pk = key.partition("-")
            if prefix not in ("value", "rationale"):
                continue
            if not pk.isdigit() or int(pk) not in self.items:
                raise AnswerError(
                    "Some answers are for items that are not in the open round "
                    f"(round {self.round.number}). Nothing was saved; reload the page."
                )
        for pk in self.items:
            self._clean_item(pk)
        return not self.errors

    def _clean_item(self, pk: int) -> None:
        raw = self.data.get(f"value-{pk}", "").strip()
        rationale = self.data.get(f"rationale-{pk}", "").strip()
        if len(rationale) > Rating._meta.get_field("rationale").max_length:
            self.errors[pk] = "Keep the note under 2,000 characters."
        elif raw == CANT_JUDGE:
            self.answers[pk] = (None, rationale)
        elif raw in self.scale:
            self.answers[pk] = (int(raw), rationale)
        elif raw:
            self.errors[pk] = f"“{raw[:20]}” is not a level of this cycle's scale."
        elif rationale:
            self.errors[pk] = "Choose a level, or “Can't judge”, to go with the note."

    def save(self, respondent: str, group: str) -> int:
        """Store the answers, replacing the respondent's earlier ones; refuse if the
        round closed meanwhile (the lock waits for a close in progress)."""
        ratings = [
            Rating(
                item=self.items[pk],
                respondent=respondent,
                group=group,
                value=value,
                rationale=rationale,
            )
            for pk, (value, rationale) in self.answers.items()
        ]
        with transaction.atomic():
            status = (
                Round.objects.select_for_update()
                .filter(pk=self.round.pk)
                .values_list("status", flat=True)
                .first()
            )
            if status != RoundStatus.OPEN:
                raise AnswerError(
                    f"Round {self.round.number} has closed: answers are no longer "
                    "accepted. Nothing was saved.",
                    status=409,
                )
            Rating.objects.bulk_create(
                ratings,
                update_conflicts=True,
                unique_fields=["item", "respondent"],
                update_fields=["value", "rationale", "group", "updated_at"],
            )
        return len(ratings)


def item_of(workshop: Workshop, raw_pk: str) -> RoundItem:
    """The item named by a posted id, in the workshop's open round."""
    item = None
    if raw_pk.isdigit():
        item = (
            RoundItem.objects.filter(pk=raw_pk, round__workshop=workshop)
            .select_related("round", "capability", "role_level")
            .first()
        )
    if item is None:
        raise AnswerError("That item is not part of this workshop.")
    if not item.round.is_open:
        raise AnswerError(
            f"Round {item.round.number} is closed: answers are no longer accepted.",
            status=409,
        )
    return item
