"""Put a user on a plan from the command line, for operators: `manage.py set_plan EMAIL PLAN`.

The change goes through the same service as admin, in one transaction, and is kept in the
user's plan history with the operating-system account that ran the command as the reason.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from careers import services
from careers.models import Plan, User


class Command(BaseCommand):
    help = "Change a user's plan (free, basic or premium). The change is kept in the plan history."

    def add_arguments(self, parser):
        parser.add_argument("email", help="The email address the user logs in with.")
        parser.add_argument(
            "plan",
            help=f"The new plan: {', '.join(Plan.values)}.",
        )

    def handle(self, *args, email, plan, **options):
        plan_value = plan.strip().lower()
        if plan_value not in Plan.values:
            raise CommandError(f"Unknown plan {plan!r}. Choose one of: {', '.join(Plan.values)}.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user has the email address {email!r}.")
        old = user.get_plan_display()
        try:
            operator = getpass.getuser()
        except (KeyError, OSError):
            operator = "unknown account"
        try:
            changed = services.change_plan(
                user=user,
                plan=plan_value,
                reason=f"set_plan command run by {operator}: {old} to {Plan(plan_value).label}",
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        if not changed:
            self.stdout.write(f"{user.email} is already on {old}; nothing changed.")
            return
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(f"{user.email}: {old} -> {Plan(plan_value).label}.")
            )
