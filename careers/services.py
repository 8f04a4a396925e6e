"""Writes to accounts and plans: plan changes, upgrade requests, password-reset requests.

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
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac

from careers.models import (
    PasswordResetRequest,
    Plan,
    PlanOffer,
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
