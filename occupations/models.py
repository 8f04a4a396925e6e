from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Prefetch, Q
from django.db.models.functions import Left
from django.urls import reverse
from simple_history.models import HistoricalRecords

soc_code_validator = RegexValidator(
    r"^\d{2}-\d{4}$", "Enter a SOC code in the form NN-NNNN, for example 29-2072."
)
onet_code_validator = RegexValidator(
    r"^\d{2}-\d{4}\.\d{2}$", "Enter an O*NET-SOC code in the form NN-NNNN.NN, e.g. 29-2072.00."
)


class SocLevel(models.TextChoices):
    """Where an SOC code sits in the Standard Occupational Classification (BLS's O_GROUP)."""

    TOTAL = "total", "All occupations"
    MAJOR = "major", "Major group"
    MINOR = "minor", "Minor group"
    BROAD = "broad", "Broad occupation"
    DETAILED = "detailed", "Detailed occupation"


# The SOC levels that are groups of occupations, each shown on its major group's browse page.
GROUP_LEVELS = (SocLevel.MAJOR, SocLevel.MINOR, SocLevel.BROAD)


def soc_group_url(soc_code: str, level: str) -> str:
    """The one page of a SOC group: its major group's browse page, /occupations/groups/29-0000/,
    which lists the group's minor and broad groups and its occupations with filters; a minor or
    broad group is that page filtered to it (?group=29-2000#occupations). The group's slug
    address redirects here (careers.pages.views.occupation_page), so there is one page per
    group and every link points to it."""
    url = reverse("occupations:group", kwargs={"code": f"{soc_code[:2]}-0000"})
    if level == SocLevel.MAJOR:
        return url
    return f"{url}?group={soc_code}#occupations"


class OccupationQuerySet(models.QuerySet):
    def with_profile(self):
        """Written profiles only."""
        return self.filter(has_profile=True)

    def major_groups(self):
        return self.filter(level=SocLevel.MAJOR).order_by("soc_code")

    # Browse pages (occupations/browse.py).

    def within_group(self, code):
        """Occupations and groups whose SOC code falls under the group `code` (itself included).

        SOC codes nest by prefix: major 29-0000 holds 29-xxxx, minor 29-2000 holds 29-2xxx,
        broad 29-2050 holds 29-205x. The code says where everything belongs, whatever the
        parent links say.
        """
        return self.filter(soc_code__startswith=code.rstrip("0"))

    def with_occupation_count(self):
        """Annotate SOC groups with how many detailed occupations they hold (`occupation_count`)."""
        from django.db.models.functions import Coalesce

        inner = (
            Occupation.objects.filter(
                level=SocLevel.DETAILED,
                soc_code__startswith=models.Func(
                    models.OuterRef("soc_code"), models.Value("0"), function="rtrim"
                ),
            )
            .order_by()
            .values("level")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return self.annotate(occupation_count=Coalesce(models.Subquery(inner), 0))

    def for_profile_page(self):
        """Everything a profile's body shows, in a fixed number of queries.

        The alternatives are only known to exist here: which of them a viewer may see depends
        on the plan, and careers.pages.alternatives fetches only those.
        """
        has_alternatives = models.Exists(Alternative.objects.filter(occupation=OuterRef("pk")))
        return (
            self.select_related("parent", "parent__parent")
            .annotate(has_alternatives=has_alternatives)
            .prefetch_related(
                "alternate_titles",
                "responsibilities",
                "skills",
                "education_steps",
                Prefetch(
                    "occupation_certifications",
                    queryset=OccupationCertification.objects.select_related("certification"),
                ),
            )
        )


class Occupation(models.Model):
    """An occupation or SOC group, with or without a written profile.

    SOC rows come from BLS data (code, BLS title, level, parent group); most of them have no
    written profile. A written profile may also describe a role that has no SOC code of its own
    (for example Document Management Specialist).
    """

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    soc_code = models.CharField(
        "SOC code",
        max_length=7,
        unique=True,
        null=True,
        blank=True,
        validators=[soc_code_validator],
        help_text="Standard Occupational Classification code, NN-NNNN; empty if it has none.",
    )
    bls_title = models.CharField("BLS title", max_length=255, blank=True)
    level = models.CharField(max_length=16, choices=SocLevel.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The SOC group this occupation belongs to.",
    )

    # O*NET-SOC: NN-NNNN.00 is the SOC detailed occupation itself (this row has both codes);
    # NN-NNNN.01, .02, ... are O*NET specialties, rows of their own without a SOC code, whose
    # parent is the SOC occupation they belong to. Written by the O*NET import only.
    onet_code = models.CharField(
        "O*NET-SOC code",
        max_length=10,
        unique=True,
        null=True,
        blank=True,
        validators=[onet_code_validator],
        help_text="O*NET-SOC code, NN-NNNN.NN; empty if O*NET does not describe it.",
    )
    onet_title = models.CharField("O*NET title", max_length=255, blank=True)

    has_profile = models.BooleanField(
        "written profile",
        default=False,
        help_text="Show the written profile (summary, responsibilities, skills...) on the site.",
    )
    summary = models.TextField(blank=True, help_text="One or two sentences for lists and search.")
    overview = models.TextField(
        blank=True, help_text="What the job is. Paragraphs separated by a blank line."
    )
    education = models.TextField("education pathway", blank=True)
    outlook = models.TextField("career outlook: growth", blank=True)
    work_settings = models.TextField("career outlook: work settings", blank=True)
    advancement = models.TextField("career outlook: advancement paths", blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = OccupationQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(soc_code__isnull=True) | Q(soc_code__regex=r"^\d{2}-\d{4}$"),
                name="occupation_soc_code_format",
            ),
            models.CheckConstraint(
                condition=Q(soc_code__isnull=True, level="")
                | Q(soc_code__isnull=False) & ~Q(level=""),
                name="occupation_level_iff_soc_code",
            ),
            models.CheckConstraint(
                condition=Q(has_profile=False) | ~Q(summary=""),
                name="occupation_profile_has_summary",
            ),
            models.CheckConstraint(
                condition=Q(onet_code__isnull=True) | Q(onet_code__regex=r"^\d{2}-\d{4}\.\d{2}$"),
                name="occupation_onet_code_format",
            ),
            # NN-NNNN.00 is the SOC occupation NN-NNNN; a specialty has no SOC code of its own
            # (so the SOC code and level constraints above hold) and hangs under its SOC row.
            models.CheckConstraint(
                condition=Q(onet_code__isnull=True)
                | Q(onet_code__endswith=".00", soc_code=Left("onet_code", 7))
                | ~Q(onet_code__endswith=".00") & Q(soc_code__isnull=True, parent__isnull=False),
                name="occupation_onet_code_matches_soc_code",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.soc_code})" if self.soc_code else self.title

    def get_absolute_url(self):
        if self.level in GROUP_LEVELS and self.soc_code:
            return soc_group_url(self.soc_code, self.level)
        return reverse("occupations:detail", kwargs={"slug": self.slug})

    @property
    def is_soc_group(self) -> bool:
        """A major or minor group or a broad occupation: its page is the browse page."""
        return self.level in GROUP_LEVELS and bool(self.soc_code)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        # Blank in a form means "no SOC code"; the unique constraint allows many NULLs, not many "".
        if self.soc_code == "":
            self.soc_code = None


class AlternateTitle(models.Model):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternate_titles"
    )
    title = models.CharField(max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "title"], name="unique_alternate_title_per_occupation"
            ),
        ]

    def __str__(self):
        return self.title


class OrderedItem(models.Model):
    """An item of an ordered list on a profile; `position` sets the order."""

    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Responsibility(OrderedItem):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="responsibilities"
    )
    text = models.TextField()

    history = HistoricalRecords()

    class Meta(OrderedItem.Meta):
        verbose_name_plural = "responsibilities"

    def __str__(self):
        return self.text[:80]


class Skill(OrderedItem):
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta(OrderedItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "name"], name="unique_skill_per_occupation"
            ),
        ]

    def __str__(self):
        return self.name


class EducationStep(OrderedItem):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="education_steps"
    )
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    def __str__(self):
        return self.title


class Certification(models.Model):
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, unique=True)
    issuing_body = models.CharField(max_length=200)
    url = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["abbreviation"]

    def __str__(self):
        return f"{self.name} ({self.abbreviation})"

    def natural_key(self):
        return (self.abbreviation,)


class OccupationCertification(OrderedItem):
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="occupation_certifications"
    )
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="occupation_links"
    )
    note = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta(OrderedItem.Meta):
        verbose_name = "certification"
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "certification"], name="unique_certification_per_occupation"
            ),
        ]

    def __str__(self):
        return str(self.certification)


class Alternative(OrderedItem):
    """A role close to `occupation`, ordered by closeness (position 0 is the closest)."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternatives"
    )
    alternative = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="alternative_of"
    )
    shared_tasks = models.CharField(max_length=300, blank=True)
    shared_knowledge = models.CharField(max_length=300, blank=True)
    shared_environment = models.CharField("shared work environment", max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta(OrderedItem.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "alternative"], name="unique_alternative_per_occupation"
            ),
            models.CheckConstraint(
                condition=~Q(occupation=models.F("alternative")), name="alternative_not_itself"
            ),
            models.CheckConstraint(
                condition=~Q(shared_tasks="", shared_knowledge="", shared_environment=""),
                name="alternative_says_what_it_shares",
            ),
        ]

    def __str__(self):
        return f"{self.alternative} (for {self.occupation})"


# O*NET and BLS Employment Projections ---------------------------------------------------------
#
# Everything below is written only by the importers (occupations/onet.py, occupations/
# projections.py) from the publishers' files, never by editors: an import replaces what a file
# covers and leaves the editors' own fields and lists (summary, overview, AlternateTitle, ...)
# alone. None of these tables keeps a simple-history record: each is rebuilt from a published
# file, and DataPart says which file and release it came from.


class DataSource(models.TextChoices):
    ONET = "onet", "O*NET"
    BLS_PROJECTIONS = "bls-ep", "BLS Employment Projections"


class DataPart(models.Model):
    """One file of a published data set as last loaded: which release it came from and its
    digest, so pages can name the release of each section and a re-run with the same file can
    skip it."""

    source = models.CharField(max_length=10, choices=DataSource.choices)
    part = models.CharField(max_length=100, help_text="The publisher's name for the file.")
    release = models.CharField(max_length=20, help_text="For example 30.1, or 2024-34.")
    released = models.DateField(help_text="The first day of the release's month.")
    file = models.CharField(max_length=300, help_text="Where it was read from.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the file as read.")
    rows = models.PositiveIntegerField()
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["source", "part"]
        constraints = [
            models.UniqueConstraint(fields=["source", "part"], name="unique_data_part"),
            models.CheckConstraint(
                condition=Q(digest__regex=r"^[0-9a-f]{64}$"), name="data_part_digest_sha256"
            ),
        ]

    def __str__(self):
        return f"{self.part} ({self.label})"

    @property
    def label(self) -> str:
        """For example O*NET 30.1 (December 2025), or BLS Employment Projections 2024-34
        (released 2025): BLS's files give the year of publication only."""
        if self.source == DataSource.ONET:
            return f"{self.get_source_display()} {self.release} ({self.released:%B %Y})"
        return f"{self.get_source_display()} {self.release} (released {self.released:%Y})"

    def natural_key(self):
        return (self.source, self.part)


class OnetDescription(models.Model):
    """O*NET's description of an occupation (Occupation Data, column Description): O*NET's
    own sentences, imported from a download, never committed to the repository."""

    occupation = models.OneToOneField(
        Occupation, on_delete=models.CASCADE, primary_key=True, related_name="onet_description"
    )
    text = models.TextField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="onet_description_not_empty"),
        ]

    def __str__(self):
        return self.text[:80]


class OnetTaskType(models.TextChoices):
    CORE = "core", "Core"
    SUPPLEMENTAL = "supplemental", "Supplemental"
    # O*NET's "n/a": a task not yet rated as core or supplemental.
    UNRATED = "", "Not rated"


class OnetTask(models.Model):
    """A task statement (Task Statements): O*NET's sentence, imported, never committed."""

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="onet_tasks")
    task_id = models.PositiveIntegerField(unique=True)
    text = models.TextField()
    type = models.CharField(max_length=12, choices=OnetTaskType.choices, blank=True)

    class Meta:
        ordering = ["occupation", "task_id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="onet_task_not_empty"),
            models.CheckConstraint(
                condition=Q(type__in=OnetTaskType.values), name="onet_task_type_valid"
            ),
        ]

    def __str__(self):
        return self.text[:80]


class OnetTitleKind(models.TextChoices):
    ALTERNATE = "alternate", "O*NET alternate title"
    REPORTED = "reported", "O*NET sample of reported titles"


# The full-text expression of the GIN index on OnetTitle (migration 0006): a search must use
# exactly this expression for PostgreSQL to use the index.
ONET_TITLE_DOCUMENT = "(to_tsvector('english'::regconfig, title || ' ' || short_title))"


class OnetTitle(models.Model):
    """A title people use for the occupation: O*NET's Alternate Titles and Sample of Reported
    Titles, one row per line of either file (every reported title is also an alternate one).

    A table of their own, not AlternateTitle rows: editors own AlternateTitle (the profile
    files, admin, its history), the import owns these ~64,000, and neither can overwrite the
    other's. One GIN index covers all of them.
    """

    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="onet_titles")
    kind = models.CharField(max_length=10, choices=OnetTitleKind.choices)
    title = models.CharField(max_length=200)
    short_title = models.CharField(max_length=100, blank=True, help_text="For example RN.")
    sources = models.CharField(
        max_length=40, blank=True, help_text="O*NET's Source(s) codes, e.g. 02,04 (alternate)."
    )
    shown_in_my_next_move = models.BooleanField(default=False)

    class Meta:
        ordering = ["occupation", "kind", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "kind", "title"], name="unique_onet_title_per_occupation"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=OnetTitleKind.values), name="onet_title_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="onet_title_not_empty"),
        ]

    def __str__(self):
        return self.title


class RelatednessTier(models.TextChoices):
    """O*NET's Relatedness Tier, closest first."""

    PRIMARY_SHORT = "primary-short", "Primary-Short"
    PRIMARY_LONG = "primary-long", "Primary-Long"
    SUPPLEMENTAL = "supplemental", "Supplemental"


class OnetRelated(models.Model):
    """O*NET's Related Occupations: `index` 1-20 is O*NET's order (tier, then closeness)."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_related"
    )
    related = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_related_of"
    )
    tier = models.CharField(max_length=16, choices=RelatednessTier.choices)
    index = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["occupation", "index"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "related"], name="unique_onet_related_per_occupation"
            ),
            # Deferrable: a re-ordering import swaps indexes within one statement.
            models.UniqueConstraint(
                fields=["occupation", "index"],
                name="unique_onet_related_index",
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.CheckConstraint(
                condition=Q(index__gte=1, index__lte=20), name="onet_related_index_1_to_20"
            ),
            models.CheckConstraint(
                condition=Q(tier__in=RelatednessTier.values), name="onet_related_tier_valid"
            ),
            models.CheckConstraint(
                condition=~Q(occupation=models.F("related")), name="onet_related_not_itself"
            ),
        ]

    def __str__(self):
        return f"{self.related} ({self.get_tier_display()} {self.index}, for {self.occupation})"


class OnetJobZone(models.Model):
    """O*NET's Job Zone, 1 (little preparation) to 5 (extensive); what each means is written
    in our own words where pages show it."""

    occupation = models.OneToOneField(
        Occupation, on_delete=models.CASCADE, primary_key=True, related_name="onet_job_zone"
    )
    zone = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__gte=1, zone__lte=5), name="onet_job_zone_1_to_5"
            ),
        ]

    def __str__(self):
        return f"Job Zone {self.zone}"


class EducationScale(models.TextChoices):
    """The category scales of O*NET's Education, Training, and Experience."""

    REQUIRED_EDUCATION = "RL", "Required level of education"
    WORK_EXPERIENCE = "RW", "Related work experience"
    ON_SITE_TRAINING = "PT", "On-site or in-plant training"
    ON_THE_JOB_TRAINING = "OJ", "On-the-job training"


class OnetEducationCategory(models.Model):
    """A category of one of those scales. The label is O*NET's category name only (the part
    before " - "); the rest of O*NET's category description is a definition and not kept."""

    scale = models.CharField(max_length=2, choices=EducationScale.choices)
    category = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["scale", "category"]
        verbose_name_plural = "O*NET education categories"
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "category"], name="unique_onet_education_category"
            ),
            models.CheckConstraint(
                condition=Q(scale__in=EducationScale.values), name="onet_education_category_scale"
            ),
        ]

    def __str__(self):
        return self.label


class OnetEducation(models.Model):
    """The share of respondents (percent) who put the occupation in a category of a scale:
    RL Required Level of Education 1-12, RW work experience, PT and OJ training."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_education"
    )
    scale = models.CharField(max_length=2, choices=EducationScale.choices)
    category = models.PositiveSmallIntegerField()
    percent = models.DecimalField(max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["occupation", "scale", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "scale", "category"], name="unique_onet_education"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="onet_education_percent"
            ),
            models.CheckConstraint(
                condition=Q(scale__in=EducationScale.values), name="onet_education_scale"
            ),
        ]

    def __str__(self):
        return f"{self.scale} {self.category}: {self.percent}%"


class OnetTechnology(models.Model):
    """An example of technology used on the job (Technology Skills), with its UNSPSC
    commodity and O*NET's Hot Technology and In Demand flags."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_technologies"
    )
    example = models.CharField(max_length=200)
    commodity_code = models.PositiveIntegerField()
    commodity_title = models.CharField(max_length=200)
    hot = models.BooleanField("hot technology")
    in_demand = models.BooleanField()

    class Meta:
        ordering = ["occupation", "-hot", "-in_demand", "example"]
        verbose_name_plural = "O*NET technologies"
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "example"], name="unique_onet_technology_per_occupation"
            ),
        ]

    def __str__(self):
        return self.example


class Riasec(models.TextChoices):
    """Holland's six interest types, in O*NET's order (elements 1.B.1.a to 1.B.1.f)."""

    REALISTIC = "R", "Realistic"
    INVESTIGATIVE = "I", "Investigative"
    ARTISTIC = "A", "Artistic"
    SOCIAL = "S", "Social"
    ENTERPRISING = "E", "Enterprising"
    CONVENTIONAL = "C", "Conventional"


class OnetInterest(models.Model):
    """An occupation's score on one RIASEC interest (O*NET's OI scale, 1-7), and its place
    among the occupation's high-point interests (IH: 1 first, 2 second, 3 third) if it is one."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_interests"
    )
    interest = models.CharField(max_length=1, choices=Riasec.choices)
    score = models.DecimalField(max_digits=3, decimal_places=2)
    high_point = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["occupation", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "interest"], name="unique_onet_interest_per_occupation"
            ),
            models.UniqueConstraint(
                fields=["occupation", "high_point"],
                name="unique_onet_interest_high_point",
                deferrable=models.Deferrable.IMMEDIATE,
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=7), name="onet_interest_score_1_to_7"
            ),
            models.CheckConstraint(
                condition=Q(high_point__isnull=True) | Q(high_point__gte=1, high_point__lte=3),
                name="onet_interest_high_point_1_to_3",
            ),
            models.CheckConstraint(
                condition=Q(interest__in=Riasec.values), name="onet_interest_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_interest_display()} {self.score}"


class RatingDomain(models.TextChoices):
    SKILL = "skill", "Skills"
    KNOWLEDGE = "knowledge", "Knowledge"


class OnetRating(models.Model):
    """How important a skill or knowledge element is for the occupation (IM, 1-5) and the
    level it needs (LV, 0-7). Element names are O*NET's labels; their descriptions are not
    kept."""

    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="onet_ratings"
    )
    domain = models.CharField(max_length=10, choices=RatingDomain.choices)
    element_id = models.CharField(max_length=20)
    element_name = models.CharField(max_length=150)
    importance = models.DecimalField(max_digits=3, decimal_places=2)
    level = models.DecimalField(max_digits=3, decimal_places=2)
    level_not_relevant = models.BooleanField(
        default=False, help_text="O*NET marks the level not relevant (importance too low)."
    )

    class Meta:
        ordering = ["occupation", "domain", "-importance", "element_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occupation", "domain", "element_id"], name="unique_onet_rating"
            ),
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=5),
                name="onet_rating_importance_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(level__gte=0, level__lte=7), name="onet_rating_level_0_to_7"
            ),
            models.CheckConstraint(
                condition=Q(domain__in=RatingDomain.values), name="onet_rating_domain_valid"
            ),
        ]
        indexes = [
            models.Index(
                "occupation", "domain", models.F("importance").desc(), name="onet_rating_top"
            ),
        ]

    def __str__(self):
        return f"{self.element_name}: importance {self.importance}, level {self.level}"


class EntryEducation(models.TextChoices):
    """BLS's typical education needed for entry (Employment Projections categories)."""

    DOCTORAL = "doctoral", "Doctoral or professional degree"
    MASTERS = "masters", "Master's degree"
    BACHELORS = "bachelors", "Bachelor's degree"
    ASSOCIATES = "associates", "Associate's degree"
    POSTSECONDARY_NONDEGREE = "postsecondary-nondegree", "Postsecondary nondegree award"
    SOME_COLLEGE = "some-college", "Some college, no degree"
    HIGH_SCHOOL = "high-school", "High school diploma or equivalent"
    NONE = "none", "No formal educational credential"
    # BLS's "—": not applicable (the all-occupations row).
    NOT_APPLICABLE = "", "Not applicable"


class WorkExperience(models.TextChoices):
    """BLS's work experience in a related occupation."""

    FIVE_YEARS_OR_MORE = "5-years-or-more", "5 years or more"
    LESS_THAN_FIVE_YEARS = "less-than-5-years", "Less than 5 years"
    NONE = "none", "None"
    NOT_APPLICABLE = "", "Not applicable"


class OnTheJobTraining(models.TextChoices):
    """BLS's typical on-the-job training needed to attain competency."""

    INTERNSHIP = "internship-residency", "Internship/residency"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship"
    LONG_TERM = "long-term", "Long-term on-the-job training"
    MODERATE_TERM = "moderate-term", "Moderate-term on-the-job training"
    SHORT_TERM = "short-term", "Short-term on-the-job training"
    NONE = "none", "None"
    NOT_APPLICABLE = "", "Not applicable"


class WageStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    # BLS writes ">=$239,200": at least that much, no upper bound known.
    TOP_CODED = "top-coded", "Top-coded"
    # BLS's "—".
    NOT_AVAILABLE = "not-available", "Not available"


class ProjectionRelease(models.Model):
    """An edition of BLS's Employment Projections, e.g. 2024-34, released 2025."""

    base_year = models.PositiveSmallIntegerField(unique=True)
    target_year = models.PositiveSmallIntegerField()
    published_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-base_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year=models.F("base_year") + 10),
                name="projection_release_ten_years",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return f"{self.base_year}-{self.target_year % 100:02d}"

    @property
    def citation(self) -> str:
        return (
            f"Source: U.S. Bureau of Labor Statistics, Employment Projections program, {self.name}."
        )

    def natural_key(self):
        return (self.base_year,)


class Projection(models.Model):
    """One line item of Table 1.2 (and the all-occupations row, 00-0000), figures exactly as
    BLS gives them: employment and openings in thousands, one decimal."""

    release = models.ForeignKey(
        ProjectionRelease, on_delete=models.CASCADE, related_name="projections"
    )
    code = models.CharField("National Employment Matrix code", max_length=7)
    title = models.CharField("National Employment Matrix title", max_length=300)
    employment_base = models.DecimalField(max_digits=9, decimal_places=1)
    employment_target = models.DecimalField(max_digits=9, decimal_places=1)
    change = models.DecimalField(max_digits=9, decimal_places=1)
    change_percent = models.DecimalField(max_digits=5, decimal_places=1)
    self_employed_percent = models.DecimalField(
        max_digits=4, decimal_places=1, null=True, blank=True
    )
    openings = models.DecimalField("annual average openings", max_digits=8, decimal_places=1)
    median_wage = models.PositiveIntegerField(null=True, blank=True)
    median_wage_status = models.CharField(max_length=16, choices=WageStatus.choices)
    education = models.CharField(max_length=24, choices=EntryEducation.choices, blank=True)
    work_experience = models.CharField(max_length=20, choices=WorkExperience.choices, blank=True)
    training = models.CharField(max_length=24, choices=OnTheJobTraining.choices, blank=True)

    class Meta:
        ordering = ["release", "code"]
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="unique_projection_code"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^\d{2}-\d{4}$"), name="projection_code_format"
            ),
            models.CheckConstraint(
                condition=Q(employment_base__gte=0, employment_target__gte=0, openings__gte=0),
                name="projection_figures_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(median_wage_status="available", median_wage__isnull=False)
                | ~Q(median_wage_status="available") & Q(median_wage__isnull=True),
                name="projection_median_wage_iff_available",
            ),
            models.CheckConstraint(
                condition=Q(median_wage_status__in=WageStatus.values),
                name="projection_median_wage_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(education__in=EntryEducation.values)
                & Q(work_experience__in=WorkExperience.values)
                & Q(training__in=OnTheJobTraining.values),
                name="projection_categories_valid",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.code}, {self.release})"


class ProjectionCoverage(models.Model):
    """Which occupation a projection stands for. A line item with the occupation's own SOC
    code covers that occupation; an Employment Matrix aggregate (29-2010 for 29-2011 and
    29-2012, ...) covers each SOC occupation it combines, `aggregate` saying so, so pages label
    the figures as the aggregate's."""

    release = models.ForeignKey(
        ProjectionRelease, on_delete=models.CASCADE, related_name="coverage"
    )
    projection = models.ForeignKey(Projection, on_delete=models.CASCADE, related_name="coverage")
    occupation = models.ForeignKey(
        Occupation, on_delete=models.CASCADE, related_name="projection_coverage"
    )
    aggregate = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["release", "occupation"], name="unique_projection_per_occupation"
            ),
        ]

    def __str__(self):
        return f"{self.occupation} from {self.projection}"
