"""Units (a tree of Party organisations), cadres doing inspection work, and their positions."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from .reference_data import COMMUNE_LEVEL
from .vnsort import name_sort_key


class UnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    BODY = "body", _("Body under the province")
    COMMUNE = "commune", _("Commune (grassroots)")
    WARD = "ward", _("Ward (grassroots)")
    AGENCY = "agency", _("Agency (grassroots)")
    ENTERPRISE = "enterprise", _("Enterprise (grassroots)")
    CELL = "cell", _("Party cell")


GRASSROOTS_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.AGENCY, UnitKind.ENTERPRISE)
# The full-time deputy chair rule, as the source document words it (Chương trình hành động thực hiện
# Kết luận 34-KL/TW, mục III.4.1(3)): "bố trí phó chủ nhiệm chuyên trách tại ủy ban kiểm tra đảng ủy
# cơ sở xã, phường, thị trấn, những tổ chức cơ sở đảng trong cơ quan và doanh nghiệp có từ 300 đảng
# viên trở lên theo Quy định số 22-QĐ/TW, ngày 28/7/2021 của Ban Chấp hành Trung ương". Every commune
# or ward committee (since 01/07/2025 the commune-level committees, special zones included) needs one
# whatever its size; an agency's or an enterprise's grassroots committee from 300 members. The
# commune-level committees are bodies (kind "body") on the commune level (reference_data.COMMUNE_LEVEL).
FULLTIME_DEPUTY_THRESHOLD = 300
FULLTIME_DEPUTY_ALWAYS_KINDS = (UnitKind.COMMUNE, UnitKind.WARD)
FULLTIME_DEPUTY_ALWAYS_LEVELS = (COMMUNE_LEVEL,)
FULLTIME_DEPUTY_FROM_300_KINDS = (UnitKind.AGENCY, UnitKind.ENTERPRISE)
FULLTIME_DEPUTY_RULE = _(
    "Every commune, ward or special-zone Party committee, and every agency or enterprise grassroots committee "
    "with 300 party members or more, has a full-time deputy chair of its inspection committee."
)
FULLTIME_DEPUTY_BASIS = (
    "Chương trình hành động thực hiện Kết luận 34-KL/TW, mục III.4.1(3); Quy định số 22-QĐ/TW ngày 28/7/2021"
)


class UnitLevel(models.Model):
    """A level of the unit tree as data: levels change (the district level ended in 2025)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=120)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("0 = province, larger = lower"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["rank", "valid_from"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self):
        return self.name

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Unit(MP_Node):
    """A Party organisation. Closed or merged units stay in the tree so history keeps pointing at them."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    level = models.ForeignKey(
        UnitLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="units", null=True, blank=True
    )
    party_member_count = models.PositiveIntegerField(_("party members"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_units",
    )
    # The changes feed (lms.rest): the last time the row was saved (a move also stamps it).
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind", "is_active"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_grassroots(self) -> bool:
        return self.kind in GRASSROOTS_KINDS

    @property
    def needs_fulltime_deputy_threshold(self) -> bool:
        """The full-time deputy chair rule (FULLTIME_DEPUTY_RULE) names this unit."""
        if self.kind in FULLTIME_DEPUTY_ALWAYS_KINDS:
            return True
        if self.kind == UnitKind.BODY and self.level_id and self.level.code in FULLTIME_DEPUTY_ALWAYS_LEVELS:
            return True
        return self.kind in FULLTIME_DEPUTY_FROM_300_KINDS and self.party_member_count >= FULLTIME_DEPUTY_THRESHOLD


class UnitPlacement(models.Model):
    """Under which parent a unit sat over a span of days, from `valid_from` to `valid_to` (inclusive;
    empty = open; no parent = a root). A move or a merge closes the unit's placement the day before
    and opens a new one, so figures for a past date place every unit under the parent it had on
    that date (see targets.figures). The tree itself (treebeard paths) shows only today."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="placements", verbose_name=_("unit"))
    parent = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="+", null=True, blank=True, verbose_name=_("parent unit")
    )
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_to = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "valid_from", "id"]
        verbose_name = _("unit placement")
        verbose_name_plural = _("unit placements")
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self):
        return f"{self.unit_id} under {self.parent_id} ({self.valid_from or ''}–{self.valid_to or ''})"


class Position(models.Model):
    """A position in an inspection committee or its office, kept as data."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_committee_member = models.BooleanField(_("member of the inspection committee"), default=True)
    is_fulltime = models.BooleanField(_("full-time"), default=False)
    is_deputy_chair = models.BooleanField(_("deputy chair"), default=False)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.name


class PositionGroup(models.Model):
    """A named group of positions a target can count by (e.g. the key cadres: Party committee
    secretaries and deputy secretaries), kept as data so an administrator can change its members."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=120)
    positions = models.ManyToManyField(Position, verbose_name=_("positions"), related_name="groups", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("position group")
        verbose_name_plural = _("position groups")

    def __str__(self):
        return self.name


class Grade(models.TextChoices):
    NONE = "", _("No grade")
    INSPECTOR = "ktv", _("Inspector")
    PRINCIPAL = "ktvc", _("Principal inspector")
    SENIOR = "ktvcc", _("Senior inspector")


class TheoryLevel(models.TextChoices):
    NONE = "", _("None")
    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    BACHELOR = "bachelor", _("Bachelor")


class Gender(models.TextChoices):
    MALE = "m", _("Male")
    FEMALE = "f", _("Female")


class CadreStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ROTATED = "rotated", _("Rotated")
    RETIRED = "retired", _("Retired")
    LEFT = "left", _("Left")


class Cadre(models.Model):
    """A person doing inspection work. `unit` and `position` are current; history is in PositionAssignment."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
    )
    code = models.CharField(_("code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    name_sort_key = models.CharField(max_length=255, editable=False, db_index=True, default="")
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="cadres")
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, related_name="cadres"
    )
    grade = models.CharField(_("grade"), max_length=8, choices=Grade.choices, blank=True)
    theory_level = models.CharField(
        _("political theory level"), max_length=16, choices=TheoryLevel.choices, blank=True
    )
    appointed_on = models.DateField(_("elected or appointed on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CadreStatus.choices, default=CadreStatus.ACTIVE)
    email = models.EmailField(_("email"), blank=True)
    # Set when the cadre's identity was erased (Decree 13/2023, organization.services.cadre_anonymize).
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name_sort_key", "code"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["position", "status"]),
                   models.Index(fields=["updated_at"], name="cadre_updated_idx")]

    def __str__(self):
        return f"{self.full_name} ({self.code})"

    def save(self, *args, **kwargs):
        self.name_sort_key = name_sort_key(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_sort_key"}
        super().save(*args, **kwargs)


class PositionAssignment(models.Model):
    """One dated holding of a position in a unit. Never overwritten: a change closes one and opens the next."""

    cadre = models.ForeignKey(Cadre, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("cadre"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("position")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    # Elected or appointed to the inspection committee for the first time (not re-elected): only
    # these count for the newly elected members' training target. Derived from the cadre's history
    # when the assignment is opened (no earlier committee position), editable in the admin.
    first_term = models.BooleanField(
        _("first term"), default=True,
        help_text=_("Elected or appointed to an inspection committee for the first time (not re-elected)."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The changes feed (lms.rest): closing an assignment (its end date) stamps it too.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["cadre", "start_date", "id"]
        verbose_name = _("position assignment")
        verbose_name_plural = _("position history")
        indexes = [models.Index(fields=["unit", "start_date", "end_date"])]

    def __str__(self):
        return f"{self.cadre} — {self.position} @ {self.unit.code} ({self.start_date}–{self.end_date or ''})"


class UserProfile(models.Model):
    """Which unit a staff user works for: a unit manager sees and edits that unit's subtree only."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ktlearn_profile", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="staff", verbose_name=_("unit")
    )

    class Meta:
        verbose_name = _("user profile")
        verbose_name_plural = _("user profiles")

    def __str__(self):
        return f"{self.user} @ {self.unit or '-'}"


class ImportUpload(models.Model):
    """An uploaded spreadsheet kept between the preview and the confirmation of an import.

    The file itself is stored (not the parsed rows) so the confirmation parses and validates it
    again against the database as it is then. `kind` names the import it was uploaded for, so a
    token only opens that import's preview. Deleted once confirmed; stale ones are pruned.
    """

    class Kind(models.TextChoices):
        CADRES = "cadres", _("cadres")
        ROTATIONS = "rotations", _("rotations")

    token = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CADRES)
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "organization_cadreimportupload"  # the table's name from before the rename
        verbose_name = _("import upload")
        verbose_name_plural = _("import uploads")

    def __str__(self):
        return self.filename



class OneTimePassword(models.Model):
    """A login whose password is still the one-time password printed on its slip.

    While the row exists, every page sends the user to the password change page
    (organization.middleware); choosing a new password deletes it. The password itself is never
    stored: only its hash, on the user (organization.hashers.OneTimePasswordHasher).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ktlearn_one_time_password",
        verbose_name=_("login"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )

    class Meta:
        verbose_name = _("one-time password")
        verbose_name_plural = _("one-time passwords")

    def __str__(self):
        return f"{self.user_id} @ {self.issued_at:%Y-%m-%d}"


class ApiAccess(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiClient(models.Model):
    """A system that calls the REST API (/api/v1/) with a bearer token: the sector's inspection
    database, the personnel records, the political school.

    The client sees and edits exactly what a unit manager of `unit` would: it acts through its own
    login (`user`, inactive so nobody can sign in with it, in the unit manager group with `unit` as
    its managed unit), so organization.selectors scope it like any manager. Only the token's SHA-256
    is stored; the token itself is shown once, when the client is created.
    """

    name = models.CharField(_("name"), max_length=120)
    unit = models.ForeignKey(Unit, verbose_name=_("unit subtree"), on_delete=models.PROTECT, related_name="+")
    access = models.CharField(_("access"), max_length=12, choices=ApiAccess.choices, default=ApiAccess.READ)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token starts with"), max_length=12, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ktlearn_api_client",
                                editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self):
        return self.name

    @property
    def can_write(self) -> bool:
        return self.access == ApiAccess.READ_WRITE

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)
