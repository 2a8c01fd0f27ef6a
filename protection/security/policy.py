"""Enforces protection.access.VIEW_POLICY on every request, before the view runs."""

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseForbidden, HttpResponseNotFound
from django.template import loader

from protection import access


class ViewPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:
            return None
        verdict = access.view_allowed(getattr(request, "user", None), match.view_name)
        if verdict is True:
            return None
        if verdict == "login":
            return redirect_to_login(request.get_full_path())
        if getattr(request.user, "role", None) in access.PORTAL_ONLY_ROLES:
            # A portal user learns nothing about the rest of the app: not found, not forbidden,
            # and no header naming the page (the tests read the mark left on the request).
            request.policy_denied = match.view_name
            return HttpResponseNotFound(loader.render_to_string("404.html", request=request))
        response = HttpResponseForbidden(loader.render_to_string("403.html", request=request))
        response["X-Policy-Denied"] = match.view_name
        return response
