"""Every change of the survey: it checks, writes and refuses (ActionError) in one transaction.

- `save_questionnaire`: a questionnaire as data; a change while answers exist makes a version.
- `create_plan`: a measurement plan (baseline, then quarterly for 24 months).
- `create_invitation`: the ward's one-time code for an episode in a measurement period.
- `open_response` / `save_answers`: the public answer, paused and resumed by the same code.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionError
from episodes.access import care_unit_ids, get_episode_for_user
from organisations.models import CARE_LANES, Role, User
from surveys.models import (
    Answer,
    Channel,
    Invitation,
    MeasurementPlan,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireVersion,
    Respondent,
    Response,
    age_band,
    hash_code,
)

DEFINERS = frozenset({Role.PROCESS_LEADER, Role.ADMINISTRATOR})
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read from paper
CODE_LENGTH = 8
TEXT_LIMIT = 2000
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")  # a key fits `Questionnaire.key` and `Question.key`


def may_define(user: User) -> bool:
    """Process leaders and administrators define questionnaires and plans."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_role(*DEFINERS)))


def _require_definer(user: User) -> None:
    if not may_define(user):
        raise ActionError(
            _("Enkäter och mätplaner läggs upp av processledare och administratörer."),
            code="forbidden",
        )


# -- questionnaires ----------------------------------------------------------------------------


def _questions(definition: dict[str, Any]) -> list[dict[str, Any]]:
    questions = definition.get("questions")
    if not isinstance(questions, list) or not questions:
        raise ActionError(_("Enkäten behöver minst en fråga."), code="required", field="questions")
    keys: set[str] = set()
    cleaned = []
    for index, q in enumerate(questions, start=1):
        field = f"questions.{index}"
        if not isinstance(q, dict) or not str(q.get("key", "")).strip():
            raise ActionError(
                _("Fråga %(n)s saknar nyckel.") % {"n": index}, code="required", field=field
            )
        key, text, kind = str(q["key"]).strip(), str(q.get("text", "")).strip(), q.get("kind")
        if key in keys:
            raise ActionError(
                _("Nyckeln %(k)s finns två gånger.") % {"k": key}, code="duplicate", field=field
            )
        keys.add(key)
        if not text:
            raise ActionError(
                _("Fråga %(n)s saknar text.") % {"n": index}, code="required", field=field
            )
        if kind not in QuestionKind.values:
            raise ActionError(
                _("Fråga %(n)s: typen ska vara skala eller fritext.") % {"n": index},
                code="invalid",
                field=field,
            )
        if not SLUG.fullmatch(key):
            raise ActionError(
                _("Fråga %(n)s: nyckeln får ha högst 60 små bokstäver, siffror och bindestreck.")
                % {"n": index},
                code="invalid",
                field=field,
            )
        if len(text) > 500 or any(len(str(q.get(k, ""))) > 100 for k in ("min_label", "max_label")):
            raise ActionError(
                _("Fråga %(n)s: texten är för lång (högst 500 tecken, ändarna 100).")
                % {"n": index},
                code="too_long",
                field=field,
            )
        row = dict(key=key, text=text, kind=kind, required=bool(q.get("required", False)))
        if kind == QuestionKind.SCALE:
            low, high = q.get("scale_min", 1), q.get("scale_max", 5)
            if not (isinstance(low, int) and isinstance(high, int) and low < high <= low + 10):
                raise ActionError(
                    _("Fråga %(n)s: skalan ska gå från ett lägre till ett högre heltal.")
                    % {"n": index},
                    code="invalid",
                    field=field,
                )
            row.update(
                scale_min=low,
                scale_max=high,
                min_label=str(q.get("min_label", "")),
                max_label=str(q.get("max_label", "")),
            )
        cleaned.append(row)
    return cleaned


@transaction.atomic
def save_questionnaire(
    user: User | None, key: str, definition: dict[str, Any]
) -> QuestionnaireVersion:
    """Create or change questionnaire `key` from `definition` (title, introduction, easy_read,
    questions). The current version is changed in place while no answer uses it; otherwise
    the change is a new version, and every earlier answer keeps its own."""
    if user is not None:
        _require_definer(user)
    if not SLUG.fullmatch(key):
        raise ActionError(
            _("Nyckeln får ha högst 60 små bokstäver, siffror och bindestreck."),
            code="invalid",
            field="key",
        )
    title = str(definition.get("title", "")).strip()
    if not title:
        raise ActionError(_("Enkäten behöver en rubrik."), code="required", field="title")
    if len(title) > 200:
        raise ActionError(_("Rubriken får vara högst 200 tecken."), code="too_long", field="title")
    questions = _questions(definition)
    questionnaire, _created = Questionnaire.objects.get_or_create(
        key=key, defaults={"name": str(definition.get("name") or title)}
    )
    current = questionnaire.current_version()
    fields = dict(
        title=title,
        introduction=str(definition.get("introduction", "")),
        easy_read=bool(definition.get("easy_read", False)),
    )
    if current is not None and not Response.objects.filter(version=current).exists():
        QuestionnaireVersion.objects.filter(pk=current.pk).update(**fields)
        current.questions.all().delete()
        version = current
    else:
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            number=(current.number + 1) if current else 1,
            created_by=user,
            **fields,
        )
    Question.objects.bulk_create(
        Question(version=version, position=index, **q) for index, q in enumerate(questions, 1)
    )
    version.refresh_from_db()
    return version


@transaction.atomic
def create_plan(
    user: User | None,
    *,
    name: str,
    questionnaire: Questionnaire,
    baseline_start: dt.date,
    baseline_end: dt.date,
    easy_read_questionnaire: Questionnaire | None = None,
) -> MeasurementPlan:
    """A measurement plan: the baseline from `baseline_start` to `baseline_end` (included),
    then eight quarters. Plans may not overlap: an invitation belongs to one plan."""
    if user is not None:
        _require_definer(user)
    if not name.strip() or len(name) > 200:
        raise ActionError(
            _("Mätplanen behöver ett namn på högst 200 tecken."), code="invalid", field="name"
        )
    if baseline_end < baseline_start:
        raise ActionError(
            _("Baslinjen kan inte sluta före den börjar."), code="invalid", field="baseline_end"
        )
    plan = MeasurementPlan(
        name=name,
        questionnaire=questionnaire,
        easy_read_questionnaire=easy_read_questionnaire,
        baseline_start=baseline_start,
        baseline_end=baseline_end,
    )
    for other in MeasurementPlan.objects.all():
        if other.baseline_start <= plan.end() and baseline_start <= other.end():
            raise ActionError(
                _("Mätplanen överlappar %(name)s.") % {"name": other.name},
                code="overlap",
                field="baseline_start",
            )
    plan.save()
    return plan


def plan_on(day: dt.date) -> MeasurementPlan | None:
    """The measurement plan whose baseline or quarters include `day`."""
    for plan in MeasurementPlan.objects.filter(baseline_start__lte=day).order_by("-baseline_start"):
        if plan.period_of(day) is not None:
            return plan
    return None


# -- invitations -------------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def lane_pattern(episode) -> str:
    """The care lanes of the units taking part in `episode`, in the work description's
    order, joined by "+" (e.g. "inpatient+regional_primary_care")."""
    lanes = set(
        episode.parties.filter(removed_at__isnull=True).values_list("unit__lane", flat=True)
    )
    return "+".join(lane.value for lane in CARE_LANES if lane.value in lanes)


@dataclass
class IssuedInvitation:
    invitation: Invitation
    code: str  # shown once, on the printed invitation; only its hash is kept


def create_invitation(user: User, episode_id, *, request=None) -> IssuedInvitation:
    """A one-time code for the individual of episode `episode_id`, made by a care role at
    the episode's ward during a measurement period (the episode is loaded through the
    logging loader, outside the transaction, so a refused read stays logged). An earlier
    unused code for the episode stops working."""
    episode = get_episode_for_user(user, episode_id, action="survey.invite", request=request)
    return _issue(user, episode)


@transaction.atomic
def _issue(user: User, episode) -> IssuedInvitation:
    if episode.ward_id not in care_unit_ids(user):
        raise ActionError(
            _("Inbjudan till enkäten lämnas av den vårdande avdelningen."), code="forbidden"
        )
    if episode.ended_at is not None and episode.discharged_at is None:
        raise ActionError(
            _("Vårdtillfället avslutades utan utskrivning: ingen enkät."), code="not_discharged"
        )
    today = timezone.localdate()
    plan = plan_on(today)
    period = plan.period_of(today) if plan is not None else None
    if plan is None or period is None:
        raise ActionError(
            _("Ingen mätperiod pågår i dag: inbjudan kan inte lämnas."),
            code="no_measurement_period",
        )
    individual = episode.individual
    protected = individual.protected_identity
    Invitation.objects.filter(episode=episode, opened_at__isnull=True).delete()
    code = new_code()
    invitation = Invitation.objects.create(
        plan=plan,
        period=period,
        # A protected identity's home is never kept, not even as an area.
        area=None if protected else individual.residence_area,
        municipality=None if protected else individual.municipality,
        lane_pattern=lane_pattern(episode),
        age_band=age_band(individual.birth_date, today),
        episode=episode,
        ward=episode.ward,
        code_hash=hash_code(code),
        created_by=user,
        expires_at=timezone.now() + dt.timedelta(days=plan.code_valid_days),
    )
    return IssuedInvitation(invitation=invitation, code=code)


# -- answering ---------------------------------------------------------------------------------


def neutral_refusal() -> ActionError:
    """The one answer for an unknown, used or expired code: it tells a guesser nothing."""
    return ActionError(
        _(
            "Koden fungerar inte. Kontrollera att du skrivit av den rätt. En kod kan bara "
            "användas för ett svar och gäller en begränsad tid."
        ),
        code="invalid_code",
        field="code",
    )


def _attempts_key(client: str) -> str:
    return f"surveys:code-attempts:{client}"


def check_rate(client: str) -> None:
    """Refuse a client (an address) that got too many codes wrong lately."""
    if cache.get(_attempts_key(client), 0) >= settings.SAMSYN_SURVEY_CODE_ATTEMPTS:
        raise ActionError(
            _("För många felaktiga försök. Vänta en kvart och försök igen."),
            code="rate_limited",
            field="code",
        )


def _count_failure(client: str) -> None:
    key = _attempts_key(client)
    timeout = settings.SAMSYN_SURVEY_CODE_WINDOW_MINUTES * 60
    if not cache.add(key, 1, timeout):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout)


def open_response(code_text: str, *, client: str, channel: str = Channel.WEB) -> Response:
    """The answer that `code_text` opens: a new one at the code's first use (the invitation
    then forgets its episode), the paused one afterwards. Refused alike when the code is
    unknown, already answered or expired; refusals count towards the client's limit."""
    check_rate(client)
    try:
        return _open(normalise_code(code_text), channel)
    except ActionError:
        _count_failure(client)
        raise


@transaction.atomic
def _open(code: str, channel: str) -> Response:
    invitation = (
        Invitation.objects.select_for_update().filter(code_hash=hash_code(code)).first()
        if len(code) == CODE_LENGTH
        else None
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        raise neutral_refusal()
    if invitation.opened_at is not None:
        if invitation.response is None or invitation.response.submitted_at is not None:
            raise neutral_refusal()
        return invitation.response
    plan = invitation.plan
    version = plan.questionnaire.current_version()
    assert version is not None
    response = Response.objects.create(
        plan=plan,
        period=invitation.period,
        area=invitation.area,
        municipality=invitation.municipality,
        lane_pattern=invitation.lane_pattern,
        age_band=invitation.age_band,
        version=version,
        channel=channel,
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        opened_at=timezone.now(), episode=None, response=response
    )
    return response


def switch_version(response: Response, easy_read: bool) -> Response:
    """Answer the plan's easy-read questionnaire instead (or back), while nothing is saved."""
    plan = response.plan
    questionnaire = plan.easy_read_questionnaire if easy_read else plan.questionnaire
    if questionnaire is None or response.submitted_at or response.answers.exists():
        return response
    version = questionnaire.current_version()
    if version is not None:
        Response.objects.filter(pk=response.pk).update(version=version)
        response.version = version
    return response


def _parse(question: Question, raw: str) -> tuple[int | None, str]:
    raw = (raw or "").strip()
    if question.kind == QuestionKind.TEXT:
        if len(raw) > TEXT_LIMIT:
            raise ActionError(
                _("Svaret får vara högst %(n)s tecken.") % {"n": TEXT_LIMIT},
                code="too_long",
                field=question.key,
            )
        return None, raw
    if raw == "":
        return None, ""
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or value not in question.scale():
        raise ActionError(
            _("Välj ett av svarsalternativen %(low)s–%(high)s.")
            % {"low": question.scale_min, "high": question.scale_max},
            code="out_of_scale",
            field=question.key,
        )
    return value, ""


@transaction.atomic
def save_answers(
    response: Response,
    values: dict[str, str],
    *,
    respondent: str = "",
    submit: bool = False,
) -> Response:
    """Keep the answers given in `values` (question key -> text); with `submit`, the answer is
    done: every required question answered and who answered said. Nothing is kept when one
    value is refused."""
    response = Response.objects.select_for_update().get(pk=response.pk)
    if response.submitted_at is not None:
        raise neutral_refusal()
    if respondent and respondent not in Respondent.values:
        raise ActionError(_("Välj vem som svarar."), code="invalid", field="respondent")
    questions = list(response.version.questions.all())
    parsed = {q.key: _parse(q, values[q.key]) for q in questions if q.key in values}
    for question in questions:
        if question.key not in parsed:
            continue
        value, text = parsed[question.key]
        if value is None and not text:
            Answer.objects.filter(response=response, question=question).delete()
        else:
            Answer.objects.update_or_create(
                response=response, question=question, defaults={"value": value, "text": text}
            )
    if respondent:
        response.respondent = respondent
    if submit:
        if not response.respondent:
            raise ActionError(
                _("Svara på frågan om vem som fyller i enkäten."),
                code="required",
                field="respondent",
            )
        answered = set(
            Answer.objects.filter(response=response).values_list("question__key", flat=True)
        )
        for question in questions:
            if question.required and question.key not in answered:
                raise ActionError(
                    _("Den här frågan behöver ett svar."), code="required", field=question.key
                )
        response.submitted_at = timezone.now()
        # The paused answer's last tie to an invitation (and so to a ward and a time) goes.
        Invitation.objects.filter(response=response).update(response=None)
    response.save(update_fields=["respondent", "submitted_at"])
    return response


def may_enter_paper(user: User) -> bool:
    """Staff with a care role, process leaders and administrators type in paper answers."""
    return bool(user.is_authenticated and (care_unit_ids(user) or may_define(user)))


def enter_paper_answer(
    user: User,
    code_text: str,
    values: dict[str, str],
    *,
    respondent: str,
    client: str,
) -> Response:
    """A paper answer typed in by staff from the printed form's code: the same checks as a
    web answer, in one transaction, marked as entered from paper."""
    if not may_enter_paper(user):
        raise ActionError(_("Pappersenkäter matas in av personal."), code="forbidden")
    with transaction.atomic():
        response = open_response(code_text, client=client, channel=Channel.PAPER)
        Response.objects.filter(pk=response.pk).update(channel=Channel.PAPER)
        return save_answers(response, values, respondent=respondent, submit=True)
