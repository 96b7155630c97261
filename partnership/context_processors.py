from django.conf import settings

from .navigation import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    items = nav_items_for(user) if user is not None and user.is_authenticated else []
    for item in items:
        item["current"] = request.path == item["url"] or (
            item["url"] != "/" and request.path.startswith(item["url"])
        )
    return {
        "nav_items": items,
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
    }
