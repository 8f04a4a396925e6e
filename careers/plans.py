from careers.models import Plan


def viewer_plan(user) -> Plan:
    """The plan whose entitlements apply to this viewer; visitors who are not logged in get Free."""
    if getattr(user, "is_authenticated", False):
        return Plan(user.plan)
    return Plan.FREE
