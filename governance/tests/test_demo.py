from django.core.management import call_command

from governance.documents import for_activity
from governance.models import ActionPlan, Assignment, Group, GroupMember


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
