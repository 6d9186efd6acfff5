"""Changes of who may read patient data are audit rows with who and when, shown in the review
report; a superuser giving themselves a care role is marked."""

from django.http import HttpResponse
from django.test import RequestFactory

from audit.changes import ActorMiddleware, acting
from audit.models import ChangeKind, ChangeRecord
from organisations.models import Membership, Role


def _as(user):
    request = RequestFactory().post("/admin/organisations/user/")
    request.user = user
    return acting(request)


def test_a_superuser_giving_themselves_a_care_role_is_recorded_and_marked_in_the_report(
    org, client
):
    with _as(org.admin):
        Membership.objects.create(user=org.admin, unit=org.ward, role=Role.NURSE)
    row = ChangeRecord.objects.get(kind=ChangeKind.MEMBERSHIP_ADDED, subject_user=org.admin)
    assert (row.actor, row.unit, row.role, row.is_own_care_role) == (
        org.admin,
        org.ward,
        Role.NURSE,
        True,
    )
    client.force_login(org.admin)
    text = client.get("/logg/granskning/rapport/").content.decode()
    assert "Gav sig själv en vårdroll" in text


def test_a_changed_and_a_removed_membership_keep_the_values_before(org):
    membership = Membership.objects.get(user=org.nurse)
    with _as(org.admin):
        membership.role = Role.PHYSICIAN
        membership.save()
        membership.delete()
    changed = ChangeRecord.objects.get(kind=ChangeKind.MEMBERSHIP_CHANGED)
    removed = ChangeRecord.objects.get(kind=ChangeKind.MEMBERSHIP_REMOVED)
    assert (changed.data["before"]["role"], changed.data["after"]["role"]) == ("nurse", "physician")
    assert (removed.actor, removed.subject_user, removed.data["username"]) == (
        org.admin,
        org.nurse,
        "nurse",
    )


def test_making_a_user_superuser_is_recorded_and_a_save_that_changes_nothing_is_not(org):
    with _as(org.admin):
        org.manager.is_superuser = True
        org.manager.save()
        org.manager.save()
    rows = ChangeRecord.objects.filter(
        kind=ChangeKind.USER_PRIVILEGES_CHANGED, subject_user=org.manager
    )
    assert [(r.data["before"]["is_superuser"], r.data["after"]["is_superuser"]) for r in rows] == [
        (False, True)
    ]


def test_a_change_made_while_a_request_is_handled_names_its_user(org):
    request = RequestFactory().post("/admin/organisations/membership/add/")
    request.user = org.admin

    def view(request):
        Membership.objects.create(user=org.manager, unit=org.ward, role=Role.MANAGER)
        return HttpResponse("ok")

    ActorMiddleware(view)(request)
    row = ChangeRecord.objects.get(subject_user=org.manager, unit=org.ward)
    assert (row.actor, row.path) == (org.admin, "/admin/organisations/membership/add/")
