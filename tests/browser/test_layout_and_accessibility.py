"""Every page a role can reach from the navigation, at a laptop's width and a phone's: nothing
makes the document wider than the screen, and axe-core finds no serious or critical problem.

The pages are discovered, not listed: starting at the home page, the walk follows the links in
every navigation landmark (the header, the Board's tabs, a case's sections) and the first row of
every table (the first case, the first session, ...), two steps deep, one page per kind of page
(URL name) and role. It runs on the demo data (seed_demo), so it sees what a person trying the
demo sees. One browser context per role, logged in once; each page is loaded once at 1366x900
(axe runs there) and checked again at 1280x800 (the header still fits, its sections in view) and
at 390x844 (sections behind a menu button, tables as cards) after a resize. On the home page the
header's menus are opened at both widths and axe checks them open, since axe skips hidden content.

axe-core runs through axe-playwright-python, which evaluates axe's source in the page through the
DevTools protocol: the page keeps the Content-Security-Policy it has in production (no
bypass_csp, no script tag added), so a fix that only works with a looser policy would fail here.
"""

import time
from io import StringIO
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import Resolver404, resolve

from cases.management.commands.seed_demo import DEMO_PASSWORD, DEMO_USERNAMES
from protection.models import User

from .conftest import _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

DESKTOP = {"width": 1366, "height": 900}
NARROW_LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_DEPTH = 2
# The walk stays small enough to run in CI with the full suite (about a minute on an idle
# machine): one page per URL name and role. More pages than this means discovery has gone wrong.
MAX_PAGES_PER_ROLE = 40

# Links the walk collects on a page: every navigation landmark, and the first row of every table.
LINKS_JS = """() => {
  const hrefs = [];
  const add = (a) => { if (a.href) hrefs.push(a.href); };
  document.querySelectorAll('nav a[href]').forEach(add);
  document.querySelectorAll('table > tbody > tr:first-child a[href]').forEach(add);
  return hrefs;
}"""

# How far the document is wider than the window, and the outermost elements that stick out.
OVERFLOW_JS = """() => {
  const root = document.documentElement;
  const over = root.scrollWidth - root.clientWidth;
  if (over <= 0) return null;
  const edge = root.clientWidth + 1;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + Array.from(el.classList).slice(0, 3).join('.') : '');
  const culprits = [];
  for (const el of document.body.querySelectorAll('*')) {
    const right = el.getBoundingClientRect().right;
    const parent = el.parentElement;
    if (right > edge && (!parent || parent.getBoundingClientRect().right <= edge)) {
      culprits.push(name(el) + ' to ' + Math.round(right) + 'px');
    }
  }
  return root.scrollWidth + 'px wide: ' + culprits.slice(0, 6).join(', ');
}"""


@pytest.fixture
def demo_users(transactional_db):
    """One demo user per role (the demo has two analysts; one walks)."""
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    one_per_role = {}
    for name in DEMO_USERNAMES:
        one_per_role.setdefault(users[name].role, users[name])
    return list(one_per_role.values())


def _view_name(url, origin):
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    if parts.path.startswith(("/static/", "/media/")):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    # The Django admin is one link in the menu: its index page is checked, not the whole admin.
    if match.namespace == "admin" and match.url_name != "index":
        return None
    return match.view_name


# Besides every serious or critical violation, two rules the usability review named: empty table
# headers ("minor" to axe) and a page without a heading ("moderate").
ALSO_ENFORCED = {"empty-table-header", "page-has-heading-one"}
AXE_SECONDS = []


def _axe_violations(axe, page, context=None):
    started = time.monotonic()
    results = axe.run(page, context=context)
    AXE_SECONDS.append(time.monotonic() - started)
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in ("serious", "critical") and violation["id"] not in (
            ALSO_ENFORCED
        ):
            continue
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:4])
        lines.append(
            f"axe {violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): "
            f"{targets}"
        )
    return lines


def _axe_header(axe, page, where):
    return [f"{where}: {line}" for line in _axe_violations(axe, page, context="header")]


def _open_menus_at_1280(page, axe, where):
    """The bar is open (no menu button) and its menus pass axe once opened."""
    problems = []
    if not page.locator("#main-nav").is_visible():
        return [f"{where} at 1280px: the menu is collapsed behind a button"]
    security = page.locator("#main-nav").get_by_role("button", name="Seguridad")
    if security.count():
        security.click()
        problems += _axe_header(axe, page, f"{where} at 1280px, Seguridad menu open")
        page.keyboard.press("Escape")
    page.locator("#user-menu").click()
    if not page.get_by_label("Idioma").is_visible():
        problems.append(f"{where} at 1280px: the user menu has no language choice")
    problems += _axe_header(axe, page, f"{where} at 1280px, user menu open")
    page.keyboard.press("Escape")
    return problems


def _open_menus_at_390(page, axe, where):
    """The menu hides behind its button; opened, it and the user menu fit and pass axe."""
    toggler = page.get_by_role("button", name="Mostrar menú")
    if page.locator("#main-nav").is_visible() or not toggler.is_visible():
        return [f"{where} at 390px: the menu is not behind a menu button"]
    toggler.click()
    page.locator("#main-nav.show").wait_for()
    page.locator("#user-menu").click()
    problems = _axe_header(axe, page, f"{where} at 390px, menus open")
    overflow = page.evaluate(OVERFLOW_JS)
    if overflow:
        problems.append(f"{where} at 390px, menus open: {overflow}")
    page.reload()
    return problems


def _walk(page, live_server, axe, role):
    """Visit every page `role` reaches from the navigation; return the problems found."""
    origin = live_server.url
    problems = []
    visited = set()
    queue = [(f"{origin}/", 0)]
    while queue:
        url, depth = queue.pop(0)
        view_name = _view_name(url, origin)
        if view_name is None or view_name in visited:
            continue
        visited.add(view_name)
        assert len(visited) <= MAX_PAGES_PER_ROLE, f"{role}: more than {MAX_PAGES_PER_ROLE} pages"
        page.set_viewport_size(DESKTOP)
        try:
            page.goto(url)
        except Exception as error:  # a download (PDF, spreadsheet) is not a page
            if "Download is starting" in str(error):
                continue
            raise
        where = f"{role} {urlsplit(page.url).path} ({view_name})"
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            problems.append(f"{where} at 1366px: {overflow}")
        problems.extend(f"{where}: {line}" for line in _axe_violations(axe, page))
        page.set_viewport_size(NARROW_LAPTOP)
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            problems.append(f"{where} at 1280px: {overflow}")
        if view_name == "home":
            problems.extend(_open_menus_at_1280(page, axe, where))
        page.set_viewport_size(PHONE)
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow:
            problems.append(f"{where} at 390px: {overflow}")
        if view_name == "home":
            problems.extend(_open_menus_at_390(page, axe, where))
        if depth < MAX_DEPTH:
            queue.extend((href.split("#")[0], depth + 1) for href in page.evaluate(LINKS_JS))
    return visited, problems


def _sign_in_page(browser, live_server, axe):
    """The one page everybody sees before any role: the sign-in form, at both widths."""
    context = browser.new_context(locale="es-MX", viewport=DESKTOP)
    page = context.new_page()
    problems = []
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        where = "anonymous /accounts/login/"
        problems += [f"{where}: {line}" for line in _axe_violations(axe, page)]
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            overflow = page.evaluate(OVERFLOW_JS)
            if overflow:
                problems.append(f"{where} at {size['width']}px: {overflow}")
    finally:
        context.close()
    return problems


def test_every_page_fits_the_screen_and_passes_axe_for_every_role(browser, live_server, demo_users):
    started = time.monotonic()
    axe = Axe()
    problems = []
    pages_per_role = {}
    problems.extend(_sign_in_page(browser, live_server, axe))
    for user in demo_users:
        context = browser.new_context(
            locale="es-MX", timezone_id="America/Mexico_City", viewport=DESKTOP
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            _login(page, live_server, user, password=DEMO_PASSWORD)
            visited, found = _walk(page, live_server, axe, user.username)
        finally:
            context.close()
        pages_per_role[user.username] = len(visited)
        problems.extend(found)
    elapsed = time.monotonic() - started
    print(
        f"walked {sum(pages_per_role.values())} pages in {elapsed:.0f}s "
        f"(axe {sum(AXE_SECONDS):.0f}s): {pages_per_role}"
    )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
    # The walk reached past the home page for every role (a broken menu would stop it there).
    assert all(count > 2 for count in pages_per_role.values()), pages_per_role
