from django.core.validators import RegexValidator
from django.db import models
from django.db.models import OuterRef, Prefetch, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

soc_code_validator = RegexValidator(
    r"^\d{2}-\d{4}$", "Enter a SOC code in the form NN-NNNN, for example 29-2072."
)


class SocLevel(models.TextChoices):
    """Where an SOC code sits in the Standard Occupational Classification (BLS's O_GROUP)."""

    TOTAL = "total", "All occupations"
    MAJOR = "major", "Major group"
    MINOR = "minor", "Minor group"
    BROAD = "broad", "Broad occupation"
    DETAILED = "detailed", "Detailed occupation"


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
        ]

    def __str__(self):
        return f"{self.title} ({self.soc_code})" if self.soc_code else self.title

    def get_absolute_url(self):
        return reverse("occupations:detail", kwargs={"slug": self.slug})

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
