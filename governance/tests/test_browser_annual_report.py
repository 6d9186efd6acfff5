"""A NOSAM process leader records the theme day the group held, writes the texts of the
group's annual report around its figures, publishes it and downloads the PDF as published."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone

from conftest import assert_accessible, login
from governance import actions
from governance.models import AnnualReport, EventParticipation, PlanActivity


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_leader_writes_and_publishes_the_groups_annual_report(org, groups, page):
    today = timezone.localdate()
    leader, nosam = groups["leader"], groups["nosam"]
    plan = actions.do_create_plan(
        leader,
        nosam,
        actions.PlanInput(
            title="Handlingsplan NOSAM Partille",
            period_start=dt.date(today.year, 1, 1),
            period_end=dt.date(today.year, 12, 31),
            focus_areas=[
                actions.FocusAreaInput(
                    title="In- och utskrivningsprocessen",
                    sub_goals=[
                        actions.SubGoalInput(
                            text="Meddelanden i tid",
                            activities=[
                                actions.ActivityInput(
                                    text="Utbildning i rutinen", responsible_role="Processledare"
                                )
                            ],
                        )
                    ],
                )
            ],
        ),
    )
    activity = PlanActivity.objects.get(sub_goal__focus_area__plan=plan)
    actions.do_hold_follow_up(
        leader,
        plan,
        actions.FollowUpInput(
            held_on=today,
            covers_start=plan.period_start,
            covers_end=today,
            statuses=[actions.StatusInput(activity.pk, "done", "Alla enheter utbildade")],
        ),
    )

    login(page, leader)
    page.goto(page.base_url + f"/styrning/grupp/{nosam.public_id}/")
    page.get_by_role("link", name="Nytt evenemang").click()
    page.get_by_label("Rubrik").fill("Temadag om trygg hemgång")
    page.get_by_label("Sort").select_option("theme_day")
    page.get_by_label("Datum").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Plats").fill("Partille kulturhus")
    page.get_by_label("Rad 1: organisation").select_option(
        label=org.needs_assessment.principal.name
    )
    page.get_by_label("Rad 1: enhet (valfri)").select_option(label=org.needs_assessment.name)
    page.get_by_label("Rad 1: anmälda").fill("14")
    page.get_by_label("Rad 1: deltog").fill("12")
    page.get_by_label("Rad 2: organisation").select_option(label=org.ward.principal.name)
    page.get_by_label("Rad 2: deltog").fill("3")
    page.get_by_role("button", name="Spara evenemanget").click()
    page.get_by_role("heading", name="Temadag om trygg hemgång").wait_for()
    assert page.locator("td.attended-total").inner_text() == "15"
    assert EventParticipation.objects.count() == 2
    assert_accessible(page)

    page.get_by_role("link", name=nosam.name).click()
    page.get_by_role("link", name=f"Årsrapport {today.year}").click()
    page.get_by_role("heading", name=f"Årsrapport {today.year} – {nosam.name}").wait_for()
    group = page.locator(f"#g-{nosam.public_id}").locator("xpath=..")
    assert "Utbildning i rutinen – Alla enheter utbildade" in group.inner_text()
    assert "15 deltagare" in group.inner_text()
    page.get_by_label("Inledning").fill("Ett år av samverkan i Partille.")
    page.get_by_label(f"Vad {nosam.name} har gjort").fill("Gruppen har mötts sex gånger.")
    page.get_by_label("Utmaningar för diskussion (en per rad)").fill(
        "Representation på möten\nFörankring i den egna verksamheten"
    )
    page.get_by_role("button", name="Spara texterna").click()
    page.get_by_text("Gruppen har mötts sex gånger.").first.wait_for()
    assert page.locator("ul.challenges li").all_inner_texts() == [
        "Representation på möten",
        "Förankring i den egna verksamheten",
    ]
    assert_accessible(page)

    page.get_by_role("button", name="Publicera årsrapporten").click()
    page.get_by_text(f"Publicerad {today.isoformat()}").wait_for()
    assert page.get_by_role("button", name="Spara texterna").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner som PDF").click()
    content = open(download.value.path(), "rb").read()
    assert content == bytes(AnnualReport.objects.get(group=nosam).published_pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    assert f"Året som gått {today.year}" in text
    assert "Gruppen har mötts sex gånger." in text
    assert "Temadag om trygg hemgång" in text and "15 deltagare" in text
    assert "Förankring i den egna verksamheten" in text
