"""What the account page says about a member's plan: the plan now and since when, every change
before it with who made it and why, and the upgrade requests with where each stands.

Read from the user's plan history (simple-history, written by services.change_plan with who and
why) and from the upgrade requests; two queries. Staff are named as staff, not by address: a
member learns that our staff changed the plan, not which colleague's account did it. The reasons
are the ones careers.services and the set_plan command record; one this module does not know is
worded as a change by staff, never shown raw.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.timezone import localdate, localtime

from careers.models import Plan, UpgradeRequest, UpgradeStatus
from careers.plans import decision_due

GRANTED = re.compile(r"^Upgrade request #(\d+) granted")


@dataclass(frozen=True)
class PlanEvent:
    """One entry of the plan history: the plan from `when` on."""

    when: datetime.datetime
    plan: str
    previous: str
    by: str
    reason: str


@dataclass(frozen=True)
class RequestLine:
    """One upgrade request as the member sees it."""

    plan: str
    asked_on: datetime.datetime
    status: str
    decided_on: datetime.datetime | None
    due: datetime.date | None
    overdue: bool

    @property
    def pending(self) -> bool:
        return self.status == UpgradeStatus.PENDING

    @property
    def summary(self) -> str:
        """Where the request stands: "granted on December 2, 2026"."""
        if self.pending:
            return f"waiting for our staff, who will decide by {date_format(self.due, 'F j, Y')}"
        decided = _day(self.decided_on) if self.decided_on else ""
        words = {
            UpgradeStatus.GRANTED: "granted",
            UpgradeStatus.DECLINED: "declined",
            UpgradeStatus.WITHDRAWN: "withdrawn by you",
        }.get(self.status, "closed")
        return f"{words} on {decided}" if decided else words


def _label(plan) -> str:
    try:
        return Plan(plan).label
    except ValueError:
        return str(plan)


def _day(moment) -> str:
    return date_format(localtime(moment), "F j, Y")


def _who(record, user) -> str:
    if record.history_user_id is None:
        return ""
    if record.history_user_id == user.pk:
        return "You"
    return "A member of our staff"


def _why(record, requests) -> tuple[str, str]:
    """(who, why) for a plan change, from what was recorded with it."""
    reason = record.history_change_reason or ""
    granted = GRANTED.match(reason)
    if granted:
        request = requests.get(int(granted.group(1)))
        if request is not None:
            asked = _day(request.created_at)
            return "", f"Your request for {_label(request.plan)} of {asked} was granted."
        return "", "An upgrade request was granted."
    if reason.startswith("set_plan command"):
        return "Our operators", "Set on the server, from the command line."
    if reason.endswith(" in admin"):
        return "", "Changed in the site's administration."
    return "", "No reason was recorded."


def plan_events(user, records, requests) -> list[PlanEvent]:
    """The plan history, newest first: the first record (the account's creation, or the oldest
    one kept) and every record whose plan differs from the one before. Other edits to the
    account (its address, its permissions) are not plan changes and are left out."""
    events = []
    previous = None
    for record in records:
        if previous is None:
            if record.history_type != "+":
                by, reason = "", "The oldest entry kept."
            elif record.history_user_id is None:
                # Signing up records no user (nobody is logged in yet); nor does a shell.
                by, reason = "", "Account created."
            else:
                by, reason = "A member of our staff", "Account created by our staff."
            events.append(PlanEvent(record.history_date, _label(record.plan), "", by, reason))
        elif record.plan != previous:
            who, why = _why(record, requests)
            events.append(
                PlanEvent(
                    record.history_date,
                    _label(record.plan),
                    _label(previous),
                    who or _who(record, user) or "Our staff",
                    why,
                )
            )
        previous = record.plan
    return events[::-1]


def request_lines(requests, *, today=None) -> list[RequestLine]:
    """Every upgrade request, newest first; a pending one with the day staff promise to decide
    it by, and whether that day has passed."""
    today = today or localdate()
    lines = []
    for request in requests:
        pending = request.status == UpgradeStatus.PENDING
        due = decision_due(request.created_at) if pending else None
        lines.append(
            RequestLine(
                plan=_label(request.plan),
                asked_on=request.created_at,
                status=request.status,
                decided_on=request.decided_at,
                due=due,
                overdue=bool(due and due < today),
            )
        )
    return lines


@dataclass(frozen=True)
class AccountPlan:
    current: PlanEvent | None
    events: list[PlanEvent]
    requests: list[RequestLine]
    pending: RequestLine | None


def account_plan(user) -> AccountPlan:
    """Everything the account page shows about the plan: two queries."""
    records = list(
        user.history.order_by("history_date", "history_id").only(
            "plan", "history_date", "history_type", "history_change_reason", "history_user_id"
        )
    )
    requests = list(UpgradeRequest.objects.filter(user=user).order_by("-created_at", "-id"))
    events = plan_events(user, records, {request.pk: request for request in requests})
    lines = request_lines(requests)
    current = events[0] if events else None
    if current is not None and current.plan != _label(user.plan):
        # The history was not kept for the latest change (a shell edit): say only what is true.
        current = None
    pending = next((line for line in lines if line.pending), None)
    return AccountPlan(current, events, lines, pending)
