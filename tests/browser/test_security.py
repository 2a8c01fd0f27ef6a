"""Security flows in a real Chromium (issue 19): a password alone lands on the code page and
the enrolment page sends it back there; the administrator's break-glass opens one case with a
banner and closes it early from the banner."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from protection.models import Role

from .. import factories as f
from .. import workflows as wf
from .conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def code_for(device):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_password_alone_only_reaches_the_code_page(page, live_server, settings, transactional_db):
    settings.OTP_REQUIRED = True
    analyst = f.UserFactory(username="analista_b2f", role=Role.ANALYST)
    device = TOTPDevice.objects.create(user=analyst, name="teléfono", confirmed=True)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Usuario").fill(analyst.username)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Verificación en dos pasos")).to_be_visible()

    page.goto(f"{live_server.url}/seguridad/verificacion/alta/")
    expect(page.get_by_role("heading", name="Verificación en dos pasos")).to_be_visible()
    expect(page.get_by_text("Clave:")).to_have_count(0)  # no new key is shown
    assert not TOTPDevice.objects.filter(user=analyst, confirmed=False).exists()

    page.get_by_label("Código de verificación").fill(code_for(device))
    page.get_by_role("button", name="Verificar").click()
    page.get_by_role("button", name=analyst.display_name).click()
    page.get_by_role("link", name="Mi seguridad").click()
    expect(page.get_by_role("heading", name="Mi seguridad")).to_be_visible()
    expect(page.get_by_text("teléfono · dado de alta")).to_be_visible()


def test_break_glass_opens_one_case_with_a_banner_and_closes_early(
    page, live_server, login, reception, transactional_db
):
    case = wf.register(reception)
    admin = f.UserFactory(
        username="admin_bgb", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True
    )
    login(page, live_server, admin)
    page.get_by_role("button", name="Seguridad").click()
    page.get_by_role("link", name="Acceso de emergencia").click()
    page.get_by_label("Expedientes que necesita abrir").fill(case.file_number)
    page.get_by_label("Motivo del acceso de emergencia").fill(
        "Orden judicial 45/2026 pide copia certificada del expediente."
    )
    page.get_by_role("button", name="Abrir acceso de emergencia").click()
    banner = page.locator("#break-glass-banner")
    expect(banner).to_contain_text(case.file_number)
    expect(page.get_by_role("heading", name=case.file_number, exact=False).first).to_be_visible()

    banner.get_by_role("button", name="Cerrar ahora").click()
    expect(page.get_by_text("Se cerró el acceso de emergencia.")).to_be_visible()
    expect(page.locator("#break-glass-banner")).to_have_count(0)
    page.goto(f"{live_server.url}/casos/{case.pk}/")
    expect(page.get_by_role("heading", name=case.file_number, exact=False)).to_have_count(0)
