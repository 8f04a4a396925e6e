"""`manage.py set_plan EMAIL PLAN` for operators."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from careers.management.commands.set_plan import Command
from careers.models import Plan, UpgradeRequest, UpgradeStatus, User


@pytest.fixture
def member(db):
    return User.objects.create_user("member@example.com", "x")


def set_plan(*args):
    out = StringIO()
    call_command("set_plan", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_changes_the_plan_and_records_it_in_the_history(member):
    rows = member.history.count()

    output = set_plan("Member@Example.com", "premium")

    assert "member@example.com: Free -> Premium." in output
    member.refresh_from_db()
    assert member.plan == Plan.PREMIUM
    assert member.history.count() == rows + 1
    change = member.history.first()
    assert change.plan == Plan.PREMIUM
    assert change.history_change_reason.startswith("set_plan command run by ")
    assert change.history_change_reason.endswith(": Free to Premium")


def test_the_plan_name_is_read_in_any_case(member):
    set_plan("member@example.com", "BASIC")

    member.refresh_from_db()
    assert member.plan == Plan.BASIC


def test_the_same_plan_again_changes_nothing(member):
    rows = member.history.count()

    output = set_plan("member@example.com", "free")

    assert "already on Free; nothing changed" in output
    assert member.history.count() == rows


def test_an_unknown_email_is_a_clear_error(member):
    with pytest.raises(
        CommandError, match=re.escape("No user has the email address 'nobody@example.com'")
    ):
        set_plan("nobody@example.com", "basic")


def test_an_unknown_plan_is_a_clear_error_and_changes_nothing(member):
    with pytest.raises(
        CommandError, match=re.escape("Unknown plan 'gold'. Choose one of: free, basic")
    ):
        set_plan("member@example.com", "gold")

    member.refresh_from_db()
    assert member.plan == Plan.FREE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.com", "basic"], "No user has the email address"),
        (["member@example.com", "gold"], "Unknown plan"),
    ],
)
def test_errors_exit_non_zero_from_the_command_line(member, capsys, args, message):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "set_plan", *args])

    assert exit_info.value.code != 0
    assert message in capsys.readouterr().err


def test_a_missing_argument_exits_non_zero(member, capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "set_plan", "member@example.com"])

    assert exit_info.value.code != 0


def test_it_settles_a_pending_request_it_answers(member):
    request = UpgradeRequest.objects.create(user=member, plan=Plan.BASIC, plan_at_request=Plan.FREE)

    set_plan("member@example.com", "basic")

    request.refresh_from_db()
    assert request.status == UpgradeStatus.GRANTED
    assert request.decided_by is None
