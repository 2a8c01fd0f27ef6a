from django.conf import settings

from . import access


def app(request):
    user = getattr(request, "user", None)
    return {
        "MECHANISM_NAME": settings.MECHANISM_NAME,
        "can": (lambda action: access.can(user, action)) if user else (lambda action: False),
        "user_role": getattr(user, "role", "") if user and user.is_authenticated else "",
    }
