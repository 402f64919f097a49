import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from foresight.models import Invitation, Membership, Role


@pytest.fixture
def invitation(cycle, convener) -> Invitation:
    return Invitation.objects.create(
        cycle=cycle,
        email="new.person@example.org",
        role=Role.EMPLOYER,
        invited_by=convener,
    )


def test_a_convener_invites_by_email_and_sees_the_link(client, cycle, convener):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{cycle.pk}/members/",
        {"email": "Ada@Example.org", "role": "educator"},
        follow=True,
    )

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("ada@example.org", Role.EDUCATOR)
    link = re.search(r"http://testserver/invitations/\S+/", mail.outbox[0].body).group(
        0
    )
    assert mail.outbox[0].to == ["ada@example.org"]
    assert link in response.content.decode()


def test_inviting_an_existing_member_again_is_refused(
    client, cycle, convener, employer
):
    client.force_login(convener)

    response = client.post(
        f"/cycles/{cycle.pk}/members/", {"email": employer.email, "role": "employer"}
    )

    assert response.status_code == 400
    assert "already a employer" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_valid_link_creates_the_account_and_signs_in(client, invitation, cycle):
    url = f"/invitations/{invitation.token}/"
    assert "Create your account" in client.get(url).content.decode()

    response = client.post(url, {"name": "Nia", "password": "a long enough passphrase"})

    assert response.status_code == 302
    assert response.url == f"/cycles/{cycle.pk}/"
    user = get_user_model().objects.get(email="new.person@example.org")
    assert Membership.objects.filter(
        user=user, cycle=cycle, role=Role.EMPLOYER
    ).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # Signed in: the cycle page opens.
    assert client.get(f"/cycles/{cycle.pk}/").status_code == 200


def test_a_valid_link_attaches_an_existing_account(client, invitation, cycle, outsider):
    invitation.email = outsider.email
    invitation.save()

    response = client.post(f"/invitations/{invitation.token}/")

    assert response.status_code == 302
    roles = set(
        Membership.objects.filter(user=outsider, cycle=cycle).values_list(
            "role", flat=True
        )
    )
    assert roles == {Role.EMPLOYER}
    assert get_user_model().objects.filter(email=outsider.email).count() == 1


def test_a_weak_password_is_refused_and_nothing_is_created(client, invitation):
    response = client.post(
        f"/invitations/{invitation.token}/", {"name": "Nia", "password": "123"}
    )

    assert response.status_code == 400
    assert not get_user_model().objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_reused_link_is_refused(client, invitation):
    url = f"/invitations/{invitation.token}/"
    client.post(url, {"name": "Nia", "password": "a long enough passphrase"})
    client.logout()

    response = client.get(url)

    assert response.status_code == 400
    assert "already been used" in response.content.decode()
    assert Membership.objects.filter(user__email=invitation.email).count() == 1


def test_an_expired_link_is_refused(client, invitation, settings):
    settings.INVITATION_MAX_AGE = -1

    response = client.post(
        f"/invitations/{invitation.token}/",
        {"name": "Nia", "password": "a long passphrase"},
    )

    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not get_user_model().objects.filter(email=invitation.email).exists()


def test_a_tampered_link_is_refused(client, invitation):
    token = invitation.token
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    response = client.get(f"/invitations/{tampered}/")

    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_link_for_a_withdrawn_invitation_is_refused(client, invitation):
    token = invitation.token
    invitation.delete()

    response = client.get(f"/invitations/{token}/")

    assert response.status_code == 400
    assert "withdrawn" in response.content.decode()
