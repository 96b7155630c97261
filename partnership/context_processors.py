from django.conf import settings

from .navigation import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    items = nav_items_for(user) if user is not None and user.is_authenticated else []
    # The current item is the one whose URL is the longest start of the path, so that
    # /referrals/imports/ is "Provider returns", not "Referrals" as well.
    matching = [
        item["url"]
        for item in items
        if request.path == item["url"]
        or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    current = max(matching, key=len, default=None)
    for item in items:
        item["current"] = item["url"] == current
    return {
        "nav_items": items,
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
