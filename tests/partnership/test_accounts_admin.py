"""The admin's user pages: deactivated never deleted, one-click steps, no passwords seen or set,
the second factor reset for a lost phone. Each step is audited."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership import two_factor
from partnership.audit import audit_record
from partnership.constants import AuditAction, Role
from partnership.models import AuditEvent, User
from tests.conftest import authenticator_for, sign_in_client
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


@pytest.fixture
def colleague(db):
    return UserFactory(username="leaving.colleague", roles=[Role.OFFICER])


@pytest.fixture
def admin_client(login, admin_user):
    return login(admin_user)


def step_url(user, step):
    return reverse("admin:partnership_user_step", args=[user.pk, step])


def change_page(client, user) -> str:
    return client.get(reverse("admin:partnership_user_change", args=[user.pk])).content.decode()


def test_the_admin_offers_no_way_to_delete_a_user(admin_client, colleague):
    changelist = admin_client.get(reverse("admin:partnership_user_changelist")).content.decode()

    assert "delete_selected" not in changelist
    assert f"/{colleague.pk}/delete/" not in change_page(admin_client, colleague)
    response = admin_client.post(
        reverse("admin:partnership_user_delete", args=[colleague.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=colleague.pk).exists()


def test_deactivating_is_one_click_on_the_users_page(admin_client, colleague):
    page = change_page(admin_client, colleague)
    assert f'action="{step_url(colleague, "deactivate")}"' in page

    response = admin_client.post(step_url(colleague, "deactivate"))

    assert response["Location"] == reverse("admin:partnership_user_change", args=[colleague.pk])
    colleague.refresh_from_db()
    assert not colleague.is_active
    event = AuditEvent.objects.get(object_id=str(colleague.pk), detail={"is_active": False})
    assert event.action == AuditAction.UPDATE


def test_the_step_pages_take_only_a_post(admin_client, colleague):
    response = admin_client.get(step_url(colleague, "deactivate"))

    assert response.status_code == 405
    colleague.refresh_from_db()
    assert colleague.is_active


def test_deactivating_several_users_is_an_admin_action(admin_client, colleague, clerk):
    admin_client.post(
        reverse("admin:partnership_user_changelist"),
        {"action": "deactivate_users", "_selected_action": [colleague.pk, clerk.pk]},
    )

    assert not User.objects.filter(pk__in=[colleague.pk, clerk.pk], is_active=True).exists()


def test_a_deactivated_user_cannot_sign_in_and_their_session_ends(admin_client, colleague):
    audit_record(by=colleague, action=AuditAction.VIEW, object_type="page", object_id="x")
    their_session = sign_in_client(Client(), colleague)
    assert their_session.get(reverse("referrals:referral_list")).status_code == 200

    admin_client.post(step_url(colleague, "deactivate"))

    assert their_session.get(reverse("referrals:referral_list")).status_code == 302
    response = Client().post(
        reverse("login"), {"username": colleague.username, "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    # Their audit history stays, pointing at them.
    assert AuditEvent.objects.filter(user=colleague).count() == 1


def test_an_admin_cannot_deactivate_themselves(admin_client, admin_user):
    response = admin_client.post(step_url(admin_user, "deactivate"), follow=True)

    admin_user.refresh_from_db()
    assert admin_user.is_active
    assert "You cannot deactivate your own account" in response.content.decode()


def test_reactivating_lets_the_user_sign_in_again(admin_client, colleague):
    admin_client.post(step_url(colleague, "deactivate"))

    assert "Reactivate" in change_page(admin_client, colleague)
    admin_client.post(step_url(colleague, "reactivate"))

    colleague.refresh_from_db()
    assert colleague.is_active
    assert AuditEvent.objects.filter(detail={"is_active": True}).count() == 1


def test_the_admin_cannot_see_or_set_a_password(admin_client, colleague):
    page = change_page(admin_client, colleague)

    assert "pbkdf2" not in page and "md5" not in page and 'name="password' not in page
    response = admin_client.get(f"/admin/partnership/user/{colleague.pk}/password/")
    assert response.status_code in (302, 404)
    assert "password" not in response.get("Location", "").split("/")[-2:]


def test_an_admin_e_mails_a_password_link_instead(
    admin_client, colleague, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(step_url(colleague, "send-password-link"))

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [colleague.email]
    link = re.search(r"https?://\S+/password-reset/\S+/", message.body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)
    form_page = Client().get(path, follow=True)
    assert "Set a new password" in form_page.content.decode()
    assert AuditEvent.objects.filter(detail={"password": "reset link sent by admin"}).exists()


def test_a_new_user_gets_no_password_but_a_link_to_set_one(
    admin_client, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:partnership_user_add"),
            {
                "username": "new.starter",
                "email": "new.starter@example.org",
                "organisation": agency.pk,
            },
        )

    assert response.status_code == 302
    user = User.objects.get(username="new.starter")
    assert not user.has_usable_password()
    assert len(mail.outbox) == 1
    assert "Set your password" in mail.outbox[0].subject
    assert "/password-reset/" in mail.outbox[0].body


def test_an_admin_resets_a_lost_second_factor_with_an_audit_row(admin_client, colleague):
    authenticator_for(colleague)
    StaticDevice.objects.create(user=colleague, name="Recovery codes")

    admin_client.post(step_url(colleague, "reset-second-factor"))

    assert not two_factor.devices_of(colleague)
    event = AuditEvent.objects.get(object_type="second_factor", object_id=str(colleague.pk))
    assert event.action == AuditAction.DELETE
    assert event.detail["second_factor"] == "reset by admin"
    # They set up a new app at their next sign-in.
    response = Client().post(
        reverse("login"), {"username": colleague.username, "password": PASSWORD}
    )
    assert response["Location"] == reverse("login_set_up")


def test_users_cannot_reset_their_own_second_factor(login, colleague):
    client = login(colleague)

    response = client.post(step_url(colleague, "reset-second-factor"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert TOTPDevice.objects.filter(user=colleague).exists()
