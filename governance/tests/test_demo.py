from django.core.management import call_command

from governance.documents import for_activity
from governance.models import (
    ActionPlan,
    AnnualReport,
    Assignment,
    Event,
    Group,
    GroupMember,
    Metric,
)


def test_the_demo_builds_the_structure_and_the_seeds_plans_once(org):
    call_command("seed_governance_demo", verbosity=0)
    groups = Group.objects.count()
    call_command("seed_governance_demo", verbosity=0)
    assert Group.objects.count() == groups
    assert ActionPlan.objects.count() == 2
    nosam = Group.objects.get(name="NOSAM Partille")
    assert nosam.parent is not None and nosam.parent.name == "Temagrupp Äldre"
    # members are functions or demo users, never names copied from the seeds
    assert not GroupMember.objects.filter(title__icontains="camilla").exists()
    assert [d.version for d in for_activity("SV-01")] == ["", "2024"]
    assert Assignment.objects.filter(decided_on__isnull=False).count() == 1
    assert Event.objects.count() == 4
    assert Event.objects.get(title__startswith="Temadag").participations.count() == 4
    assert set(Metric.objects.filter(kind="live").values_list("indicator_key", flat=True)) >= {
        "deviations",
        "training_coverage",
    }
    assert AnnualReport.objects.get(group=None).challenges.count("\n") == 2


def test_the_demos_annual_report_and_its_pdf_read(client, org):
    import subprocess

    from django.utils import timezone

    call_command("seed_governance_demo", verbosity=0)
    client.force_login(org.admin)
    year = timezone.localdate().year
    html = client.get(f"/styrning/arsrapport/{year}/").content.decode()
    assert "Nätverksträff för processledare" in html
    assert "Representation, närvaro och kontinuitet på möten" in html
    pdf = client.get(f"/styrning/arsrapport/{year}/arsrapport.pdf").content
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Temagrupp Barn och unga" in text and "Fokusområden och grupper" in text
