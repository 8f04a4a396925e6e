from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class Plan(models.TextChoices):
    FREE = "free", "Free"
    BASIC = "basic", "Basic"
    PREMIUM = "premium", "Premium"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Email addresses are stored lower-cased, so logging in ignores case.
        return self.get(**{self.model.USERNAME_FIELD: username.lower()})


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The email address is the login."""

    email = models.EmailField("email address", unique=True)
    plan = models.CharField(max_length=16, choices=Plan.choices, default=Plan.FREE)
    is_staff = models.BooleanField(
        default=False, help_text="Can log in to the admin site and edit profiles, plans and users."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    # Plan changes are kept with who made them and when.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__in=Plan.values), name="user_plan_is_known"
            ),
        ]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        return reverse("account")

    def save(self, *args, **kwargs):
        # A login only stamps last_login, which the history leaves out: recording a snapshot for
        # every login would bury the plan changes that staff read the history for.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= {"last_login"}:
            self.skip_history_when_saving = True
            try:
                return super().save(*args, **kwargs)
            finally:
                del self.skip_history_when_saving
        return super().save(*args, **kwargs)


class PlanOfferManager(models.Manager):
    def get_by_natural_key(self, plan):
        return self.get(plan=plan)


class PlanOffer(models.Model):
    """What a plan unlocks, editable by staff; a change takes effect on the next request."""

    plan = models.CharField(max_length=16, choices=Plan.choices, unique=True)
    name = models.CharField(max_length=40)
    tagline = models.CharField(max_length=200, blank=True)
    price = models.CharField(
        max_length=40, blank=True, help_text="As shown on the pricing page, e.g. '$9 a month'."
    )
    alternatives_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="How many alternative occupations a profile shows. Leave empty for all.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords()

    objects = PlanOfferManager()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(plan__in=Plan.values), name="planoffer_plan_is_known"
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.plan,)

    @property
    def unlocks_all_alternatives(self) -> bool:
        return self.alternatives_limit is None


class ContentStamp(models.Model):
    """A counter bumped by every write that changes what pages show (admin edits, imports).

    Rendered fragments are cached under keys that include the counter, so each gunicorn worker's
    local cache stops serving stale HTML on the next request after any change, without having to
    reach into other processes' caches.
    """

    key = models.CharField(max_length=40, unique=True)
    version = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.key} v{self.version}"


class UpgradeStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    GRANTED = "granted", "Granted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class UpgradeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=UpgradeStatus.PENDING)


class UpgradeRequest(models.Model):
    """A user's request for a higher plan, for staff to grant or decline (there is no payment)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="upgrade_requests")
    plan = models.CharField("requested plan", max_length=16, choices=Plan.choices)
    plan_at_request = models.CharField("plan when requested", max_length=16, choices=Plan.choices)
    status = models.CharField(
        max_length=16, choices=UpgradeStatus.choices, default=UpgradeStatus.PENDING
    )
    created_at = models.DateTimeField("requested at", default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff member who granted or declined the request.",
    )

    objects = UpgradeRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A second click or a second tab must not queue a second request.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="pending"),
                name="one_pending_upgrade_request_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(plan__in=[Plan.BASIC, Plan.PREMIUM]),
                name="upgrade_request_plan_is_paid",
            ),
            models.CheckConstraint(
                condition=models.Q(plan_at_request__in=Plan.values),
                name="upgrade_request_plan_at_request_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=UpgradeStatus.values),
                name="upgrade_request_status_is_known",
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending", decided_at__isnull=True)
                | (~models.Q(status="pending") & models.Q(decided_at__isnull=False)),
                name="upgrade_request_decided_iff_not_pending",
            ),
        ]

    def __str__(self):
        return f"{self.user} asks for {self.get_plan_display()}"


class PasswordResetRequest(models.Model):
    """One request for a password-reset email, kept a day so that how often links are mailed
    to one address, and how often one client asks, can be limited (careers.services)."""

    # A keyed digest, not the address: anybody may type any address into the form, and the
    # limit needs only to recognise the same one again.
    email_digest = models.CharField(max_length=64)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    mailed = models.BooleanField(help_text="False when the address had reached its limit.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "created_at"], name="reset_email_created_idx"),
            models.Index(fields=["client_ip", "created_at"], name="reset_client_created_idx"),
            models.Index(fields=["created_at"], name="reset_created_idx"),
        ]

    def __str__(self):
        return f"Password reset request at {self.created_at:%Y-%m-%d %H:%M}"


class SignupRequest(models.Model):
    """One sign-up form sent (careers.services.sign_up).

    Kept while its link may be used (PASSWORD_RESET_TIMEOUT), so that how often one address is
    mailed, and how often one client signs up, can be limited across every worker. The address
    itself is kept only for a request that mailed a link to create a new account, until the
    link is used; the limits need only recognise the same address or client again.
    """

    email_digest = models.CharField(max_length=64)
    client_digest = models.CharField(max_length=64, blank=True)
    email = models.EmailField(
        blank=True, help_text="Only while a link to create an account for it can be used."
    )
    next_url = models.CharField(
        max_length=200, blank=True, help_text="A page on this site to go to once signed up."
    )
    mailed = models.BooleanField(help_text="False when the address had reached its limit.")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_digest", "created_at"], name="signup_email_created_idx"),
            models.Index(fields=["client_digest", "created_at"], name="signup_client_created_idx"),
            models.Index(fields=["created_at"], name="signup_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_at__isnull=True) | models.Q(email=""),
                name="signup_request_forgets_the_address_once_used",
            ),
            models.CheckConstraint(
                condition=models.Q(mailed=True) | models.Q(email=""),
                name="signup_request_keeps_an_address_only_if_mailed",
            ),
        ]

    def __str__(self):
        return f"Sign-up request at {self.created_at:%Y-%m-%d %H:%M}"
