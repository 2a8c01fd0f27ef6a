"""The audit log in plain words: what a row of the read log was ("Cronología del expediente
MPPDDHP/12/2026"), and who read it by role name, in the reader's language — not route names
(`cases:timeline pk=56`) or role codes (`analyst`).

Every page of the project has a phrase here or, failing that, the phrase of its area; the
audit tests check that no URL name is left without one."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from protection.models import Role

# URL name -> phrase; %(case)s is the case's file number when the row names a case.
PAGES = {
    "home": _("Mi trabajo"),
    "login": _("Inicio de sesión"),
    "logout": _("Cierre de sesión"),
    "set_language": _("Cambio de idioma"),
    "healthz": _("Comprobación de funcionamiento"),
    "help": _("Ayuda"),
    "help_role": _("Ayuda de un rol"),
    "glossary": _("Glosario"),
    # cases
    "cases:list": _("Lista de expedientes"),
    "cases:detail": _("Expediente %(case)s"),
    "cases:timeline": _("Cronología del expediente %(case)s"),
    "cases:calendar_feed": _("Calendario de plazos en una aplicación de calendario"),
    "cases:calendar_feed_link": _("Enlace de calendario"),
    "calendar_feed_link": _("Enlace de calendario"),
    "cases:request_new": _("Formulario de nueva solicitud"),
    "cases:admissibility": _("Admisibilidad del expediente %(case)s"),
    "cases:aggression_add": _("Registro de una agresión en el expediente %(case)s"),
    "cases:assign": _("Asignación del expediente %(case)s"),
    "cases:consent_add": _("Registro de un consentimiento en el expediente %(case)s"),
    "cases:consent_give": _("Consentimiento pendiente del expediente %(case)s"),
    "cases:consent_withdraw": _("Revocación de un consentimiento del expediente %(case)s"),
    "cases:external_add": _("Protección de otros organismos en el expediente %(case)s"),
    "cases:immediate_assessment": _("Estudio de acción inmediata del expediente %(case)s"),
    "cases:party_add": _("Alta de una persona en el expediente %(case)s"),
    "cases:person_edit": _("Datos de una persona del expediente %(case)s"),
    "cases:urgent_issue": _("Medidas urgentes del expediente %(case)s"),
    "cases:voluntary_exit": _("Salida voluntaria del expediente %(case)s"),
    "cases:follow_up_assign": _("Asignación de seguimiento del expediente %(case)s"),
    "cases:contacts": _("Bitácora de contactos y emergencias del expediente %(case)s"),
    "cases:contact_edit": _("Corrección de la bitácora de contactos del expediente %(case)s"),
    "cases:contact_review": _("Revisión de una respuesta tardía del expediente %(case)s"),
    "cases:person_life_status": _("Situación de una persona del expediente %(case)s"),
    # case documents
    "documents:detail": _("Documento del expediente %(case)s"),
    "documents:file": _("Archivo de un documento del expediente %(case)s"),
    "documents:original": _("Original de un documento del expediente %(case)s"),
    "documents:upload": _("Carga de un documento al expediente %(case)s"),
    "documents:replace": _("Sustitución de un documento del expediente %(case)s"),
    "documents:withdraw": _("Retiro de un documento del expediente %(case)s"),
    # risk
    "risk:study_detail": _("Estudio de riesgo del expediente %(case)s"),
    "risk:study_summary": _("Resumen del estudio de riesgo del expediente %(case)s"),
    "risk:study_edit": _("Edición del estudio de riesgo del expediente %(case)s"),
    "risk:study_preview": _("Vista previa del estudio de riesgo del expediente %(case)s"),
    "risk:study_open": _("Apertura de un estudio de riesgo del expediente %(case)s"),
    "risk:study_submit": _("Envío del estudio de riesgo del expediente %(case)s"),
    "risk:study_approve": _("Aprobación del estudio de riesgo del expediente %(case)s"),
    "risk:study_return": _("Devolución del estudio de riesgo del expediente %(case)s"),
    "risk:reevaluation_open": _("Apertura de una revaluación del expediente %(case)s"),
    # measures
    "measures:measure_detail": _("Medida otorgada del expediente %(case)s"),
    "measures:event_add": _("Registro de un evento de una medida del expediente %(case)s"),
    "measures:legal_hold_add": _("Registro de una suspensión judicial del expediente %(case)s"),
    "measures:legal_hold_lift": _(
        "Levantamiento de una suspensión judicial del expediente %(case)s"
    ),
    "measures:appeal_file": _("Registro de una inconformidad en el expediente %(case)s"),
    "measures:appeal_detail": _("Inconformidad del expediente %(case)s"),
    "measures:appeal_rule_urgent": _(
        "Resolución de una inconformidad urgente del expediente %(case)s"
    ),
    "measures:appeal_new_study": _("Nuevo estudio de una inconformidad del expediente %(case)s"),
    "measures:appeal_independent": _(
        "Estudio independiente de una inconformidad del expediente %(case)s"
    ),
    "measures:appeal_consejo": _(
        "Dictamen del Consejo sobre una inconformidad del expediente %(case)s"
    ),
    "measures:appeal_agenda": _("Inconformidad del expediente %(case)s al orden del día"),
    "measures:rediscussion_add": _(
        "Registro de una solicitud de nueva discusión del expediente %(case)s"
    ),
    "measures:modification_propose": _(
        "Propuesta de modificación de medidas del expediente %(case)s"
    ),
    "measures:board_sessions": _("Sesiones de la Junta de Gobierno"),
    "measures:board_session": _("Sesión de la Junta de Gobierno"),
    "measures:board_item": _("Punto del orden del día (expediente %(case)s)"),
    "measures:board_decision": _("Acuerdo de la Junta (expediente %(case)s)"),
    "measures:board_decision_record": _("Registro de un acuerdo (expediente %(case)s)"),
    "measures:board_papers_download": _("Carpeta de la sesión de la Junta (PDF)"),
    "measures:board_letter_download": _("Oficio en PDF (expediente %(case)s)"),
    "measures:board_letters_progress": _("Avance de la generación de oficios"),
    "measures:board_rediscussions": _("Solicitudes de nueva discusión"),
    "measures:board_portal": _("Portal de la Junta"),
    "measures:board_portal_session": _("Sesión en el portal de la Junta"),
    "measures:board_portal_item": _("Expediente %(case)s en el portal de la Junta"),
    # implementing authorities: the Coordination's invitations and the portal
    "measures:authority_users": _("Usuarios de autoridades implementadoras"),
    "measures:authority_invite": _("Invitación a una persona de una autoridad implementadora"),
    "authority:home": _("Portal de autoridades: medidas pendientes"),
    "authority:measure": _("Medida del expediente %(case)s en el portal de autoridades"),
    "authority:invitation": _("Activación de una cuenta del portal de autoridades"),
    "authority:letter": _("Oficio del expediente %(case)s en el portal de autoridades"),
    "authority:letter_file": _("PDF de un oficio del expediente %(case)s (portal de autoridades)"),
    "authority:letter_acknowledge": _("Acuse de un oficio del expediente %(case)s en el portal"),
    "measures:letter_deliver_portal": _("Entrega de un oficio por el portal de autoridades"),
    "measures:report_confirm": _(
        "Confirmación de un reporte de la autoridad (expediente %(case)s)"
    ),
    "authority:report_add": _("Reporte de implementación de una medida del expediente %(case)s"),
    # notifications, reports, security
    "notifications:list": _("Avisos"),
    "notifications:bell": _("Avisos (campana)"),
    "notifications:flags": _("Plazos vencidos"),
    "notifications:schedule": _("Programación de tareas"),
    "reports:indicators": _("Indicadores"),
    "reports:aggressions": _("Monitoreo de agresiones"),
    "reports:annual": _("Informe anual"),
    "reports:annual_pdf": _("Informe anual (PDF)"),
    "reports:exports": _("Exportaciones"),
    "reports:export": _("Exportación de una lista"),
    "reports:export_job": _("Exportación en preparación"),
    "reports:export_download": _("Descarga de una exportación"),
    "security:audit_log": _("Bitácora de auditoría"),
    "security:case_readers": _("Quién consultó el expediente %(case)s"),
    "security:break_glass": _("Acceso de emergencia"),
    "security:otp": _("Verificación en dos pasos"),
    "security:otp_setup": _("Alta de la verificación en dos pasos"),
    "security:recovery_codes": _("Códigos de recuperación"),
    "security:account": _("Mi seguridad"),
    "security:device_remove": _("Baja de un autenticador"),
    "security:users": _("Segundo factor de las personas usuarias"),
    "security:two_factor_reset": _("Restablecimiento del segundo factor"),
    "security:break_glass_end": _("Cierre del acceso de emergencia"),
    "security:audit_search_reveal": _("Términos de búsqueda de un registro de la bitácora"),
    "otp": _("Segundo factor"),
    "break_glass": _("Acceso de emergencia"),
    "verify:index": _("Verificación pública de oficios"),
    "verify:letter": _("Verificación pública de un oficio"),
}

# Area of a URL name (its longest matching prefix) for pages without their own phrase.
AREAS = {
    "cases:": _("Expedientes"),
    "documents:": _("Documentos de expedientes"),
    "risk:": _("Evaluación de riesgo"),
    "measures:board_portal": _("Portal de la Junta"),
    "measures:board_": _("Junta de Gobierno"),
    "measures:": _("Medidas"),
    "notifications:": _("Avisos"),
    "reports.": _("Exportación"),
    "reports:": _("Indicadores"),
    "security:": _("Seguridad"),
    "admin:": _("Administración del sistema"),
    "verify:": _("Verificación de oficios"),
    "authority:": _("Portal de autoridades implementadoras"),
}


def role_label(code):
    """A role code as people read it ("Evaluación de riesgo (UER)"); unknown codes as stored."""
    try:
        return Role(code).label
    except ValueError:
        return code or "—"


def target_phrase(target):
    """The phrase for a URL name or audit target, without a case; None if nothing fits."""
    if target in PAGES:
        return PAGES[target]
    matches = [prefix for prefix in AREAS if target.startswith(prefix)]
    return AREAS[max(matches, key=len)] if matches else None


def describe(target, case_number=None):
    phrase = target_phrase(target)
    if phrase is None:
        return target or "—"
    if "%(case)s" in str(phrase):
        return str(phrase) % {"case": case_number or gettext("(sin número)")}
    return str(phrase)


def with_plain_words(entries):
    """Attach `what` (plain words) and `role_label` to audit rows; one query for the file
    numbers of the cases they name."""
    entries = list(entries)
    case_ids = {e.case_id for e in entries if e.case_id}
    numbers = dict(Case.objects.filter(pk__in=case_ids).values_list("pk", "file_number"))
    for entry in entries:
        entry.file_number = numbers.get(entry.case_id, "")
        entry.what = describe(entry.target, entry.file_number)
        entry.role_label = role_label(entry.role)
    return entries
