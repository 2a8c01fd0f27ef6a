"""Help pages: a short page per role and the glossary (the words are in glossary.py)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from measures.models import ImplementingAuthority
from protection import access
from protection.models import Role

from .glossary import ACRONYMS, GENERIC_HELP, GLOSSARY, ROLE_HELP


def _links(entries, user):
    """The role's starting points that this user can open (no link to a page that refuses)."""
    out = []
    for name, text in entries:
        if access.view_allowed(user, name) is not True:
            continue
        try:
            out.append({"url": reverse(name), "text": text})
        except NoReverseMatch:
            continue
    return out


@login_required
def help_page(request, role=None):
    """What a role does here and where to start; the user's own role unless another is named."""
    code = role or request.user.role
    try:
        role = Role(code)
    except ValueError:
        raise Http404 from None
    summary, entries = ROLE_HELP.get(role, (GENERIC_HELP, []))
    own = role == request.user.role
    return render(
        request,
        "help/role.html",
        {
            "role": role,
            "summary": summary,
            "links": _links(entries, request.user) if own else [],
            "own": own,
            "roles": [r for r in Role if r != role],
        },
    )


@login_required
def glossary(request):
    authorities = ImplementingAuthority.objects.filter(active=True).exclude(short_name="")
    return render(
        request,
        "help/glossary.html",
        {
            "terms": GLOSSARY,
            "acronyms": sorted(ACRONYMS.items()),
            "authorities": authorities.order_by("short_name").only("name", "short_name"),
        },
    )
