"""The service navigation and each role's home page: one list, filtered by the user's roles.

Each app adds its entries here, so the header only ever offers what the user may use.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from .constants import Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: tuple[Role, ...]


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "home", tuple(Role)),
    NavItem(
        "Dashboard",
        "scrutiny:dashboard",
        (Role.COMMITTEE_MEMBER, Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMISSIONER),
    ),
    NavItem("Referrals", "referrals:referral_list", (Role.OFFICER, Role.PERFORMANCE_LEAD)),
    NavItem("Provider returns", "referrals:import_list", (Role.OFFICER, Role.PERFORMANCE_LEAD)),
    NavItem(
        "Action tracker",
        "scrutiny:action_list",
        (Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMISSIONER, Role.COMMITTEE_MEMBER),
    ),
    NavItem("Committees", "scrutiny:committee_list", (Role.CLERK, Role.COMMITTEE_MEMBER)),
    NavItem(
        "Reports",
        "scrutiny:report_list",
        (Role.CLERK, Role.PERFORMANCE_LEAD, Role.COMMITTEE_MEMBER),
    ),
    NavItem("Annual return", "referrals:annual_return_list", (Role.PERFORMANCE_LEAD,)),
    NavItem("My actions", "scrutiny:my_actions", tuple(Role)),
    NavItem(
        "Delivery plan",
        "scrutiny:strategy_list",
        (Role.COMMISSIONER, Role.PERFORMANCE_LEAD, Role.COMMITTEE_MEMBER, Role.CLERK),
    ),
    # The review register is restricted; committee members and clerks get counts only.
    NavItem("Reviews", "scrutiny:review_list", (Role.PERFORMANCE_LEAD, Role.COMMISSIONER)),
    NavItem("Reviews summary", "scrutiny:review_summary", (Role.COMMITTEE_MEMBER, Role.CLERK)),
    NavItem("Commissioning", "commissioning:index", (Role.COMMISSIONER, Role.PERFORMANCE_LEAD)),
    NavItem("Funding", "commissioning:funding", (Role.COMMITTEE_MEMBER, Role.CLERK)),
    NavItem("Retention", "retention:index", (Role.PERFORMANCE_LEAD,)),
    NavItem("Admin", "admin:index", (Role.ADMIN,)),
    NavItem("Account", "account", tuple(Role)),
]

# Where each role starts. A user with several roles sees a start page listing each of them, and
# so does an admin, who may do everything: the app's own home, with the administration site one
# of its links (see `landing_url_for`).
ROLE_HOMES: dict[Role, str] = {
    Role.ADMIN: "admin:index",
    Role.COMMISSIONER: "commissioning:index",
    Role.CLERK: "scrutiny:action_list",
    Role.COMMITTEE_MEMBER: "scrutiny:dashboard",
    Role.OFFICER: "referrals:referral_list",
    Role.PERFORMANCE_LEAD: "referrals:import_list",
}


def nav_items_for(user) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not user.has_role(*item.roles):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url})
    return items


def home_url_for(role: Role) -> str | None:
    name = ROLE_HOMES.get(role)
    return reverse(name) if name else None


def start_roles_for(user) -> list[Role]:
    """The roles the start page offers: an admin's are all of them (an admin may do everything,
    and holds every role's pages); anyone else's are the ones they hold."""
    return list(Role) if Role.ADMIN in user.roles else user.roles


def landing_url_for(user) -> str | None:
    """Where the home page sends the user straight away: the home of their only role, if it has
    one; None to show the start page (several roles, no home, or an admin)."""
    roles = user.roles
    if len(roles) == 1 and roles[0] != Role.ADMIN:
        return home_url_for(roles[0])
    return None
