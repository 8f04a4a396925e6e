"""Writes to accounts and plans: sign-ups, plan changes, upgrade requests, password-reset
requests.

Each function is one transaction. Those that change a plan or an upgrade request lock the user's
row first, so that two staff members (or a staff member and the set_plan command) acting on the
same person at once are applied one after the other, and the plan history records both.
"""

import json
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from pathlib import Path

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from careers.models import (
    PasswordResetRequest,
    Plan,
    PlanOffer,
    SignupRequest,
    UpgradeRequest,
    UpgradeStatus,
    User,
)
from careers.plans import plan_rank


def _locked(user) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _locked_if_pending(upgrade_request) -> UpgradeRequest | None:
    return (
        UpgradeRequest.objects.select_for_update()
        .filter(pk=upgrade_request.pk, status=UpgradeStatus.PENDING)
        .first()
    )


def _close(request: UpgradeRequest, *, status, decided_by) -> None:
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = decided_by
    request.full_clean()
    request.save()
    if status in (UpgradeStatus.GRANTED, UpgradeStatus.DECLINED):
        # Only once the decision is committed: a rolled-back grant must not be announced. And
        # robust: a mail server that is down is logged, it does not turn the decision into an
        # error page after the fact.
        pk = request.pk

        def mail_upgrade_decision():  # a named function: Django logs a failure by its name
            _mail_decision(pk)

        transaction.on_commit(mail_upgrade_decision, robust=True)


def _mail_decision(request_pk: int) -> None:
    """Tell the member what staff decided about their upgrade request."""
    request = UpgradeRequest.objects.select_related("user").get(pk=request_pk)
    context = {"request": request, "user": request.user}
    template = f"careers/email/upgrade_{request.status}"
    subject = render_to_string(f"{template}_subject.txt", context)
    body = render_to_string(f"{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [request.user.email])


def _settle_pending_request(*, user, decided_by) -> UpgradeRequest | None:
    """Mark the user's pending request granted once their plan meets or passes it."""
    pending = UpgradeRequest.objects.pending().filter(user=user).first()
    if pending is None or plan_rank(user.plan) < plan_rank(pending.plan):
        return None
    _close(pending, status=UpgradeStatus.GRANTED, decided_by=decided_by)
    return pending


@transaction.atomic
def change_plan(*, user, plan, changed_by=None, reason: str = "") -> bool:
    """Put `user` on `plan`, recorded in the plan history with who and why.

    Returns False, and records nothing, when the user is already on that plan. A pending upgrade
    request that the new plan satisfies is marked granted.
    """
    plan = Plan(plan)
    locked = _locked(user)
    if locked.plan == plan:
        return False
    old = locked.get_plan_display()
    locked.plan = plan
    locked.full_clean(exclude=["password"])
    # simple-history reads these two attributes when it writes the historical row.
    locked._history_user = changed_by
    locked._change_reason = (reason or f"Plan changed from {old} to {plan.label}")[:100]
    locked.save(update_fields=["plan"])
    _settle_pending_request(user=locked, decided_by=changed_by)
    user.plan = locked.plan
    return True


class RequestOutcome(Enum):
    CREATED = "created"
    ALREADY_PENDING = "already pending"
    CHANGED = "changed"


@dataclass(frozen=True)
class UpgradeRequestResult:
    request: UpgradeRequest
    outcome: RequestOutcome
    previous_plan: Plan | None = None


@transaction.atomic
def request_upgrade(*, user, plan) -> UpgradeRequestResult:
    """Record that `user` would like `plan`, for staff to act on.

    One request is pending at a time: asking again for the same plan changes nothing, asking for
    another plan changes the pending request. Raises ValidationError unless `plan` is above the
    user's current plan.
    """
    try:
        plan = Plan(plan)
    except ValueError:
        raise ValidationError("Choose Basic or Premium.", code="unknown_plan") from None
    locked = _locked(user)
    if plan_rank(plan) <= plan_rank(locked.plan):
        raise ValidationError(
            "You already have %(current)s, which includes everything in %(plan)s.",
            code="not_an_upgrade",
            params={"current": locked.get_plan_display(), "plan": plan.label},
        )
    pending = UpgradeRequest.objects.pending().filter(user=locked).first()
    if pending is not None and pending.plan == plan:
        return UpgradeRequestResult(pending, RequestOutcome.ALREADY_PENDING)
    if pending is not None:
        previous = Plan(pending.plan)
        pending.plan = plan
        pending.full_clean()
        pending.save(update_fields=["plan"])
        return UpgradeRequestResult(pending, RequestOutcome.CHANGED, previous)
    created = UpgradeRequest(user=locked, plan=plan, plan_at_request=locked.plan)
    created.full_clean()
    created.save()
    return UpgradeRequestResult(created, RequestOutcome.CREATED)


@transaction.atomic
def withdraw_upgrade_request(*, user) -> bool:
    """The user no longer wants their pending upgrade. False when nothing was pending."""
    locked = _locked(user)
    pending = UpgradeRequest.objects.select_for_update().pending().filter(user=locked).first()
    if pending is None:
        return False
    _close(pending, status=UpgradeStatus.WITHDRAWN, decided_by=None)
    return True


@transaction.atomic
def grant_upgrade_request(*, upgrade_request, granted_by) -> bool:
    """Give the user the plan they asked for. False when the request is no longer pending."""
    pending = _locked_if_pending(upgrade_request)
    if pending is None:
        return False
    locked = _locked(pending.user)
    if plan_rank(locked.plan) < plan_rank(pending.plan):
        change_plan(
            user=locked,
            plan=pending.plan,
            changed_by=granted_by,
            reason=f"Upgrade request #{pending.pk} granted",
        )
    # change_plan settled it already unless the user had the plan anyway; settle it here then.
    pending.refresh_from_db()
    if pending.status == UpgradeStatus.PENDING:
        _close(pending, status=UpgradeStatus.GRANTED, decided_by=granted_by)
    return True


@transaction.atomic
def decline_upgrade_request(*, upgrade_request, declined_by) -> bool:
    """Close the request without changing the plan. False when it is no longer pending."""
    pending = _locked_if_pending(upgrade_request)
    if pending is None:
        return False
    _close(pending, status=UpgradeStatus.DECLINED, decided_by=declined_by)
    return True


PLANS_FIXTURE = settings.BASE_DIR / "fixtures" / "plans.json"


@transaction.atomic
def ensure_plan_offers(*, path=PLANS_FIXTURE) -> int:
    """Create the plan offers that `path` describes and the database lacks; return how many.

    Unlike `loaddata plans`, rows that exist are left as they are, so re-running the site's
    data load on a deploy keeps the names, prices and limits staff have edited in admin.
    """
    created = 0
    for entry in json.loads(Path(path).read_text(encoding="utf-8")):
        fields = dict(entry["fields"])
        plan = fields.pop("plan")
        if PlanOffer.objects.filter(plan=plan).exists():
            continue
        offer = PlanOffer(plan=plan, **fields)
        offer.full_clean()
        offer.save()
        created += 1
    return created


# Password-reset mail: a link is valid for days (PASSWORD_RESET_TIMEOUT), so a few an hour serve
# anybody who lost one, while a script cannot use the form to flood an inbox or our mail relay.
RESET_WINDOW = timedelta(hours=1)
RESET_MAILS_PER_ADDRESS = 3
# Per client address, counting every request: generous, since an office or a school shares one.
RESET_REQUESTS_PER_CLIENT = 20
RESET_RECORDS_KEPT = timedelta(days=1)


class ResetDecision(Enum):
    MAIL = "mail"
    ADDRESS_AT_LIMIT = "address at limit"  # answered as if mailed: the form reveals nothing
    CLIENT_AT_LIMIT = "client at limit"  # refused, with a message


def _email_digest(email: str) -> str:
    return salted_hmac("careers.password-reset", email.strip().lower()).hexdigest()


def admit_password_reset(*, email: str, client_ip: str | None) -> ResetDecision:
    """Decide whether a reset link may be mailed to `email` now, and record the request."""
    now = timezone.now()
    since = now - RESET_WINDOW
    digest = _email_digest(email)
    with transaction.atomic():
        PasswordResetRequest.objects.filter(created_at__lt=now - RESET_RECORDS_KEPT).delete()
        recent = PasswordResetRequest.objects.filter(created_at__gte=since)
        if client_ip and recent.filter(client_ip=client_ip).count() >= RESET_REQUESTS_PER_CLIENT:
            return ResetDecision.CLIENT_AT_LIMIT
        mailed = recent.filter(email_digest=digest, mailed=True).count()
        admitted = mailed < RESET_MAILS_PER_ADDRESS
        PasswordResetRequest.objects.create(
            email_digest=digest, client_ip=client_ip, mailed=admitted, created_at=now
        )
    return ResetDecision.MAIL if admitted else ResetDecision.ADDRESS_AT_LIMIT


# Sign-up. The form answers alike whether or not the address has an account, so that it tells no
# more than logging in does: a new address is mailed a link to choose a password and create the
# account, an address with an account is mailed a note to its owner. Limits of the same kind as
# the reset's: a few mails an hour per address (answered alike, nothing mailed) and a generous
# number of sign-ups an hour per client (refused with a message).
SIGNUP_WINDOW = timedelta(hours=1)
SIGNUP_MAILS_PER_ADDRESS = 3
SIGNUPS_PER_CLIENT = 20
# A link works as long as a password-reset link does; its record is kept that long.
SIGNUP_RECORDS_KEPT = timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


class SignupDecision(Enum):
    LINK_MAILED = "link mailed"
    OWNER_TOLD = "owner told"  # the address has an account: its owner is told, nothing changes
    ADDRESS_AT_LIMIT = "address at limit"  # answered as if mailed
    CLIENT_AT_LIMIT = "client at limit"  # refused, with a message


class SignupTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens, for a sign-up request: signed with SECRET_KEY, valid for
    PASSWORD_RESET_TIMEOUT, and only until the request is used (the hash covers used_at)."""

    key_salt = "careers.services.SignupTokenGenerator"

    def _make_hash_value(self, signup_request, timestamp):
        return (
            f"{signup_request.pk}{signup_request.email}{signup_request.used_at}"
            f"{signup_request.created_at.timestamp()}{timestamp}"
        )


signup_tokens = SignupTokenGenerator()


def _digest(purpose: str, value: str) -> str:
    return salted_hmac(f"careers.signup.{purpose}", value).hexdigest()


def _send(template: str, to: str, context: dict) -> None:
    subject = render_to_string(f"careers/email/{template}_subject.txt", context)
    body = render_to_string(f"careers/email/{template}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [to])


def sign_up(
    *, email: str, client_ip: str | None, site_url: str, next_url: str = ""
) -> SignupDecision:
    """Answer a sign-up for `email` (already normalised, lower-case): mail a link to create the
    account, or tell the address's owner that someone tried; record the request.

    `site_url` ('https://careers.example.com') starts the links in the mail; `next_url` is a
    page of this site, already checked, to go to once the account exists.
    """
    now = timezone.now()
    since = now - SIGNUP_WINDOW
    if len(next_url) > SignupRequest._meta.get_field("next_url").max_length:
        next_url = ""  # a convenience only: the account page will do
    email_digest = _digest("email", email)
    client_digest = _digest("client", client_ip) if client_ip else ""
    with transaction.atomic():
        SignupRequest.objects.filter(created_at__lt=now - SIGNUP_RECORDS_KEPT).delete()
        recent = SignupRequest.objects.filter(created_at__gte=since)
        if client_digest and (
            recent.filter(client_digest=client_digest).count() >= SIGNUPS_PER_CLIENT
        ):
            return SignupDecision.CLIENT_AT_LIMIT
        mailed = recent.filter(email_digest=email_digest, mailed=True).count()
        if mailed >= SIGNUP_MAILS_PER_ADDRESS:
            decision = SignupDecision.ADDRESS_AT_LIMIT
        elif User.objects.filter(email=email).exists():
            decision = SignupDecision.OWNER_TOLD
        else:
            decision = SignupDecision.LINK_MAILED
        record = SignupRequest(
            email_digest=email_digest,
            client_digest=client_digest,
            email=email if decision is SignupDecision.LINK_MAILED else "",
            next_url=next_url if decision is SignupDecision.LINK_MAILED else "",
            mailed=decision is not SignupDecision.ADDRESS_AT_LIMIT,
            created_at=now,
        )
        record.full_clean()
        record.save()
        if decision is SignupDecision.LINK_MAILED:
            link = site_url + reverse(
                "signup_confirm",
                kwargs={
                    "uidb64": urlsafe_base64_encode(force_bytes(record.pk)),
                    "token": signup_tokens.make_token(record),
                },
            )
            context = {"email": email, "link": link}

            def mail_signup_link():  # a named function: Django logs a failure by its name
                _send("signup_link", email, context)

            transaction.on_commit(mail_signup_link, robust=True)
        elif decision is SignupDecision.OWNER_TOLD:
            context = {
                "email": email,
                "login_link": site_url + reverse("login"),
                "reset_link": site_url + reverse("password_reset"),
            }

            def mail_signup_notice():
                _send("signup_taken", email, context)

            transaction.on_commit(mail_signup_notice, robust=True)
    return decision


def signup_request_for_link(*, uidb64: str, token: str) -> SignupRequest | None:
    """The unused sign-up request a mailed link names, or None when the link is forged, used
    or out of date."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError, OverflowError):
        return None
    signup_request = (
        SignupRequest.objects.filter(pk=pk, used_at__isnull=True).exclude(email="").first()
    )
    if signup_request is None or not signup_tokens.check_token(signup_request, token):
        return None
    return signup_request


class ActivationOutcome(Enum):
    CREATED = "created"
    LINK_USED = "link used"  # by another request just now (a double click)
    ADDRESS_TAKEN = "address taken"  # another link, or staff, created the account meanwhile


@dataclass(frozen=True)
class ActivationResult:
    outcome: ActivationOutcome
    user: User | None = None


@transaction.atomic
def activate_signup(*, signup_request, password: str) -> ActivationResult:
    """Create the Free account a sign-up request's link was mailed for, with `password`
    (validated by the caller). The request is used up, and forgets the address, either way."""
    locked = SignupRequest.objects.select_for_update().get(pk=signup_request.pk)
    if locked.used_at is not None:
        return ActivationResult(ActivationOutcome.LINK_USED)
    email = locked.email
    locked.email = ""
    locked.used_at = timezone.now()
    locked.save(update_fields=["email", "used_at"])
    try:
        # A savepoint: the unique email, not a check beforehand, decides between two links
        # used at once, so the loser rolls back to here and the request stays used.
        with transaction.atomic():
            user = User(email=email, plan=Plan.FREE)
            user.set_password(password)
            user.full_clean(validate_unique=False)
            user.save()
    except IntegrityError:
        return ActivationResult(ActivationOutcome.ADDRESS_TAKEN)
    return ActivationResult(ActivationOutcome.CREATED, user)
