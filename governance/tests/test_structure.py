import pytest

from core.errors import ActionError
from governance import actions
from governance.models import ChangeRecord, Group, GroupKind, GroupRole


def test_the_structure_page_nests_each_group_under_the_one_it_reports_to(client, org, groups):
    client.force_login(groups["member"])
    response = client.get("/styrning/")
    html = response.content.decode()
    assert response.status_code == 200
    # steering, then theme group inside it, then the NOSAM inside that
    steering = html.index("Styrgrupp")
    theme = html.index("Temagrupp Vård och omsorg")
    nosam = html.index("NOSAM Partille")
    assert steering < theme < nosam
    assert html[steering:nosam].count('<ul class="structure-tree">') == 2
    assert "Processledare" in html and "Leder arbetet" in html


def test_a_group_page_lists_members_with_organisation_role_and_mandate(client, org, groups):
    client.force_login(groups["member"])
    html = client.get(f"/styrning/grupp/{groups['nosam'].public_id}/").content.decode()
    assert "Leader" in html and "Processledare" in html and "Leder arbetet" in html
    assert org.needs_assessment.principal.name in html
    assert "Temagrupp Vård och omsorg" in html  # reports to


def test_a_group_cannot_report_to_one_below_it(org, groups):
    with pytest.raises(ActionError) as error:
        actions.do_set_parent(org.admin, groups["steering"], groups["nosam"])
    assert error.value.code == "loop"
    assert "rapportera till sig själv" in error.value.message
    assert Group.objects.get(pk=groups["steering"].pk).parent is None


def test_only_an_administrator_changes_the_structure(org, groups):
    with pytest.raises(ActionError) as error:
        actions.do_create_group(groups["leader"], name="Ny grupp", kind=GroupKind.NOSAM)
    assert error.value.code == "forbidden"
    assert not Group.objects.filter(name="Ny grupp").exists()


def test_a_member_needs_a_user_or_a_function(org, groups):
    with pytest.raises(ActionError) as error:
        actions.do_add_member(org.admin, groups["nosam"], role=GroupRole.AMBASSADOR)
    assert error.value.field == "title"


def test_every_change_to_the_structure_is_recorded(org, groups):
    kinds = list(ChangeRecord.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["group_created"] * 3 + ["member_added"] * 2
