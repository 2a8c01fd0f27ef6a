"""Words a newcomer meets in the mechanism: the acronyms (expanded wherever they appear, through
the `abbr` template filter), the glossary page, and a short help page per role.

The acronyms of the mechanism's own units come from protection.models.Unit, so a renamed unit
is renamed here too; implementing authorities' acronyms (TPI, CSP, BEB, ...) are data and are
expanded from ImplementingAuthority.name (`authority` filter)."""

import re

from django.utils.translation import gettext_lazy as _

from protection.models import Role, Unit

ACRONYMS = {
    "URCRR": Unit.URCRR.label,
    "UER": Unit.UER.label,
    "UPSA": Unit.UPSA.label,
    "CEN": Unit.CEN.label,
    "SEGOB": _("Secretaría de Gobernación"),
    "FGR": _("Fiscalía General de la República"),
    "FEADLE": _(
        "Fiscalía Especial para la Atención de Delitos cometidos contra la Libertad de Expresión"
    ),
    "SSPC": _("Secretaría de Seguridad y Protección Ciudadana"),
    "SRE": _("Secretaría de Relaciones Exteriores"),
    "CNDH": _("Comisión Nacional de los Derechos Humanos"),
    "CIDH": _("Comisión Interamericana de Derechos Humanos"),
    "OACNUDH": _(
        "Oficina en México del Alto Comisionado de las Naciones Unidas para los Derechos Humanos"
    ),
}

ACRONYM_PATTERN = re.compile(r"\b(" + "|".join(sorted(ACRONYMS, key=len, reverse=True)) + r")\b")

# (term in Spanish, what it means) — DOMAIN.md §8. The term is translated too: in English
# the page reads "case file: the record of ...".
GLOSSARY = [
    (
        _("Mecanismo de Protección"),
        _(
            "El Mecanismo para la Protección de Personas Defensoras de Derechos Humanos y "
            "Periodistas: recibe solicitudes, evalúa el riesgo, decide medidas y vigila que se "
            "cumplan."
        ),
    ),
    (
        _("persona defensora de derechos humanos"),
        _("Quien, sola o en grupo, promueve o defiende los derechos humanos."),
    ),
    (
        _("periodista"),
        _("Quien recaba, procesa o difunde información de interés público, en cualquier medio."),
    ),
    (
        _("persona peticionaria"),
        _("Quien presenta la solicitud; puede ser una organización que actúa por otra persona."),
    ),
    (
        _("persona beneficiaria"),
        _("Quien recibe la protección; puede ser una persona o un colectivo."),
    ),
    (
        _("solicitud de incorporación"),
        _("La petición de protección al Mecanismo; la primera abre el expediente."),
    ),
    (
        _("expediente"),
        _(
            "El registro de un caso: personas, solicitudes, estudios, acuerdos, medidas e "
            "historial. Se identifica por su número."
        ),
    ),
    (
        _("procedimiento extraordinario"),
        _(
            "La vía urgente, cuando se declara peligro inminente para la vida o la integridad: "
            "las medidas urgentes se emiten y se ponen en marcha en horas."
        ),
    ),
    (
        _("procedimiento ordinario"),
        _("La vía normal: estudio de evaluación de riesgo y decisión de la Junta de Gobierno."),
    ),
    (
        _("Estudio de Evaluación de Acción Inmediata"),
        _("La valoración que acompaña a las medidas urgentes."),
    ),
    (
        _("Estudio de Evaluación de Riesgo"),
        _(
            "El análisis de la Unidad de Evaluación de Riesgos: nivel de riesgo, personas "
            "beneficiarias, medidas propuestas y su duración."
        ),
    ),
    (
        _("nivel de riesgo"),
        _("Ordinario o extraordinario, según el estudio de riesgo."),
    ),
    (
        _("medidas urgentes de protección"),
        _("Evacuación, reubicación temporal, escoltas, protección de inmuebles y otras."),
    ),
    (
        _("medidas de protección"),
        _(
            "Teléfono, cámaras, cerraduras, alumbrado, chaleco, vehículo blindado, rondines, "
            "botón de pánico, casa de resguardo y otras."
        ),
    ),
    (
        _("medidas preventivas"),
        _("Instructivos, manuales, cursos de autoprotección, acompañamiento de observadores."),
    ),
    (
        _("Junta de Gobierno"),
        _("El órgano que decide, modifica, suspende o retira las medidas; sesiona cada mes."),
    ),
    (
        _("sesión ordinaria"),
        _("La reunión mensual de la Junta de Gobierno."),
    ),
    (
        _("acuerdo"),
        _("La decisión de la Junta sobre un expediente; los oficios se generan a partir de él."),
    ),
    (
        _("Consejo Consultivo"),
        _(
            "Personas de la sociedad civil; algunas integran la Junta. Remite inconformidades "
            "y encarga estudios independientes."
        ),
    ),
    (
        _("oficio"),
        _(
            "La comunicación oficial firmada a una autoridad o a la persona beneficiaria, con "
            "número, fundamento y código de verificación."
        ),
    ),
    (
        _("autoridad implementadora"),
        _(
            "La policía, dependencia o empresa contratista que pone en marcha una medida "
            "(por ejemplo, instala cámaras o entrega botones de pánico)."
        ),
    ),
    (
        _("rondines"),
        _("Patrullajes policiales periódicos en el domicilio o lugar de trabajo."),
    ),
    (
        _("botón de pánico"),
        _(
            "Dispositivo que envía una alerta de emergencia; se prueba y sus activaciones se registran."
        ),
    ),
    (
        _("casa de resguardo"),
        _("Lugar seguro donde la persona se aloja temporalmente, con apoyo para subsistir."),
    ),
    (
        _("recurso de inconformidad"),
        _(
            "La impugnación de una decisión de la Junta o de una mala implementación, dentro "
            "del plazo que fija la ley."
        ),
    ),
    (
        _("retiro de medidas"),
        _(
            "El fin de la protección por decisión de la Junta: por uso indebido deliberado y "
            "reiterado, o porque una revaluación encontró un riesgo menor."
        ),
    ),
    (
        _("amparo y suspensión"),
        _("Una orden judicial que puede impedir retirar medidas mientras se resuelve."),
    ),
    (
        _("agresión"),
        _(
            "Amenaza, hostigamiento, vigilancia, ataque, allanamiento, robo de información, "
            "desaparición o asesinato, con fecha, lugar y tipo de agresor."
        ),
    ),
    (
        _("medidas cautelares (CIDH)"),
        _(
            "Protección que ordena la Comisión Interamericana de Derechos Humanos; se registra "
            "con el nivel de riesgo que encontró."
        ),
    ),
]

# Per role: what the role does here and where to start (URL name, what it is for).
ROLE_HELP = {
    Role.RECEPTION: (
        _(
            "Usted recibe las solicitudes, decide si van por el procedimiento extraordinario "
            "(urgente) u ordinario, emite y pone en marcha las medidas urgentes y hace el "
            "estudio de acción inmediata."
        ),
        [
            (
                "cases:request_new",
                _("Registrar una solicitud nueva (en persona, teléfono, correo)."),
            ),
            ("home", _("Los plazos urgentes de sus expedientes, el más próximo primero.")),
            ("cases:list", _("Buscar un expediente por número, nombre o estado.")),
        ],
    ),
    Role.ANALYST: (
        _(
            "Usted elabora el estudio de evaluación de riesgo (nivel de riesgo, personas "
            "beneficiarias, medidas propuestas y su duración) y las revaluaciones periódicas "
            "o por hechos nuevos."
        ),
        [
            ("home", _("Los estudios que tiene asignados, con su plazo.")),
            ("cases:list", _("Buscar un expediente.")),
        ],
    ),
    Role.FOLLOW_UP: (
        _(
            "Usted sigue la puesta en marcha de las medidas acordadas, registra contactos, "
            "fallas y opiniones de la persona beneficiaria, y avisa cuando una medida no "
            "funciona."
        ),
        [
            ("home", _("Medidas por vencer o vencidas de sus expedientes.")),
            ("cases:list", _("Sus expedientes en seguimiento.")),
        ],
    ),
    Role.COORDINATOR: (
        _(
            "Usted prepara la carpeta de la Junta antes de cada sesión, registra los "
            "acuerdos, comunica las decisiones a las autoridades implementadoras y asigna el "
            "trabajo de las unidades."
        ),
        [
            ("measures:board_sessions", _("Sesiones de la Junta, orden del día y acuerdos.")),
            ("home", _("Plazos vencidos de todas las unidades.")),
            ("security:audit_log", _("Quién consultó qué expediente.")),
        ],
    ),
    Role.BOARD_GOVERNMENT: (
        _(
            "Usted integra la Junta de Gobierno: consulta la carpeta de cada sesión y los "
            "expedientes del orden del día una vez enviada la carpeta."
        ),
        [("measures:board_portal", _("Las sesiones y sus carpetas."))],
    ),
    Role.BOARD_CIVIL: (
        _(
            "Usted integra la Junta de Gobierno por el Consejo Consultivo: consulta la carpeta "
            "de cada sesión y los expedientes del orden del día una vez enviada la carpeta."
        ),
        [("measures:board_portal", _("Las sesiones y sus carpetas."))],
    ),
    Role.CONSULTANT: (
        _(
            "Usted consulta sólo los expedientes cuya persona beneficiaria autorizó su acceso. "
            "Todo lo que consulta queda registrado."
        ),
        [("home", _("Los expedientes que puede consultar."))],
    ),
    Role.AUTHORITY: (
        _(
            "Usted ve sólo las medidas que su institución debe poner en marcha: sus oficios, "
            "sus plazos, el acuse de recibo y los informes de implementación. Lo que consulta "
            "queda registrado."
        ),
        [("authority:home", _("Las medidas a cargo de su institución, con sus plazos."))],
    ),
    Role.ADMINISTRATOR: (
        _(
            "Usted administra personas usuarias, catálogos y configuración. No ve expedientes "
            "salvo con un acceso de emergencia, que queda registrado y se avisa a la "
            "Coordinación."
        ),
        [
            ("admin:index", _("Administración del sistema.")),
            ("security:break_glass", _("Acceso de emergencia a un expediente.")),
        ],
    ),
}

GENERIC_HELP = _(
    "Desde «Mi trabajo» ve lo que le corresponde hacer, lo más urgente primero. Todo lo que "
    "consulta de un expediente queda registrado."
)
