"""Staff pages of Min planering: the individual's representatives, from the episode page.

Need-to-know: the episode is loaded through the logging loader (`episodes.access`); recording
or ending a representative needs a care role at a unit taking part (`portal.actions`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ActionError
from episodes.access import get_episode_for_user
from portal import actions
from portal.access import record_expiry
from portal.forms import LegalRepresentativeForm
from portal.models import Representation


def _page(request, episode, form, *, status=200):
    representations = list(
        Representation.objects.filter(individual=episode.individual)
        .select_related("granted_unit", "granted_by_user")
        .prefetch_related("events__actor_unit")
        .order_by("-granted_at", "-id")
    )
    for representation in representations:
        record_expiry(representation)
    try:
        actions.staff_membership(request.user, episode)
        may_record = True
    except ActionError:
        may_record = False
    context = {
        "episode": episode,
        "individual": episode.individual,
        "form": form,
        "representations": representations,
        "may_record": may_record,
    }
    return render(request, "portal/staff_representatives.html", context, status=status)


@login_required
def representatives(request, public_id):
    """GET: who may see the individual's Min planering, and its history. POST: record a legal
    representative (god man, förvaltare, vårdnadshavare) with the decision it rests on."""
    if request.method != "POST":
        episode = get_episode_for_user(
            request.user, public_id, action="portal.representatives", request=request
        )
        return _page(request, episode, LegalRepresentativeForm())
    episode = get_episode_for_user(
        request.user, public_id, action="portal.representative_record", request=request
    )
    form = LegalRepresentativeForm(request.POST)
    if not form.is_valid():
        return _page(request, episode, form, status=400)
    try:
        actions.do_record_legal_representative(
            request.user,
            episode,
            actions.LegalInput(
                identifier=form.cleaned_data["identifier"],
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                basis=form.cleaned_data["basis"],
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            ),
        )
    except ActionError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return _page(request, episode, form, status=400)
    messages.success(request, _("Företrädaren är registrerad."))
    return HttpResponseRedirect(reverse("portal:representatives", args=[public_id]))


@login_required
@require_POST
def end_representation(request, public_id, representation_id):
    episode = get_episode_for_user(
        request.user, public_id, action="portal.representative_end", request=request
    )
    representation = Representation.objects.filter(
        public_id=representation_id, individual=episode.individual
    ).first()
    if representation is None:
        raise Http404("not found")
    try:
        actions.do_revoke_by_staff(request.user, episode, representation)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Tillgången är avslutad."))
    return HttpResponseRedirect(reverse("portal:representatives", args=[public_id]))
