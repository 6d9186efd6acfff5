"""The admin shows the questionnaires and plans, read only, and no invitation or answer."""

from django.urls import NoReverseMatch, reverse


def test_the_admin_shows_questionnaire_versions_read_only_and_no_answers(org, plan, client):
    client.force_login(org.admin)
    version = plan.questionnaire.current_version()
    page = client.get(f"/admin/surveys/questionnaireversion/{version.pk}/change/")
    assert page.status_code == 200 and "Kändes vården som en helhet?" in page.content.decode()
    assert client.get("/admin/surveys/measurementplan/add/").status_code == 403
    for model in ("response", "invitation", "answer"):
        try:
            reverse(f"admin:surveys_{model}_changelist")
        except NoReverseMatch:
            continue
        raise AssertionError(model)
