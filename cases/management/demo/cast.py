"""The demo's fixed cast and vocabulary: its users, the Board's seats, the implementing
authorities' addressees, legal texts, risk profiles and the street names fictional addresses are
made of. Every person, organisation and number here is invented."""

from dataclasses import dataclass

from protection.models import Role

DEMO_PASSWORD = "Demo-Proteccion-2026"

# username, role, given names, family names, institution
DEMO_USERS = [
    (
        "recepcion",
        Role.RECEPTION,
        "Mariana",
        "Cervantes Ochoa",
        "Unidad de Recepción de Casos y Reacción Rápida",
    ),
    ("analista", Role.ANALYST, "Jorge Luis", "Peña Villaseñor", "Unidad de Evaluación de Riesgos"),
    ("analista2", Role.ANALYST, "Daniela", "Ruiz Castañeda", "Unidad de Evaluación de Riesgos"),
    (
        "seguimiento",
        Role.FOLLOW_UP,
        "Rosa Elena",
        "Martínez Tapia",
        "Unidad de Prevención, Seguimiento y Análisis",
    ),
    (
        "coordinacion",
        Role.COORDINATOR,
        "Alejandro",
        "Ibarra Solís",
        "Coordinación Ejecutiva Nacional",
    ),
    (
        "junta_gobierno",
        Role.BOARD_GOVERNMENT,
        "Lucía",
        "Hernández Robles",
        "Secretaría de Gobernación",
    ),
    ("junta_sociedad", Role.BOARD_CIVIL, "Tomás", "Aguilar Benítez", "Consejo Consultivo"),
    (
        "consultor",
        Role.CONSULTANT,
        "Patricia",
        "Soto Lara",
        "Análisis de Riesgo Independiente, S.C. (consultoría externa)",
    ),
    ("admin", Role.ADMINISTRATOR, "Ricardo", "Montes Salgado", "Coordinación Ejecutiva Nacional"),
    # Users of the implementing-authority portal: a federal agency, a state police and the
    # private contractor (whose portal also shows its subcontractors' measures).
    ("autoridad_federal", Role.AUTHORITY, "Ernesto", "Villalobos Cruz", "Guardia Nacional"),
    (
        "policia_estatal",
        Role.AUTHORITY,
        "Guadalupe",
        "Ornelas Rivas",
        "Secretaría de Seguridad Pública del Estado de Chihuahua",
    ),
    (
        "contratista",
        Role.AUTHORITY,
        "Iván",
        "Mejía Carrillo",
        "Tecnologías de Protección Integral, S.A. de C.V.",
    ),
]
# Which authority each portal user belongs to (keys of Seeder.authority).
DEMO_AUTHORITY_MEMBERS = {
    "autoridad_federal": "gn",
    "policia_estatal": "ssp_chih",
    "contratista": "tpi",
}
DEMO_USERNAMES = [row[0] for row in DEMO_USERS]

# Ordinary monthly sessions of the Board, in days before today; and the next one, ahead.
# The set-up (users, Board, authorities, the calendar of sessions), before the oldest story.
SETUP_DAYS = 430
PAST_SESSION_DAYS = (395, 365, 335, 305, 275, 245, 215, 185, 150, 120, 90, 60, 25)
UPCOMING_SESSION_IN_DAYS = 8
SESSION_PLACE = "Sala de Juntas de la Subsecretaría de Derechos Humanos, SEGOB (y videoconferencia)"

# Who letters to each implementing authority are addressed to (fictitious people) and the
# article of the authority's name ("Titular de la Secretaría…"); companies take none.
AUTHORITY_ADDRESSEES = {
    "gn": ("Gral. Hernán Castillo Zamudio", "la"),
    "sspc": ("Mtra. Adriana Villegas Cordero", "la"),
    "ssp_gro": ("Lic. Ramiro Salgado Nava", "la"),
    "ssp_oax": ("Mtra. Itzel Cruz Matías", "la"),
    "ssp_ver": ("Lic. Octavio Landa Rivas", "la"),
    "ssp_chih": ("Ing. Patricia Loya Quintana", "la"),
    "ssc_cdmx": ("Mtro. Gerardo Olvera Castañeda", "la"),
    "ssp_mich": ("Lic. Fernanda Zavala Pérez", "la"),
    "ssp_dgo": ("Lic. Saúl Ontiveros Reyes", "la"),
    "ssp_son": ("Mtra. Karla Valenzuela Encinas", "la"),
    "ssp_yuc": ("Lic. Mauricio Canché Pool", "la"),
    "ces_mor": ("Lic. Norma Ocampo Salazar", "la"),
    "mun_tijuana": ("Mtro. Iván Robles Medina", "la"),
    "mun_coatza": ("Lic. Esteban Cházaro Lara", "la"),
    "mun_valles": ("Lic. Mónica Zúñiga Terán", "la"),
    "tpi": ("Ing. Rodrigo Aranda Lugo", ""),
    "sat": ("Lic. Verónica Ibáñez Solís", ""),
    "blindaje": ("Ing. Claudio Mendoza Ferrer", ""),
}
# An authority's own copies (C.c.p.), beyond those every letter carries (LETTER_COPY_TO).
# A subcontractor's letters copy its contractor's head by themselves (from the contractor's
# addressee record); only copies nobody would infer are written here.
AUTHORITY_COPIES = {
    "gn": "Titular de la Secretaría de Seguridad y Protección Ciudadana.- Para su conocimiento",
}

LEGAL_BASIS_GRANT = (
    "Artículos 8, fracción I; 24, 27, 29 y 33 a 35 de la Ley para la Protección "
    "de Personas Defensoras de Derechos Humanos y Periodistas."
)
LEGAL_BASIS_DENY = (
    "Artículos 8, 24 y 29 de la Ley para la Protección de Personas Defensoras "
    "de Derechos Humanos y Periodistas."
)
LEGAL_BASIS_WITHDRAW = (
    "Artículos 21, fracción III, 38 y 39 de la Ley para la Protección de "
    "Personas Defensoras de Derechos Humanos y Periodistas."
)

ADMISSION_REASONS = ("is_defender_or_journalist", "risk_linked_to_work", "consent_given")

# Factor scores for the studies (default methodology, risk/reference.py). With the default
# weights HIGH and HIGH_B suggest "extraordinario"; MEDIUM (45.6), LOW and LOWER "ordinario".
HIGH = {
    "aggressor_capacity": 4,
    "aggressor_motive": 3,
    "aggressor_steps": 3,
    "vulnerability": 3,
    "work_exposure": 3,
    "routines": 2,
    "context": 3,
    "differential": 3,
    "protective_capacity": 1,
}
HIGH_B = {
    "aggressor_capacity": 3,
    "aggressor_motive": 3,
    "aggressor_steps": 3,
    "vulnerability": 3,
    "work_exposure": 2,
    "routines": 2,
    "context": 3,
    "differential": 2,
    "protective_capacity": 2,
}
MEDIUM = {
    "aggressor_capacity": 2,
    "aggressor_motive": 3,
    "aggressor_steps": 1,
    "vulnerability": 2,
    "work_exposure": 2,
    "routines": 1,
    "context": 3,
    "differential": 2,
    "protective_capacity": 3,
}
LOW = {
    "aggressor_capacity": 1,
    "aggressor_motive": 2,
    "aggressor_steps": 1,
    "vulnerability": 2,
    "work_exposure": 1,
    "routines": 1,
    "context": 2,
    "differential": 1,
    "protective_capacity": 3,
}
LOWER = {
    "aggressor_capacity": 1,
    "aggressor_motive": 1,
    "aggressor_steps": 0,
    "vulnerability": 1,
    "work_exposure": 1,
    "routines": 1,
    "context": 1,
    "differential": 1,
    "protective_capacity": 4,
}

# Why a factor got its score, by band (0-1 low, 2 middle, 3-4 high). For protective capacity a
# high score means strong protection.
FACTOR_REASONS = {
    "aggressor_capacity": {
        "low": "Particulares sin estructura, armas ni antecedentes de violencia conocidos.",
        "mid": "Actores locales con recursos económicos e influencia en autoridades municipales; "
        "no hay evidencia de armas.",
        "high": "Grupo con armas, estructura y control territorial en la zona; ha cumplido "
        "amenazas semejantes contra otras personas.",
    },
    "aggressor_motive": {
        "low": "No se identifica un interés concreto en detener la labor de la persona.",
        "mid": "La labor de la persona afecta intereses económicos locales de manera indirecta.",
        "high": "La labor de la persona afecta directamente negocios o poder de quien agrede; "
        "las amenazas lo mencionan expresamente.",
    },
    "aggressor_steps": {
        "low": "No hubo agresiones directas recientes; los hechos son antiguos o aislados.",
        "mid": "Amenazas indirectas y vigilancia ocasional en los últimos meses.",
        "high": "Amenazas directas, vigilancia y agresiones que se intensifican en las últimas "
        "semanas.",
    },
    "vulnerability": {
        "low": "Vive en zona urbana con vecinos y familia cerca; sin dependientes a su cargo.",
        "mid": "Tiene dependientes y su domicilio es conocido; la zona tiene poca vigilancia.",
        "high": "Vive en zona aislada, con dependientes; su domicilio y su familia son "
        "conocidos por quien agrede.",
    },
    "work_exposure": {
        "low": "Labor de bajo perfil público, sin publicaciones recientes.",
        "mid": "Labor visible en medios locales y redes sociales.",
        "high": "Publicaciones o denuncias recientes de alto impacto que señalan a personas "
        "concretas.",
    },
    "routines": {
        "low": "Sus trayectos y horarios varían y no pasan por zonas de riesgo.",
        "mid": "Trayectos previsibles en horarios fijos.",
        "high": "Trayectos diarios previsibles por caminos aislados o controlados por el "
        "grupo agresor.",
    },
    "context": {
        "low": "Zona sin conflictos activos relevantes para el caso.",
        "mid": "Conflicto social en la región con episodios de violencia.",
        "high": "Presencia de grupos armados, disputa territorial y agresiones recientes contra "
        "otras personas defensoras o periodistas de la región.",
    },
    "differential": {
        "low": "No se identifican factores diferenciales que agraven el riesgo.",
        "mid": "Su género o identidad cambian la forma de las agresiones (estigmatización, "
        "amenazas contra su familia).",
        "high": "Mujer, persona indígena o LGBTI en contexto rural o comunitario, con barreras "
        "de lengua y acceso a la justicia que agravan el riesgo.",
    },
    "protective_capacity": {
        "low": "Sin red de apoyo ni medidas propias; no confía en las autoridades locales.",
        "mid": "Cuenta con una organización que la acompaña, sin protocolos de seguridad.",
        "high": "Red de acompañamiento sólida, protocolos de seguridad propios y contacto "
        "fluido con autoridades.",
    },
}

STREETS = (
    "Calle Hidalgo",
    "Av. Juárez",
    "Calle Morelos",
    "Calle Zaragoza",
    "Calle Allende",
    "Privada Guerrero",
    "Calle 5 de Mayo",
    "Calle Independencia",
    "Calle Aldama",
)
NEIGHBOURHOODS = (
    "Centro",
    "Barrio de San Juan",
    "Col. Emiliano Zapata",
    "Col. Las Flores",
    "Barrio Alto",
    "Col. Reforma",
    "Col. Lázaro Cárdenas",
)
SAFE_CONTACT = (
    "Llamar sólo entre 18 y 20 h; no dejar mensajes de voz.",
    "Contactar por mensajería cifrada; confirmar identidad con la palabra acordada.",
    "Si no contesta, llamar a la organización que la acompaña; no visitar el domicilio sin aviso.",
    "Usar el teléfono de su pareja sólo en emergencia.",
)


@dataclass(frozen=True)
class Line:
    """One measure of a Board resolution or an urgent issue, before it is resolved to rows."""

    measure: str  # MeasureType.code
    party: object  # Person or Collective on the case
    authority: str  # key in Seeder.authority
    months: int = 12
    details: str = ""
