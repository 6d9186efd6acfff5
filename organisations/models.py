"""The organisation register: principals, areas, units, users and their memberships."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import PublicIdModel


class Lane(models.TextChoices):
    """The swimlanes of the work description: the four care lanes, and the individual's own.

    A unit works in one of the care lanes (`CARE_LANES`); the individual's lane holds what the
    person and their relatives do themselves, and no unit works in it.
    """

    INPATIENT = "inpatient", _("Slutenvård")
    REGIONAL_PRIMARY_CARE = "regional_primary_care", _("Regional primärvård")
    MUNICIPAL_HEALTH_CARE = "municipal_health_care", _("Kommunal hälso- och sjukvård")
    SOCIAL_SERVICES = "social_services", _("Socialtjänst")
    INDIVIDUAL = "individual", _("Den enskilde")


# The lanes a unit can work in, in the order of the work description.
CARE_LANES = (
    Lane.INPATIENT,
    Lane.REGIONAL_PRIMARY_CARE,
    Lane.MUNICIPAL_HEALTH_CARE,
    Lane.SOCIAL_SERVICES,
)
# The choices of a unit's `lane`: the care lanes only.
UNIT_LANES = [(lane.value, lane.label) for lane in CARE_LANES]


class PrincipalKind(models.TextChoices):
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Kommun")


class Principal(PublicIdModel):
    """A responsible authority (huvudman): the region or one municipality."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    kind = models.CharField(_("slag"), max_length=20, choices=PrincipalKind.choices)
    # SCB's four-digit municipality code, e.g. 1480 for Göteborg; blank for a region.
    code = models.CharField(_("kommunkod"), max_length=4, blank=True)
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("huvudman")
        verbose_name_plural = _("huvudmän")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Area(PublicIdModel):
    """A local collaboration area (NOSAM): a district of Göteborg or a whole municipality."""

    name = models.CharField(_("namn"), max_length=120, unique=True)
    municipality = models.ForeignKey(
        Principal,
        verbose_name=_("kommun"),
        on_delete=models.PROTECT,
        related_name="areas",
        limit_choices_to={"kind": "municipality"},
    )

    class Meta:
        verbose_name = _("samverkansområde")
        verbose_name_plural = _("samverkansområden")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    WARD = "ward", _("Vårdavdelning")
    HEALTH_CENTRE = "health_centre", _("Vårdcentral")
    PSYCHIATRIC_OUTPATIENT = "psychiatric_outpatient", _("Psykiatrisk öppenvård")
    HOME_HEALTH_CARE = "home_health_care", _("Hemsjukvård")
    NEEDS_ASSESSMENT = "needs_assessment", _("Biståndshandläggning")
    HOME_CARE = "home_care", _("Hemtjänst")
    OTHER = "other", _("Annan")


# Which lane a kind of unit works in; a unit's lane is stored, this only proposes it.
LANE_OF_KIND = {
    UnitKind.WARD: Lane.INPATIENT,
    UnitKind.HEALTH_CENTRE: Lane.REGIONAL_PRIMARY_CARE,
    UnitKind.PSYCHIATRIC_OUTPATIENT: Lane.REGIONAL_PRIMARY_CARE,
    UnitKind.HOME_HEALTH_CARE: Lane.MUNICIPAL_HEALTH_CARE,
    UnitKind.NEEDS_ASSESSMENT: Lane.SOCIAL_SERVICES,
    UnitKind.HOME_CARE: Lane.SOCIAL_SERVICES,
}


class Unit(PublicIdModel):
    """A unit (enhet): a ward, health centre, home health care or needs-assessment unit.

    Every unit has an inbox: the messages whose recipient it is.
    """

    name = models.CharField(_("namn"), max_length=160)
    principal = models.ForeignKey(
        Principal, on_delete=models.PROTECT, related_name="units", verbose_name=_("huvudman")
    )
    lane = models.CharField(_("simbana"), max_length=32, choices=UNIT_LANES)
    kind = models.CharField(
        _("slag av enhet"), max_length=32, choices=UnitKind.choices, default=UnitKind.OTHER
    )
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("område"),
    )
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)
    # Where the unit asks to be told that its inbox has received a message or that a deadline
    # nears (a shared mailbox, not a person's): the mail names no patient (jobs.notifications).
    notification_email = models.EmailField(_("E-post för aviseringar"), blank=True)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["principal", "name"], name="unit_name_per_principal")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    NURSE = "nurse", _("Sjuksköterska")
    PHYSICIAN = "physician", _("Läkare")
    NEEDS_ASSESSOR = "needs_assessor", _("Biståndshandläggare")
    COORDINATOR = "coordinator", _("Samordnare")
    THERAPIST = "therapist", _("Arbetsterapeut/fysioterapeut")
    MANAGER = "manager", _("Chef")
    PROCESS_LEADER = "process_leader", _("Processledare")
    ADMINISTRATOR = "administrator", _("Administratör")
    INTEGRATION = "integration", _("Systemanvändare")
    # Receives the deviations in collaboration reported to the unit (or, where a unit has none
    # of its own, to any unit of the principal): acknowledges, investigates, answers.
    DEVIATION_CONTACT = "deviation_contact", _("Avvikelsekontakt")


# Roles that work with individual episodes. Managers and process leaders follow statistics;
# administrators manage the register and review the access log; neither reads patient data
# by being a member.
CARE_ROLES = frozenset(
    {
        Role.NURSE,
        Role.PHYSICIAN,
        Role.NEEDS_ASSESSOR,
        Role.COORDINATOR,
        Role.THERAPIST,
        Role.INTEGRATION,
    }
)


class User(AbstractUser):
    hsa_id = models.CharField(_("HSA-id"), max_length=64, blank=True)
    title = models.CharField(_("titel"), max_length=120, blank=True)

    def active_memberships(self, on: dt.date | None = None):
        """This user's memberships in force on `on` (today), units included.

        Read once per user object and day: a request's user is made anew for each request, so
        the start page's dozen callers share one query (issue 17). The rows are kept until a
        membership or unit is saved or deleted anywhere in this process (`_register_changed`).
        Iterating, `len` and `bool` use the kept rows; a further `.filter()` or `.exists()` on
        a filtered copy reads the database, as a queryset does."""
        day = on or timezone.localdate()
        kept = self.__dict__.setdefault("_active_memberships", {})
        found = kept.get(day)
        if found is not None and found[0] == _register_generation[0]:
            return found[1]  # the same evaluated queryset: no query, and none built again
        queryset = (
            self.memberships.filter(valid_from__lte=day)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
            .filter(unit__is_active=True)
            .select_related("unit", "unit__principal")
        )
        if self.pk is None:
            return queryset
        list(queryset)  # evaluated once; iterating, len and bool use these rows
        kept[day] = (_register_generation[0], queryset)
        return queryset

    def has_role(self, *roles: str, on: dt.date | None = None) -> bool:
        """Whether one of this user's memberships in force has one of `roles`: from the rows
        `active_memberships` keeps, no query of its own (issue 17: the page header and the
        menus ask on every page)."""
        return any(m.role in roles for m in self.active_memberships(on))

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.has_role(Role.ADMINISTRATOR)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Membership(models.Model):
    """A user works at a unit in a role, from `valid_from` to `valid_to` (inclusive)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("användare")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("enhet")
    )
    role = models.CharField(_("roll"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("gäller från"), default=dt.date(2000, 1, 1))
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)

    class Meta:
        verbose_name = _("uppdrag")
        verbose_name_plural = _("uppdrag")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="one_membership_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A bearer token for a system user. Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("användare")
    )
    name = models.CharField(_("namn"), max_length=120)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    key_hash = models.CharField(_("nyckelns hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("spärrad"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def user_for_key(cls, key: str) -> User | None:
        """The active user whose unrevoked token `key` is (and the token's last use noted),
        or None: the one test of a bearer token, for the JSON API and the FHIR API alike."""
        row = (
            cls.objects.select_related("user")
            .filter(key_hash=cls.hash_key(key), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        cls.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        return row.user

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; returns it and the clear-text key, which is never stored."""
        key = "sam_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash_key(key))
        return token, key


# Bumped whenever a membership, unit or principal is saved or deleted in this process: the
# memberships a user object keeps (`User.active_memberships`) are then read again.
_register_generation = [0]


def _register_changed(**_kwargs) -> None:
    _register_generation[0] += 1


for _model in (Membership, Unit, Principal):
    models.signals.post_save.connect(_register_changed, sender=_model, weak=False)
    models.signals.post_delete.connect(_register_changed, sender=_model, weak=False)
