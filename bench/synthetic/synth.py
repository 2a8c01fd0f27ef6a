"""Synthetic casework at national scale, deterministic by seed (issue 8).

`generate(cases=N, seed=S)` fills the database with N cases and everything around them, in the
proportions of a real mechanism: people and collectives, requests, consents, aggressions, other
bodies' protection, admissibility, urgent measures, immediate assessments, risk studies with factor
scores and proposed measures, Board sessions with attendance, agendas and confirmed decisions with
their lines, granted measures with implementation events, letters (rows only, no PDF), legal holds,
appeals, re-evaluations, and simple-history rows for all of it.

How it stays fast (100,000 cases in minutes on two cores):
- each case is simulated from its request to the reference date ("as of") with its own random
  stream; rows are plain tuples with primary keys allocated up front. Cases are simulated in
  chunks; a writer thread loads one chunk while the next is simulated;
- on PostgreSQL every table is loaded with binary COPY (psycopg 3 `cursor.copy()`), all in ONE
  transaction, so a failed run leaves nothing behind. For large runs the loaded tables' foreign
  keys and the big tables' secondary indexes are dropped inside that transaction and re-created
  at the end (one set-based check per foreign key, one sort per index); tables emptied in the
  same transaction are loaded with COPY FREEZE, so no VACUUM is needed afterwards;
- history rows are written in bulk next to the rows: a "+" row per record, plus "~" rows for the
  changes of cases, granted measures, sessions and attendance, each with its date and the person
  who acted. Case history is replayed in time order.
- decisions, letters, agenda items and sessions are kept until every case is simulated, then
  numbered (per year, in the order issued) and positioned, and written last.
Other databases (SQLite) work through executemany, for small N only.

Same seed and same reference date give the same data. Times are aware UTC; clocks come from the
configured ClockDefinition rows and are computed with protection.clocks, as the services do.
"""

import bisect
import calendar
import gc
import os
import queue
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import itemgetter

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from cases.lifecycle import next_deadline
from cases.search import normalize
from protection import clocks
from protection.history import save
from protection.models import Clock, NumberSeries, Role

# Constants of the model world -------------------------------------------------------------------

YEARS = 4  # requests spread over the four years before the reference date
USERNAME_PREFIX = "syn."  # synthetic staff users; --reset deletes them
MAX_CASES = 1_000_000  # per-case random streams are seeded with seed * 1_000_003 + index
CASES_PER_SESSION = 30
SESSION_HOURS = [10, 13, 16, 9, 11.5, 14.5, 17.5, 8, 12, 15, 18, 19]
ITEMS_PER_CASE = 1.65  # Board agenda items per case over the window (measured), to size sessions
CHUNK_CASES = 5_000  # cases simulated per chunk handed to the writer
BULK_FROM_CASES = 500  # from this size on, PostgreSQL loads drop and re-create FKs and indexes
INDEX_DEFER_ROWS = 50_000  # tables expected to get more rows have their indexes built at the end
H = timedelta(hours=1)
D = timedelta(days=1)
MIN = timedelta(minutes=1)

STATE_WEIGHTS = {
    "AGS": 0.5,
    "BC": 3,
    "BCS": 1,
    "CAM": 1,
    "CHIS": 7,
    "CHIH": 5,
    "CDMX": 10,
    "COAH": 2,
    "COL": 1.5,
    "DGO": 1,
    "GTO": 3,
    "GRO": 9,
    "HGO": 2,
    "JAL": 4,
    "MEX": 6,
    "MICH": 5,
    "MOR": 3,
    "NAY": 1,
    "NL": 2,
    "OAX": 9,
    "PUE": 3,
    "QRO": 1,
    "QROO": 3,
    "SLP": 1.5,
    "SIN": 3,
    "SON": 3,
    "TAB": 2,
    "TAMS": 4,
    "TLAX": 1,
    "VER": 8,
    "YUC": 1.5,
    "ZAC": 2,
}
MUNICIPALITIES = {
    "AGS": ["Aguascalientes", "Jesús María"],
    "BC": ["Tijuana", "Mexicali", "Ensenada"],
    "BCS": ["La Paz", "Los Cabos"],
    "CAM": ["Campeche", "Calakmul"],
    "CHIS": ["Tuxtla Gutiérrez", "San Cristóbal de las Casas", "Tapachula", "Chenalhó", "Ocosingo"],
    "CHIH": ["Chihuahua", "Ciudad Juárez", "Guachochi", "Uruachi"],
    "CDMX": ["Cuauhtémoc", "Iztapalapa", "Coyoacán", "Tlalpan"],
    "COAH": ["Saltillo", "Torreón"],
    "COL": ["Colima", "Manzanillo"],
    "DGO": ["Durango", "Gómez Palacio"],
    "GTO": ["León", "Guanajuato", "Celaya", "Irapuato"],
    "GRO": [
        "Chilpancingo de los Bravo",
        "Acapulco de Juárez",
        "Tlapa de Comonfort",
        "Chilapa de Álvarez",
        "Iguala de la Independencia",
    ],
    "HGO": ["Pachuca de Soto", "Tula de Allende"],
    "JAL": ["Guadalajara", "Zapopan", "San Pedro Tlaquepaque"],
    "MEX": ["Toluca", "Ecatepec de Morelos", "Nezahualcóyotl", "Texcoco"],
    "MICH": ["Morelia", "Uruapan", "Aquila", "Cherán", "Apatzingán"],
    "MOR": ["Cuernavaca", "Cuautla", "Temixco"],
    "NAY": ["Tepic", "Bahía de Banderas"],
    "NL": ["Monterrey", "Guadalupe"],
    "OAX": [
        "Oaxaca de Juárez",
        "Juchitán de Zaragoza",
        "Santiago Pinotepa Nacional",
        "Unión Hidalgo",
        "Santiago Juxtlahuaca",
    ],
    "PUE": ["Puebla", "Cuetzalan del Progreso", "Tehuacán"],
    "QRO": ["Querétaro", "San Juan del Río"],
    "QROO": ["Benito Juárez", "Solidaridad", "Felipe Carrillo Puerto"],
    "SLP": ["San Luis Potosí", "Ciudad Valles"],
    "SIN": ["Culiacán", "Mazatlán", "Ahome"],
    "SON": ["Hermosillo", "Cajeme", "Nogales"],
    "TAB": ["Centro", "Cárdenas"],
    "TAMS": ["Victoria", "Reynosa", "Nuevo Laredo", "Matamoros"],
    "TLAX": ["Tlaxcala", "Apizaco"],
    "VER": ["Xalapa", "Veracruz", "Coatzacoalcos", "Poza Rica de Hidalgo", "Zongolica"],
    "YUC": ["Mérida", "Valladolid"],
    "ZAC": ["Zacatecas", "Fresnillo"],
}
INDIGENOUS_STATES = {
    "OAX": 0.35,
    "CHIS": 0.4,
    "GRO": 0.3,
    "YUC": 0.3,
    "MICH": 0.15,
    "PUE": 0.15,
    "VER": 0.12,
    "CHIH": 0.12,
    "QROO": 0.2,
    "SON": 0.08,
}
PEOPLES = {
    "OAX": [
        ("Zapoteca", "zapoteco"),
        ("Mixteca", "mixteco"),
        ("Mixe", "mixe"),
        ("Triqui", "triqui"),
        ("Chatina", "chatino"),
    ],
    "CHIS": [
        ("Tsotsil", "tsotsil"),
        ("Tseltal", "tseltal"),
        ("Ch'ol", "ch'ol"),
        ("Tojolabal", "tojolabal"),
    ],
    "GRO": [
        ("Me'phaa", "me'phaa"),
        ("Nahua", "náhuatl"),
        ("Na savi", "tu'un savi"),
        ("Amuzga", "amuzgo"),
    ],
    "YUC": [("Maya", "maya")],
    "QROO": [("Maya", "maya")],
    "MICH": [("P'urhépecha", "p'urhépecha"), ("Nahua", "náhuatl")],
    "CHIH": [("Rarámuri", "rarámuri"), ("Ódami", "tepehuano")],
    "SON": [("Yoeme (yaqui)", "yaqui"), ("Comcaac", "seri")],
}
PEOPLES_ANY = [
    ("Nahua", "náhuatl"),
    ("Otomí (hñähñu)", "otomí"),
    ("Totonaca", "totonaco"),
    ("Wixárika", "wixárika"),
    ("Mazahua", "mazahua"),
]

GIVEN_F = [
    "María",
    "Guadalupe",
    "Juana",
    "Margarita",
    "Verónica",
    "Leticia",
    "Rosa",
    "Josefina",
    "Alejandra",
    "Patricia",
    "Gabriela",
    "Adriana",
    "Claudia",
    "Mónica",
    "Lucía",
    "Sofía",
    "Ximena",
    "Fernanda",
    "Daniela",
    "Itzel",
    "Citlali",
    "Xóchitl",
    "Yolanda",
    "Araceli",
    "Norma",
    "Beatriz",
    "Elena",
    "Teresa",
    "Isabel",
    "Carmen",
    "Martha",
    "Silvia",
    "Rocío",
    "Liliana",
    "Nayeli",
    "Marisol",
    "Abigail",
    "Ana Karen",
    "Brenda",
    "Diana",
    "Irma",
    "Obtilia",
    "Bettina",
    "Natividad",
    "Consuelo",
    "Ángela",
    "Zoé",
    "Yésica",
]
GIVEN_M = [
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jorge",
    "Miguel",
    "Francisco",
    "Alejandro",
    "Jesús",
    "Pedro",
    "Manuel",
    "Antonio",
    "Ricardo",
    "Roberto",
    "Fernando",
    "Javier",
    "Sergio",
    "Raúl",
    "Eduardo",
    "Arturo",
    "Óscar",
    "Héctor",
    "Martín",
    "Rubén",
    "Salvador",
    "Andrés",
    "Emiliano",
    "Santiago",
    "Diego",
    "Gerardo",
    "Tomás",
    "Joaquín",
    "Ramón",
    "Efraín",
    "Cuauhtémoc",
    "Tonatiuh",
    "Bernardo",
    "Isidro",
    "Ángel",
    "Noé",
    "Abelardo",
    "Saúl",
    "Germán",
    "Ulises",
    "Néstor",
    "Mariano",
    "Hipólito",
    "Julián",
]
GIVEN_N = [
    "Alex",
    "Ariel",
    "Cruz",
    "Guadalupe",
    "Sol",
    "Noa",
    "Itzae",
    "Dani",
    "Rey",
    "Indi",
    "Ale",
    "Santi",
    "Fer",
    "Gael",
    "Paz",
    "Luan",
]
FAMILY = [
    "Hernández",
    "García",
    "Martínez",
    "López",
    "González",
    "Pérez",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Cruz",
    "Flores",
    "Gómez",
    "Morales",
    "Vázquez",
    "Reyes",
    "Jiménez",
    "Torres",
    "Díaz",
    "Gutiérrez",
    "Ruiz",
    "Mendoza",
    "Aguilar",
    "Ortiz",
    "Moreno",
    "Castillo",
    "Romero",
    "Álvarez",
    "Méndez",
    "Chávez",
    "Rivera",
    "Juárez",
    "Ramos",
    "Domínguez",
    "Herrera",
    "Medina",
    "Castro",
    "Vargas",
    "Guzmán",
    "Velázquez",
    "Muñoz",
    "Rojas",
    "Contreras",
    "Salazar",
    "Luna",
    "Ortega",
    "Santiago",
    "Guerrero",
    "Bautista",
    "Estrada",
    "Cortés",
    "Núñez",
    "Ibáñez",
    "Xolalpa",
    "Coyotl",
    "Tepoz",
    "Cuevas",
    "Nava",
    "Zúñiga",
    "Peña",
    "Solís",
    "Ávila",
    "Espinoza",
    "Acosta",
    "Lara",
    "Olvera",
    "Galván",
    "Quintero",
    "Beltrán",
    "Patishtán",
    "Gómez Pérez",
    "Matías",
    "Carrasco",
    "Villanueva",
    "de la Cruz",
    "Sántiz",
    "Pascual",
    "Lucas",
    "Tzec",
]

GENDERS = [
    ("woman", 46),
    ("man", 44),
    ("non_binary", 3),
    ("trans_woman", 1.5),
    ("trans_man", 0.7),
    ("other", 0.8),
    ("undisclosed", 4),
]
DEFENDER_FIELDS = [
    ("land", 18),
    ("environment", 14),
    ("indigenous", 12),
    ("migrants", 8),
    ("women", 12),
    ("lgbti", 5),
    ("disappeared", 13),
    ("labour", 4),
    ("justice", 10),
    ("other", 4),
]
JOURNALIST_FIELDS = [("press", 45), ("corruption", 25), ("security", 25), ("other", 5)]
FIELD_WORDS = {
    "land": "la defensa de la tierra y el territorio",
    "environment": "la defensa del agua y del medio ambiente",
    "indigenous": "los derechos de su pueblo",
    "migrants": "el acompañamiento a personas migrantes",
    "women": "los derechos de las mujeres",
    "lgbti": "los derechos de las personas LGBTI",
    "disappeared": "la búsqueda de personas desaparecidas",
    "labour": "los derechos laborales",
    "justice": "el acceso a la justicia",
    "press": "su trabajo periodístico",
    "corruption": "sus investigaciones sobre corrupción",
    "security": "su cobertura de seguridad pública",
    "other": "su labor",
}
ORG_PREFIX = {
    "land": ["Comité en Defensa de la Tierra", "Consejo Agrario", "Asamblea de Comuneros"],
    "environment": ["Colectivo por el Agua", "Frente en Defensa del Río", "Guardianes del Bosque"],
    "indigenous": ["Consejo Indígena", "Policía Comunitaria", "Asamblea de Pueblos"],
    "migrants": ["Casa del Migrante", "Albergue", "Red de Acompañamiento a Migrantes"],
    "women": ["Colectiva Feminista", "Red de Defensoras", "Centro de Derechos de las Mujeres"],
    "lgbti": ["Colectivo de la Diversidad", "Casa Arcoíris", "Red Trans"],
    "disappeared": ["Colectivo de Búsqueda", "Madres Buscadoras", "Familias en Búsqueda"],
    "labour": ["Sindicato Independiente", "Centro de Apoyo al Trabajador"],
    "justice": ["Centro de Derechos Humanos", "Comisión Ciudadana de Derechos Humanos"],
    "press": ["Periódico", "Semanario", "Radio Comunitaria", "Portal de Noticias"],
    "corruption": ["Portal de Investigación", "Semanario", "Revista"],
    "security": ["Diario", "Noticiero", "Portal de Noticias"],
    "other": ["Colectivo", "Asociación Civil"],
}
ORG_SUFFIX = [
    "del Sur",
    "Tierra y Libertad",
    "Voces Libres",
    "Digna Rabia",
    "Nuevo Amanecer",
    "Raíz",
    "Xochiquetzal",
    "La Otra Voz",
    "Semilla",
    "Tequio",
    "El Faro",
    "Sin Miedo",
    "Kuxlejal",
    "Yoltika",
    "de la Montaña",
    "Costa Chica",
    "del Valle",
    "Norte",
    "Independiente",
    "Comunitaria",
]
COLLECTIVE_KIND_BY_FIELD = {
    "migrants": "shelter",
    "press": "media",
    "corruption": "media",
    "security": "media",
    "indigenous": "community",
    "land": "community",
    "environment": "community",
}
NGO_NAMES = [
    "Red Nacional de Organismos Civiles de Derechos Humanos",
    "Centro de Derechos Humanos Fray Bartolomé",
    "Artículo Libre",
    "Comité Cerezo Sur",
    "Centro Prodh Regional",
    "Red de Periodistas de a Pie",
    "Consorcio para el Diálogo",
    "JASS Mesoamérica",
    "Serapaz Regional",
    "Colectivo de Abogadas Defensoras",
    "Tlachinollan Norte",
    "Propuesta Cívica Sur",
    "Comunicación e Información de la Mujer",
    "Red TDT Regional",
    "Fundar Territorios",
    "Centro de Derechos Humanos de la Montaña",
]
GROUNDS = {
    "threat": "amenazas de muerte por teléfono y redes sociales",
    "harassment": "hostigamiento constante frente a su domicilio",
    "surveillance": "vigilancia de vehículos sin placas",
    "stigmatisation": "una campaña de desprestigio en redes",
    "digital": "la intervención de sus cuentas y comunicaciones",
    "physical_attack": "una agresión física al salir de su trabajo",
    "raid": "el allanamiento de su oficina",
    "theft_information": "el robo de su computadora y archivos",
    "arbitrary_detention": "una detención arbitraria",
    "criminalisation": "denuncias penales sin fundamento en su contra",
    "forced_displacement": "el desplazamiento forzado de su familia",
    "sexual_violence": "amenazas de violencia sexual",
    "attempted_killing": "un intento de homicidio",
    "killing": "el asesinato de un integrante de su organización",
    "disappearance": "la desaparición de un familiar",
}
AGG_TYPE_WEIGHTS = [
    ("threat", 30),
    ("harassment", 20),
    ("surveillance", 12),
    ("stigmatisation", 10),
    ("digital", 7),
    ("physical_attack", 6),
    ("raid", 3),
    ("theft_information", 3),
    ("arbitrary_detention", 2),
    ("criminalisation", 4),
    ("forced_displacement", 2),
    ("sexual_violence", 1),
    ("attempted_killing", 1.5),
    ("killing", 0.5),
    ("disappearance", 0.5),
]
AGGRESSORS = [
    ("unknown", 35),
    ("organised_crime", 20),
    ("municipal", 15),
    ("state", 10),
    ("private", 12),
    ("federal", 8),
]
PROSECUTORS = [("none", 40), ("state", 35), ("feadle", 12), ("fgr", 8), ("other", 5)]
INVESTIGATIONS = [("none", 15), ("open", 50), ("charged", 5), ("closed", 10), ("unknown", 20)]
CHANNELS = [
    ("in_person", 18),
    ("phone", 30),
    ("email", 28),
    ("letter", 7),
    ("web", 10),
    ("referral", 7),
]

# measure code -> (kind of implementing authority, typical days to implement, monthly cost MXN)
MEASURE_PLAN = {
    "evacuation": ("contractor", (0.2, 2), 18000),
    "temporary_relocation": ("contractor", (1, 7), 22000),
    "escorts": ("federal_police", (1, 10), 95000),
    "property_protection": ("state_police", (1, 10), None),
    "urgent_other": ("contractor", (1, 7), 5000),
    "mobile_phone": ("contractor", (5, 30), 450),
    "radio_phone": ("contractor", (7, 40), 600),
    "satellite_phone": ("contractor", (15, 90), 2800),
    "cameras": ("contractor", (10, 60), 2500),
    "locks": ("contractor", (7, 40), None),
    "lighting": ("contractor", (10, 50), 900),
    "alarms": ("contractor", (10, 60), 1200),
    "home_security_other": ("contractor", (10, 60), 1500),
    "bulletproof_vest": ("contractor", (10, 60), None),
    "metal_detector": ("contractor", (10, 60), 700),
    "armoured_vehicle": ("contractor", (30, 180), 60000),
    "patrols": ("police", (2, 20), None),
    "panic_button": ("contractor", (5, 35), 1200),
    "safe_house": ("contractor", (2, 20), 25000),
    "logistics": ("contractor", (3, 20), 4000),
    "protection_other": ("contractor", (7, 45), 3000),
    "instruction_sheets": ("mechanism", (2, 20), None),
    "self_protection_course": ("mechanism", (10, 60), None),
    "collective_self_protection": ("mechanism", (15, 75), None),
    "observer_accompaniment": ("mechanism", (5, 40), None),
    "preventive_other": ("mechanism", (5, 40), None),
    "collective_plan": ("mechanism", (20, 90), None),
    "community_early_warning": ("mechanism", (20, 90), 1500),
    "psychosocial_support": ("psychosocial", (7, 45), 3000),
}
INSTALLED = {"cameras", "locks", "lighting", "alarms", "home_security_other", "metal_detector"}
# (code, probability at the higher risk levels, probability at the lower ones)
MEASURE_PROFILE = [
    ("panic_button", 0.9, 0.7),
    ("mobile_phone", 0.75, 0.5),
    ("patrols", 0.8, 0.5),
    ("cameras", 0.7, 0.4),
    ("locks", 0.55, 0.35),
    ("lighting", 0.5, 0.3),
    ("alarms", 0.35, 0.1),
    ("escorts", 0.15, 0.0),
    ("bulletproof_vest", 0.15, 0.02),
    ("armoured_vehicle", 0.03, 0.0),
    ("safe_house", 0.04, 0.0),
    ("instruction_sheets", 0.85, 0.85),
    ("self_protection_course", 0.7, 0.65),
    ("observer_accompaniment", 0.05, 0.02),
    ("psychosocial_support", 0.3, 0.15),
    ("radio_phone", 0.15, 0.05),
    ("logistics", 0.08, 0.02),
    ("home_security_other", 0.2, 0.08),
]
COLLECTIVE_PROFILE = [
    ("collective_plan", 0.85),
    ("community_early_warning", 0.5),
    ("collective_self_protection", 0.8),
    ("cameras", 0.6),
    ("alarms", 0.35),
    ("patrols", 0.6),
    ("lighting", 0.4),
    ("locks", 0.3),
    ("psychosocial_support", 0.3),
]
COVERED_PROFILE = [
    ("panic_button", 0.7),
    ("patrols", 0.45),
    ("mobile_phone", 0.45),
    ("psychosocial_support", 0.25),
    ("instruction_sheets", 0.6),
    ("self_protection_course", 0.4),
]
URGENT_PROFILE = [
    ("patrols", 0.7),
    ("panic_button", 0.5),
    ("escorts", 0.2),
    ("temporary_relocation", 0.12),
    ("evacuation", 0.05),
    ("property_protection", 0.15),
    ("mobile_phone", 0.2),
]

# Texts ----------------------------------------------------------------------------------------

CONTEXT_SENTENCES = [
    "La zona tiene presencia de grupos delictivos que disputan el control del territorio.",
    "Existe un conflicto agrario de larga data con autoridades municipales.",
    "Un proyecto minero en la región ha generado divisiones en la comunidad.",
    "En el periodo electoral aumentaron las agresiones contra la prensa local.",
    "La comunidad denunció la tala ilegal y desde entonces recibe amenazas.",
    "Autoridades locales han descalificado públicamente su trabajo.",
    "En el municipio se han registrado otros asesinatos de personas defensoras.",
    "La región vive desplazamientos forzados por la violencia.",
]
OWN_VIEW = [
    "Teme por su vida y la de su familia; dice que las amenazas son cada vez más directas.",
    "Considera que el riesgo aumentó desde la última publicación.",
    "Dice que no puede salir sola de su casa y que dejó de asistir a reuniones.",
    "Cree que la policía municipal está coludida con quienes la amenazan.",
    "Pide medidas que no expongan a su comunidad ni alteren su trabajo.",
    "Prefiere medidas discretas: la presencia policial la estigmatiza entre vecinos.",
]
ROUTINES = [
    "Se traslada diariamente en transporte público por caminos de terracería.",
    "Trabaja en la redacción hasta la noche y regresa a su casa en taxi.",
    "Visita comunidades alejadas sin señal telefónica varias veces al mes.",
    "Acompaña búsquedas en campo los fines de semana.",
    "Sus horarios son predecibles: sale a la misma hora todos los días.",
]
DIFFERENTIAL = {
    "woman": "Mujer defensora: se consideran riesgos de violencia de género y cuidado de hijas e hijos.",
    "man": "Se consideran su labor pública y la exposición de su familia.",
    "non_binary": "Persona no binaria: riesgo agravado por discriminación; se usa su nombre de preferencia.",
    "trans_woman": "Mujer trans: riesgo agravado por discriminación; medidas con personal sensibilizado.",
    "trans_man": "Hombre trans: riesgo agravado por discriminación; medidas con personal sensibilizado.",
    "other": "Se atiende su identidad de género en el diseño de las medidas.",
    "undisclosed": "No declaró su identidad de género; se consideran los riesgos que expresó.",
}
REASONING = {
    "aggressor_capacity": [
        "Grupo armado con presencia en la zona.",
        "Autoridad municipal con control de la policía local.",
        "Particulares sin estructura conocida.",
    ],
    "aggressor_motive": [
        "Interés en frenar la denuncia pública.",
        "Conflicto por la tierra y los recursos.",
        "Represalia por publicaciones recientes.",
    ],
    "aggressor_steps": [
        "Amenazas reiteradas en el último mes.",
        "Vigilancia documentada.",
        "Un solo incidente sin seguimiento.",
    ],
    "vulnerability": [
        "Vive en zona rural aislada.",
        "Tiene dependientes a su cargo.",
        "Cuenta con red de apoyo cercana.",
    ],
    "work_exposure": [
        "Publicaciones con amplia difusión.",
        "Vocera pública del colectivo.",
        "Labor poco visible fuera de la comunidad.",
    ],
    "routines": [
        "Horarios predecibles.",
        "Trayectos por zonas de riesgo.",
        "Varía rutas y horarios.",
    ],
    "context": [
        "Región con alta violencia contra personas defensoras.",
        "Contexto electoral tenso.",
        "Contexto estable.",
    ],
    "differential": [
        "Mujer indígena en zona rural.",
        "Persona LGBTI en contexto hostil.",
        "Sin factores diferenciales relevantes.",
    ],
    "protective_capacity": [
        "Organización con protocolos de seguridad.",
        "Red comunitaria que alerta.",
        "Sin medidas propias.",
    ],
}
EVENT_NOTES = {
    "delivery": "Entrega a la persona beneficiaria; se firmó acta de recepción.",
    "installation": "Instalación concluida y verificada con la persona beneficiaria.",
    "device_test": "Prueba mensual del equipo.",
    "failed_activation": "La persona activó el equipo y no hubo respuesta.",
    "activation": "Activación atendida por la autoridad.",
    "fault": "La persona reporta falla del equipo.",
    "repair": "Reparación o reemplazo del equipo.",
    "visit": "Visita de seguimiento al domicilio.",
    "contact": "Llamada de seguimiento con la persona beneficiaria.",
    "feedback": "La persona opina sobre la medida.",
    "burden": "La persona reporta un costo derivado de la medida (energía eléctrica).",
}
DEFER_REASONS = [
    "Falta la renuncia escrita de la persona beneficiaria para resolver en su ausencia.",
    "La Junta pidió información adicional a la Unidad de Evaluación de Riesgos.",
    "No alcanzó el tiempo de la sesión.",
]
COURTS = [
    "Juzgado Primero de Distrito en Materia Administrativa en la Ciudad de México",
    "Juzgado Segundo de Distrito en el Estado de Oaxaca",
    "Juzgado Tercero de Distrito en el Estado de Guerrero",
    "Juzgado Cuarto de Distrito en el Estado de Veracruz",
    "Juzgado Octavo de Distrito en Materia Administrativa en la Ciudad de México",
]
LEGAL_BASIS = {
    "grant": "Artículos 8, 26, 29 y 33 de la Ley para la Protección de Personas Defensoras de "
    "Derechos Humanos y Periodistas.",
    "extend": "Artículos 29, 35 y 39 de la Ley.",
    "modify": "Artículos 29, 35 y 39 de la Ley.",
    "reduce": "Artículos 35 y 39 de la Ley.",
    "withdraw": "Artículos 36 y 39 de la Ley.",
    "deny": "Artículos 24 y 29 de la Ley.",
    "rule_on_appeal": "Artículos 55 a 58 de la Ley.",
}
DECISION_TEXT = {
    "grant": "Se incorpora a la persona al Mecanismo con nivel de riesgo {level} y se otorgan "
    "{n} medidas de protección por {months} meses.",
    "extend": "Se confirma el nivel de riesgo {level} y se prorrogan las medidas vigentes "
    "por {months} meses.",
    "modify": "Se confirma el nivel de riesgo {level}; se sustituyen medidas conforme a la "
    "revaluación.",
    "reduce": "Con nivel de riesgo {level}, se reducen las medidas conforme a la revaluación.",
    "withdraw": "Se retiran las medidas de protección: {ground}.",
    "deny": "Se niega la incorporación al no acreditarse un riesgo vinculado a la labor.",
    "rule_on_appeal": "Se resuelve la inconformidad: {outcome}.",
}


# Helpers -------------------------------------------------------------------------------------


class SyntheticDataError(Exception):
    """A refusal the command shows as an error (data present without --reset, bad options)."""


def _weighted(pairs):
    values = [v for v, _w in pairs]
    cum, total = [], 0.0
    for _v, w in pairs:
        total += w
        cum.append(total)
    return values, cum, total


def _pick(r, table):
    values, cum, total = table
    return values[bisect.bisect_right(cum, r.random() * total)]


def _tri_days(r, low, high):
    """Days between low and high, skewed towards low (a long tail, as real delays are)."""
    return low + (high - low) * r.random() ** 2


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _verification_code(n, salt):
    """A unique 10-character code per letter: a bijection of the letter's number (odd
    multiplier modulo 32**10), so codes never collide and do not reveal the sequence."""
    space = 32**10
    value = (n * 0x9E3779B97F4A7C15 + salt) % space
    chars = []
    for _ in range(10):
        value, digit = divmod(value, 32)
        chars.append(_CODE_ALPHABET[digit])
    return "".join(chars)


# Tables ----------------------------------------------------------------------------------------

RAW_FIELD_TYPES = (
    models.AutoField,
    models.BigAutoField,
    models.SmallAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.BooleanField,
    models.CharField,
    models.SlugField,
    models.EmailField,
    models.TextField,
    models.DateTimeField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
    models.OneToOneField,
    models.FileField,
)


@dataclass
class Table:
    """Rows of one model, with primary keys allocated before the rows are written.

    History ("+" rows) is derived at write time from the rows themselves (`hist_date`,
    `hist_user` column names, or `hist_users` kept beside the rows); tables whose records change
    during the story append explicit snapshots (`snap`). `take()` hands the rows gathered so far
    to the writer, so cases are written chunk by chunk while the next chunk is simulated."""

    model: type
    cols: tuple
    hist_date: str | None = None
    hist_user: str | None = None  # column holding the actor; None: per-row list hist_users
    hist_reason: str | None = None
    explicit_history: bool = False
    retained: bool = False  # written once at the end (numbered or positioned afterwards)
    rows: list = field(default_factory=list)
    hist_users: list = field(default_factory=list)
    snaps: list = field(default_factory=list)
    next_id: int = 1
    hist_base: int = 1
    total: int = 0  # rows added so far (lazy history ids are hist_base + this index)
    taken: int = 0  # rows already handed to the writer

    def nid(self):
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, row, user=None):
        """Append a row; returns its global position (its "+" history row's id offset)."""
        self.rows.append(row)
        if self.hist_date is not None and self.hist_user is None:
            self.hist_users.append(user)
        self.total += 1
        return self.total - 1

    def snap(self, values, at, user, kind, reason=None):
        self.snaps.append((values, at, user, kind, reason))

    @property
    def has_history(self):
        return self.explicit_history or self.hist_date is not None

    def take(self):
        """The rows gathered since the last take: (rows, hist_users, snaps, first position)."""
        batch = (self.rows, self.hist_users, self.snaps, self.taken)
        self.taken += len(self.rows)
        self.rows, self.hist_users, self.snaps = [], [], []
        return batch


class Writer:
    """Writes rows with executemany (any database). Foreign keys are deferred to the commit
    (Django creates them DEFERRABLE INITIALLY DEFERRED), so tables may come in any order."""

    background = False

    def __init__(self, out):
        self.out = out

    def prepare(self, models_):
        pass

    def write(self, model, cols, rows, expected=0):
        fields = [_field(model, c) for c in cols]
        # Identifiers come from the models' metadata, quoted; values are parameters.
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            connection.ops.quote_name(model._meta.db_table),
            ", ".join(connection.ops.quote_name(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        preps = [f.get_db_prep_save for f in fields]
        batch = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append([p(v, connection) for p, v in zip(preps, row, strict=True)])
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def finish(self, models_written, timings):
        started = time.monotonic()
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models_written):
                cursor.execute(sql)
        timings.append(("sequences", time.monotonic() - started))


class PgWriter(Writer):
    """COPY (binary format) on the surrounding transaction's connection, from a background
    thread while the next chunk of cases is simulated.

    With `bulk`, every loaded table's foreign keys are dropped before the first COPY and
    re-added at the end, and so are the secondary indexes of the big tables, all inside the
    same transaction: re-adding a foreign key checks every row with one set-based query instead
    of one trigger call per row, and an index built once is far cheaper than one maintained row
    by row (pg_restore's recipe). A failure anywhere rolls all of it back. Tables emptied in
    this transaction (`freeze`) are loaded with COPY FREEZE: rows arrive frozen and visible, so
    the load needs no VACUUM afterwards, only ANALYZE. Without `bulk`, foreign keys are checked
    at commit."""

    background = True

    def __init__(self, out, *, bulk, freeze=()):
        super().__init__(out)
        self.bulk = bulk
        self.freeze = set(freeze)
        self.pg = connection.connection  # the psycopg connection of this transaction
        self.dropped_indexes = []
        self.dropped_fks = []
        self.types = {}
        self.seen = set()

    def prepare(self, models_):
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Fire pending deferred checks now (ALTER TABLE refuses tables that have some).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for model in models_:
                table = model._meta.db_table
                cursor.execute(
                    "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass "
                    "AND attnum > 0 AND NOT attisdropped",
                    [table],
                )
                self.types[table] = dict(cursor.fetchall())
                if not self.bulk:
                    continue
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    self.dropped_fks.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')

    def _drop_indexes(self, cursor, table):
        """Drop the table's secondary indexes (not those behind a primary key or a unique
        constraint), to be rebuilt in finish()."""
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        for name, definition in cursor.fetchall():
            self.dropped_indexes.append((table, definition))
            cursor.execute(f'DROP INDEX "{name}"')

    def write(self, model, cols, rows, expected=0):
        fields = [_field(model, c) for c in cols]
        table = model._meta.db_table
        types = self.types[table]
        oids = [types[f.column] for f in fields]
        custom = [(i, f) for i, f in enumerate(fields) if type(f) not in RAW_FIELD_TYPES]
        django_connection = connection
        columns = ", ".join(f'"{f.column}"' for f in fields)
        options = "FORMAT BINARY, FREEZE" if table in self.freeze else "FORMAT BINARY"
        with self.pg.cursor() as cursor:
            if table not in self.seen:
                self.seen.add(table)
                if self.bulk and expected >= INDEX_DEFER_ROWS:
                    self._drop_indexes(cursor, table)
            with cursor.copy(f'COPY "{table}" ({columns}) FROM STDIN ({options})') as copy:
                copy.set_types(oids)
                write_row = copy.write_row
                if custom:
                    for row in rows:
                        row = list(row)
                        for i, f in custom:
                            row[i] = f.get_db_prep_save(row[i], django_connection)
                        write_row(row)
                else:
                    for row in rows:
                        write_row(row)

    def finish(self, models_written, timings):
        with connection.cursor() as wrapper:
            cursor = wrapper.cursor
            started = time.monotonic()
            for _table, definition in self.dropped_indexes:
                cursor.execute(definition)
            if self.dropped_indexes:
                timings.append(
                    (f"indexes ({len(self.dropped_indexes)} rebuilt)", time.monotonic() - started)
                )
                self.out(f"  {len(self.dropped_indexes)} indexes rebuilt in {timings[-1][1]:.1f} s")
            started = time.monotonic()
            for table, name, definition in self.dropped_fks:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if self.dropped_fks:
                timings.append(
                    (
                        f"foreign keys ({len(self.dropped_fks)} re-added and checked)",
                        time.monotonic() - started,
                    )
                )
                self.out(
                    f"  {len(self.dropped_fks)} foreign keys re-added and checked in "
                    f"{timings[-1][1]:.1f} s"
                )
        super().finish(models_written, timings)


class Background:
    """One worker thread that writes the chunks handed to it, one at a time; at most one chunk
    waits in the queue, so memory stays bounded. An error stops the load at the next hand-off."""

    def __init__(self, work):
        self.work = work
        self.queue = queue.Queue(maxsize=1)
        self.error = None
        self.thread = threading.Thread(target=self._run, name="synthetic-writer", daemon=True)
        self.thread.start()

    def _run(self):
        while True:
            item = self.queue.get()
            if item is None:
                return
            if self.error is None:
                try:
                    self.work(item)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                    self.error = exc

    def submit(self, item):
        if self.error is not None:
            raise self.error
        self.queue.put(item)

    def close(self):
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _field(model, attname):
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    raise SyntheticDataError(f"{model.__name__} has no column {attname}")


def _fill_value(f, anchor):
    """A value for a column the generator does not know (a field added after it was written)."""
    if f.has_default():
        return f.get_default()
    if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
        return anchor
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise SyntheticDataError(
        f"cases/synthetic.py does not know how to fill {f.model.__name__}.{f.name} "
        "(no default, not nullable): teach it the new field."
    )


# The generator -------------------------------------------------------------------------------


class Synth:
    def __init__(self, *, cases, seed, as_of, out):
        self.n = cases
        self.seed = seed
        self.out = out
        self.zone = clocks.mechanism_zone()
        self.anchor = datetime(as_of.year, as_of.month, as_of.day, tzinfo=self.zone).astimezone(UTC)
        self.start = self.anchor - timedelta(days=round(365.25 * YEARS))
        self.rules = clocks.rules()
        self.m = apps.get_model
        self._deadline_case = self.m("cases", "Case")()
        self._load_reference()
        self._derived_person_fields()
        self._define_tables()

    # reference data and tables ----------------------------------------------------------------

    def _load_reference(self):
        State = self.m("cases", "State")
        states = {s.code: s for s in State.objects.all()}
        if not states:
            raise SyntheticDataError("No states: run migrate first (reference data).")
        pairs = [
            ((code, states[code].pk, states[code].name), w)
            for code, w in STATE_WEIGHTS.items()
            if code in states
        ]
        pairs += [
            ((code, s.pk, s.name), 1) for code, s in states.items() if code not in STATE_WEIGHTS
        ]
        self.state_table = _weighted(pairs)
        self.state_ids = {code: s.pk for code, s in states.items()}
        self.agg_types = {t.code: t.pk for t in self.m("cases", "AggressionType").objects.all()}
        self.agg_table = _weighted(
            [(c, w) for c, w in AGG_TYPE_WEIGHTS if c in self.agg_types]
            or [(c, 1) for c in self.agg_types]
        )
        reasons = list(
            self.m("cases", "AdmissibilityReason").objects.filter(active=True).order_by("code")
        )
        self.admit_reasons = [x.pk for x in reasons if x.for_admission]
        self.reject_reasons = [x.pk for x in reasons if not x.for_admission]
        RiskFactor = self.m("risk", "RiskFactor")
        RiskLevel = self.m("risk", "RiskLevel")
        self.factors = list(RiskFactor.objects.filter(active=True).order_by("order", "code"))
        self.levels = list(RiskLevel.objects.filter(scale__active=True).order_by("rank"))
        if not self.factors or not self.levels:
            raise SyntheticDataError("No active risk scale or factors: run migrate first.")
        self.high_levels = {lv.pk for lv in self.levels[len(self.levels) // 2 :]}
        self.level_name = {lv.pk: lv.name for lv in self.levels}
        types = list(self.m("measures", "MeasureType").objects.filter(active=True))
        self.mtypes = {t.code: t for t in types}
        if not self.mtypes:
            raise SyntheticDataError("No measure catalogue: run migrate first.")
        self.series = {s.key: s for s in NumberSeries.objects.all()}
        for key in ("case", "decision", "letter"):
            if key not in self.series:
                raise SyntheticDataError(f"Number series '{key}' is missing: run migrate first.")
        from risk import scoring

        self._scoring = scoring
        self._score_cache = {}
        self._score_fast = True
        self._score_checked = 0
        self._months_fast = True
        self._months_checked = 0
        self.factor_ids = [f.pk for f in self.factors]
        self.factor_params = [(f.weight, f.max_score, f.reduces_risk) for f in self.factors]
        self.factor_reasons = [
            REASONING.get(f.code, ["Valoración de la persona analista."]) for f in self.factors
        ]
        self.level_thresholds = [
            (lv.min_score, lv.pk) for lv in sorted(self.levels, key=lambda lv: lv.rank)
        ]
        self.mtype_pk = {code: t.pk for code, t in self.mtypes.items()}
        self.devices = {code for code, t in self.mtypes.items() if t.is_device}
        try:
            from measures.letters.services import TEMPLATE_VERSION
        except ImportError:  # pragma: no cover - letters module always present today
            TEMPLATE_VERSION = "oficio"
        self.template_version = TEMPLATE_VERSION

    def _derived_person_fields(self):
        """Columns Person.save() derives from others (keyed hashes of the encrypted contact
        channels, for exact search): computed the same way here, since COPY skips save()."""
        names = {f.attname for f in self.m("cases", "Person")._meta.concrete_fields}
        self.person_derived_cols = ""
        self._blind_index = None
        if {"phone_index", "email_index"} <= names:
            from protection.security.crypto import blind_index

            self._blind_index = blind_index
            self.person_derived_cols = " phone_index email_index"

    def person_derived(self, phone, email):
        if self._blind_index is None:
            return ()
        return self._blind_index(phone), self._blind_index(email)

    def _define_tables(self):
        m = self.m
        T = {}

        def table(key, app, name, cols, **kw):
            T[key] = Table(m(app, name), tuple(cols.split()), **kw)

        table(
            "user",
            "protection",
            "User",
            "id password last_login is_superuser username first_name last_name email "
            "is_staff is_active date_joined role unit institution time_zone",
            hist_date="date_joined",
            hist_reason="Alta de usuario (datos sintéticos)",
        )
        table(
            "authority",
            "measures",
            "ImplementingAuthority",
            "id name short_name level state_id subcontractor_of_id addressee_post address email active "
            "version",
            explicit_history=True,
        )
        table(
            "member",
            "measures",
            "BoardMember",
            "id name seat institution user_id substitute_for_id gender active",
            explicit_history=True,
        )
        table(
            "session",
            "measures",
            "BoardSession",
            "id version kind number scheduled_at place status papers_due_at papers_sent_at "
            "papers_file papers_sha256 opened_at closed_at",
            explicit_history=True,
        )
        table(
            "attendance",
            "measures",
            "Attendance",
            "id session_id member_id present papers_sent_at",
            explicit_history=True,
        )
        table(
            "person",
            "cases",
            "Person",
            "id version given_names family_names preferred_name gender birth_year indigenous "
            "ethnic_identity languages needs_interpreter disability profile_type "
            "field_of_work organisation state_id municipality rural phone email home_address "
            "safe_contact_notes created_at" + self.person_derived_cols,
            hist_date="created_at",
            hist_reason="Registro en solicitud",
        )
        table(
            "collective",
            "cases",
            "Collective",
            "id version name kind profile_type field_of_work member_count state_id "
            "municipality rural phone email address created_at",
            hist_date="created_at",
            hist_reason="Registro en solicitud",
        )
        table(
            "case",
            "cases",
            "Case",
            "id version file_number status procedure assigned_officer_id unit opened_at "
            "summary current_risk_level_id beneficiary_requested_presence urgent_issue_due_at "
            "urgent_issued_at urgent_implement_due_at urgent_implemented_at risk_study_due_at "
            "reevaluation_due_at next_deadline_at closed_at closure_reason closure_notes "
            "search_text",
            explicit_history=True,
        )
        table(
            "request",
            "cases",
            "ProtectionRequest",
            "id case_id received_at channel petitioner_person_id petitioner_collective_id "
            "acting_on_behalf declares_imminent_danger procedure facts registered_by_id",
            hist_date="received_at",
            hist_user="registered_by_id",
        )
        table(
            "party",
            "cases",
            "CasePerson",
            "id case_id person_id collective_id role relationship from_date to_date "
            "added_by_risk_study",
            explicit_history=True,
        )
        table(
            "consent",
            "cases",
            "Consent",
            "id case_id person_id purpose third_party_user_id third_party_name given_at "
            "deferred_reason withdrawn_at evidence recorded_by_id",
            explicit_history=True,
        )
        table(
            "aggression",
            "cases",
            "Aggression",
            "id case_id victim_id occurred_on state_id municipality place presumed_aggressor "
            "reported_to complaint_reference investigation_status description after_request "
            "recorded_by_id recorded_at",
            hist_date="recorded_at",
            hist_user="recorded_by_id",
        )
        table(
            "external",
            "cases",
            "ExternalProtection",
            "id case_id body body_detail reference granted_on risk_level_found_id "
            "risk_level_text active notes",
            explicit_history=True,
        )
        table(
            "admissibility",
            "cases",
            "AdmissibilityDecision",
            "id case_id admitted explanation decided_by_id decided_at",
            hist_date="decided_at",
            hist_user="decided_by_id",
        )
        table(
            "assessment",
            "risk",
            "ImmediateActionAssessment",
            "id case_id performed_by_id performed_at findings imminent_danger_confirmed "
            "recommended_measures",
            hist_date="performed_at",
            hist_user="performed_by_id",
        )
        table(
            "study",
            "risk",
            "RiskStudy",
            "id version case_id kind status analyst_id requested_at due_at narrative_context "
            "differential_considerations person_own_view routines proposed_duration_months "
            "proposed_measures_notes weighted_score suggested_level_id resulting_level_id "
            "level_justification submitted_at approved_by_id approved_at return_notes",
            explicit_history=True,
        )
        table(
            "score",
            "risk",
            "FactorScore",
            "id study_id factor_id score reasoning",
            explicit_history=True,
        )
        table(
            "proposed",
            "risk",
            "ProposedMeasure",
            "id study_id measure_type_id covered_id duration_months context_notes",
            explicit_history=True,
        )
        table(
            "reevaluation",
            "risk",
            "Reevaluation",
            "id case_id trigger requested_at requested_by_id reason study_id",
            hist_date="requested_at",
            hist_user="requested_by_id",
        )
        table(
            "item",
            "measures",
            "AgendaItem",
            "id session_id case_id kind position status risk_study_id appeal_id "
            "deferred_reason beneficiary_requested_presence beneficiary_attended "
            "absence_waiver",
            explicit_history=True,
        )
        table(
            "appeal",
            "measures",
            "Appeal",
            "id case_id track against_decision_id against_implementation filed_at "
            "filing_deadline_at grounds status new_study_id independent_study_id "
            "consejo_ruling_due_at consejo_ruling consejo_ruled_at ruling_due_at ruled_at "
            "ruling upheld recorded_by_id",
            hist_date="filed_at",
            hist_user="recorded_by_id",
        )
        table(
            "decision",
            "measures",
            "Decision",
            "id session_id agenda_item_id case_id number resolution legal_basis "
            "confirmed_risk_level_id votes_for votes_against votes_abstaining dissent "
            "withdrawal_ground text status recorded_by_id confirmed_by_id confirmed_at "
            "notification_due_at notified_at supersedes_id",
            hist_date="confirmed_at",
            hist_user="confirmed_by_id",
            hist_reason="Acuerdo confirmado",
        )
        table(
            "measure",
            "measures",
            "GrantedMeasure",
            "id version case_id decision_id origin measure_type_id covered_id authority_id "
            "responsible_id details status granted_at duration_months notification_due_at "
            "notified_at implementation_due_at implemented_at review_due_at ended_at "
            "end_reason ended_by_decision_id monthly_cost state_id",
            explicit_history=True,
        )
        table(
            "line",
            "measures",
            "DecisionLine",
            "id decision_id action measure_type_id covered_id authority_id duration_months "
            "details target_id result_id",
            explicit_history=True,
        )
        table(
            "event",
            "measures",
            "ImplementationEvent",
            "id measure_id kind occurred_at outcome response_minutes burden_amount "
            "resolves_id notes recorded_by_id recorded_at",
            hist_date="recorded_at",
            hist_user="recorded_by_id",
        )
        table(
            "hold",
            "measures",
            "LegalHold",
            "id case_id measure_id court reference issued_on lifted_on notes recorded_by_id",
            explicit_history=True,
        )
        table(
            "letter",
            "measures",
            "Letter",
            "id decision_id recipient_kind recipient_party_id recipient_authority_id number "
            "version template_version status verification_code content_sha256 file "
            "generated_at sent_at sent_via acknowledged_at superseded_by_id attempts "
            "claimed_at last_error",
            explicit_history=True,
        )
        # Many-to-many rows and their history (simple-history's m2m tracking).
        agg_types = m("cases", "Aggression").types.through
        adm_reasons = m("cases", "AdmissibilityDecision").reasons.through
        T["agg_types"] = Table(agg_types, ("id", "aggression_id", "aggressiontype_id"))
        T["adm_reasons"] = Table(
            adm_reasons, ("id", "admissibilitydecision_id", "admissibilityreason_id")
        )
        hist_m2m = {}
        for key, owner, through_key in (
            ("agg_types_h", "Aggression", "agg_types"),
            ("adm_reasons_h", "AdmissibilityDecision", "adm_reasons"),
        ):
            model = self._m2m_history_model(m("cases", owner))
            if model is not None:
                cols = tuple(f.attname for f in model._meta.concrete_fields)
                T[key] = Table(model, cols)
                hist_m2m[through_key] = key
        self.hist_m2m = hist_m2m
        for key in ("session", "attendance", "item", "decision", "letter"):
            T[key].retained = True  # numbered and positioned once every case is simulated
        self.T = T

    @staticmethod
    def _m2m_history_model(owner):
        historical = owner.history.model
        for rel in historical._meta.related_objects:
            model = rel.related_model
            if model._meta.model_name.startswith(historical._meta.model_name + "_"):
                return model
        return None

    # users, authorities, Board members, sessions ----------------------------------------------

    ROLE_COUNTS = (  # role, minimum, one per this many cases
        (Role.RECEPTION, 5, 1500),
        (Role.ANALYST, 6, 1000),
        (Role.FOLLOW_UP, 8, 600),
        (Role.COORDINATOR, 3, 5000),
        (Role.CONSULTANT, 3, 10000),
        (Role.ADMINISTRATOR, 2, 10**9),
    )

    def _users(self, r):
        from protection.models import ROLE_UNIT

        t = self.T["user"]
        self.users = {}
        self.user_weights = {}
        self.user_unit = {}
        joined = self.start - timedelta(days=200)
        counters = {}

        def make(role, first, last, institution=""):
            counters[role] = counters.get(role, 0) + 1
            uid = t.nid()
            username = f"{USERNAME_PREFIX}{role}.{counters[role]:03d}"
            password = "!" + "".join(r.choice(_CODE_ALPHABET) for _ in range(40))
            t.add(
                (
                    uid,
                    password,
                    None,
                    False,
                    username,
                    first,
                    last,
                    f"{username}@mecanismo.example",
                    False,
                    True,
                    joined + timedelta(days=r.randrange(0, 400)),
                    str(role),
                    str(ROLE_UNIT.get(role, "")),
                    institution,
                    "",
                )
            )
            self.user_unit[uid] = str(ROLE_UNIT.get(role, ""))
            return uid

        for role, minimum, per in self.ROLE_COUNTS:
            count = max(minimum, self.n // per)
            ids = []
            for _ in range(count):
                gender = "woman" if r.random() < 0.55 else "man"
                first = r.choice(GIVEN_F if gender == "woman" else GIVEN_M)
                ids.append(make(role, first, f"{r.choice(FAMILY)} {r.choice(FAMILY)}"))
            self.users[role] = ids
            # Uneven caseloads: some officers carry three times what others do.
            self.user_weights[role] = _weighted([(u, 0.5 + r.random() * 1.5) for u in ids])
        # Board members' own accounts (five government seats, four civil-society seats).
        self.board_users = {}
        for seat, role, institution in BOARD_SEATS:
            if role is None:
                continue
            first = r.choice(GIVEN_F if len(self.board_users) % 2 else GIVEN_M)
            uid = make(role, first, f"{r.choice(FAMILY)} {r.choice(FAMILY)}", institution)
            self.board_users[(seat, institution)] = uid
            self.users.setdefault(role, []).append(uid)

    def _user(self, r, role):
        return _pick(r, self.user_weights[role])

    def _authorities(self):
        t = self.T["authority"]
        self.auth = {}
        federal = [
            ("Guardia Nacional", "GN"),
            ("Secretaría de Seguridad y Protección Ciudadana", "SSPC"),
            ("Comisión Ejecutiva de Atención a Víctimas", "CEAV"),
            ("Unidad de Prevención, Seguimiento y Análisis del Mecanismo", "UPSA"),
        ]
        for name, short in federal:
            aid = t.nid()
            t.add(
                (
                    aid,
                    name,
                    short,
                    "federal",
                    None,
                    None,
                    "Titular",
                    "Ciudad de México",
                    f"oficios.{short.lower()}@gob.example",
                    True,
                    1,
                )
            )
            self.auth[short] = aid
        contractor = t.nid()
        t.add(
            (
                contractor,
                "Seguridad Integral Contratada, S.A. de C.V.",
                "Contratista",
                "contractor",
                None,
                None,
                "Representante legal",
                "Ciudad de México",
                "operaciones@contratista.example",
                True,
                1,
            )
        )
        self.auth["contractor"] = [contractor]
        for name, short in (
            ("Tecnologías de Alerta, S.A. de C.V.", "TecAlerta"),
            ("Instalaciones Seguras del Centro, S.A. de C.V.", "InstSeg"),
        ):
            aid = t.nid()
            t.add(
                (
                    aid,
                    name,
                    short,
                    "contractor",
                    None,
                    contractor,
                    "Gerencia de operaciones",
                    "Ciudad de México",
                    f"ops@{short.lower()}.example",
                    True,
                    1,
                )
            )
            self.auth["contractor"].append(aid)
        self.auth["state"] = {}
        self.auth["municipal"] = {}
        for code, state_id in sorted(self.state_ids.items()):
            aid = t.nid()
            t.add(
                (
                    aid,
                    f"Secretaría de Seguridad Pública de {code}",
                    f"SSP {code}",
                    "state",
                    state_id,
                    None,
                    "Titular",
                    "",
                    "",
                    True,
                    1,
                )
            )
            self.auth["state"][code] = aid
            capital = MUNICIPALITIES.get(code, ["Capital"])[0]
            aid = t.nid()
            t.add(
                (
                    aid,
                    f"Policía Municipal de {capital}",
                    f"PM {capital}"[:40],
                    "municipal",
                    state_id,
                    None,
                    "Titular",
                    "",
                    "",
                    True,
                    1,
                )
            )
            self.auth["municipal"][code] = aid
        created = self.start - timedelta(days=90)
        admin = self.users[Role.ADMINISTRATOR][0]
        for row in t.rows:
            t.snap(row, created, admin, "+", "Alta en el catálogo de autoridades")

    def _authority_for(self, r, code, state_code):
        kind = MEASURE_PLAN.get(code, ("contractor",))[0]
        if kind == "contractor":
            return r.choice(self.auth["contractor"])
        if kind == "federal_police":
            return self.auth["GN"] if r.random() < 0.7 else self.auth["state"][state_code]
        if kind == "state_police":
            return self.auth["state"][state_code]
        if kind == "police":
            return (
                self.auth["state"][state_code]
                if r.random() < 0.6
                else self.auth["municipal"][state_code]
            )
        if kind == "psychosocial":
            return self.auth["CEAV"]
        return self.auth["UPSA"] if r.random() < 0.7 else self.auth["contractor"][0]

    def _members(self, r):
        t = self.T["member"]
        self.members = []  # (member id, votes, civil)
        for seat, _role, institution in BOARD_SEATS:
            mid = t.nid()
            gender = "woman" if len(self.members) % 2 else "man"
            first = r.choice(GIVEN_F if gender == "woman" else GIVEN_M)
            t.add(
                (
                    mid,
                    f"{first} {r.choice(FAMILY)} {r.choice(FAMILY)}",
                    seat,
                    institution,
                    self.board_users.get((seat, institution)),
                    None,
                    gender,
                    True,
                )
            )
            self.members.append((mid, seat != "invitee", seat in ("council_hr", "council_press")))
        created = self.start - timedelta(days=60)
        admin = self.users[Role.ADMINISTRATOR][0]
        for row in t.rows:
            t.snap(row, created, admin, "+", "Alta de integrante de la Junta")

    def _schedule(self):
        """Board session slots from the start of the window to 45 days past the reference date:
        monthly at the Mexican scale; at larger scales as many sessions a month as keep about
        30 cases on each agenda, on different working days."""
        per_month = self.n * ITEMS_PER_CASE / (12 * YEARS)
        k = max(1, round(per_month / CASES_PER_SESSION))
        first = self.ldate(self.start + 20 * D)
        last = self.ldate(self.anchor + 45 * D)
        days = [first + timedelta(days=k_) for k_ in range((last - first).days + 1)]
        workdays = [d for d in days if d.weekday() < 5]
        chosen = []
        if k == 1:  # the Mexican rhythm: one ordinary session a month, mid-month
            months = sorted({(d.year, d.month) for d in workdays})
            for year, month in months:
                candidates = [d for d in workdays if (d.year, d.month) == (year, month)]
                chosen.append((min(candidates, key=lambda d: abs(d.day - 15)), 10))
        else:  # evenly over the working days, several a day if need be
            total = round(k * len(workdays) / (365.25 / 7 * 5 / 12))
            per_day = {}
            for j in range(total):
                d = workdays[int(j * len(workdays) / total)]
                per_day[d] = per_day.get(d, 0) + 1
                chosen.append((d, SESSION_HOURS[(per_day[d] - 1) % len(SESSION_HOURS)]))
        slots = []
        for d, h in sorted(chosen):
            at = datetime(d.year, d.month, d.day, tzinfo=self.zone) + timedelta(hours=h)
            slots.append(at.astimezone(UTC))
        self.slot_at = slots
        board_papers = self.rules[Clock.BOARD_PAPERS]
        self.slot_papers_due = [
            clocks.due_before(Clock.BOARD_PAPERS, at, zone=self.zone, clock_rule=board_papers)
            for at in slots
        ]
        self.slot_items = [[] for _ in slots]
        self.slot_capacity = 0 if k == 1 else CASES_PER_SESSION * 3 // 2
        self.slot_attendance = []
        for j, _at in enumerate(slots):
            r = random.Random(self.seed * 7919 + j)  # noqa: S311 - synthetic data, not secrets
            while True:
                present = [r.random() < (0.88 if votes else 0.5) for _m, votes, _c in self.members]
                voting = sum(
                    p for p, (_m, votes, _c) in zip(present, self.members, strict=True) if votes
                )
                civil = sum(p for p, (_m, _v, c) in zip(present, self.members, strict=True) if c)
                if voting >= 5 and civil >= 1:
                    break
            self.slot_attendance.append((present, voting, r.random()))

    def _slot_for(self, ready):
        """The first session whose papers are due after the case is ready (one day to prepare
        them) and whose agenda is not full; None when it is beyond the known schedule. A
        monthly Board takes every case that is ready; a Board that meets several times a week
        spreads them (otherwise the first session after each weekend would take them all)."""
        j = bisect.bisect_left(self.slot_papers_due, ready + D)
        cap = self.slot_capacity
        if cap:
            while j < len(self.slot_at) and len(self.slot_items[j]) >= cap:
                j += 1
        return j if j < len(self.slot_at) else None

    # derived values ----------------------------------------------------------------------------

    def score(self, scores):
        """Weighted score and suggested level of a set of factor scores.

        risk.scoring.compute is the reference; it also writes explanatory sentences (gettext),
        too slow for hundreds of thousands of studies. The same arithmetic is done here and
        checked against compute() on the first distinct score patterns: if they ever disagree,
        compute() is used for every study."""
        if self._score_checked >= 64 or not self._score_fast:
            if self._score_fast:
                return self._score_quick(scores)
            hit = self._score_cache.get(scores)
            if hit is None:
                hit = self._score_cache[scores] = self._score_reference(scores)
            return hit
        quick = self._score_quick(scores)
        if quick != self._score_reference(scores):
            self._score_fast = False
            self.out("  note: risk.scoring changed; using scoring.compute() for every study")
            return self._score_reference(scores)
        self._score_checked += 1
        return quick

    def _score_reference(self, scores):
        given = {pk: (value, "") for pk, value in zip(self.factor_ids, scores, strict=True)}
        result = self._scoring.compute(self.factors, given, self.levels)
        level = result.suggested_level or self.levels[0]
        return result.weighted_score, level.pk

    def _score_quick(self, scores):
        aggravating = protective = possible = 0
        for (weight, max_score, reduces), value in zip(self.factor_params, scores, strict=True):
            if reduces:
                protective += value * weight
            else:
                aggravating += value * weight
                possible += weight * max_score
        net = max(
            Decimal(aggravating) - Decimal(protective) * self._scoring.PROTECTIVE_FACTOR, Decimal(0)
        )
        weighted = (net / possible * 100) if possible else Decimal(0)
        weighted = weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        suggested = self.levels[0].pk
        for min_score, pk in self.level_thresholds:
            if weighted >= min_score:
                suggested = pk
        return weighted, suggested

    def next_deadline(self, c):
        """Case.next_deadline_at by the model's own rule (cases.lifecycle.next_deadline)."""
        case = self._deadline_case
        for key in (
            "status",
            "urgent_issue_due_at",
            "urgent_issued_at",
            "urgent_implement_due_at",
            "urgent_implemented_at",
            "risk_study_due_at",
            "reevaluation_due_at",
        ):
            setattr(case, key, c[key])
        return next_deadline(case)

    # time helpers ------------------------------------------------------------------------------

    def due(self, clock, start):
        return clocks.due_at(clock, start, zone=self.zone, clock_rule=self.rules[clock])

    def months(self, start, n):
        """clocks.shift by n calendar months (relativedelta semantics: the same day of the
        month, or its last day), without relativedelta's cost; checked against clocks.shift on
        the first calls, which is used for good if they ever disagree."""
        if not self._months_fast or self._months_checked < 200:
            reference = clocks.shift(start, clocks.ClockRule(n, "months", "", ""), zone=self.zone)
            if self._months_fast:
                if self._months_quick(start, n) != reference:
                    self._months_fast = False
                self._months_checked += 1
            return reference
        return self._months_quick(start, n)

    def _months_quick(self, start, n):
        local = start.astimezone(self.zone)
        years, month0 = divmod(local.month - 1 + n, 12)
        year = local.year + years
        day = min(local.day, calendar.monthrange(year, month0 + 1)[1])
        wall = datetime(
            year,
            month0 + 1,
            day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=self.zone,
        )
        return wall.astimezone(UTC)

    def ldate(self, at):
        return at.astimezone(self.zone).date()

    def work_time(self, r, at, low_hours, high_hours):
        """A moment between low and high hours after `at`, nudged into office hours."""
        moment = at + timedelta(hours=low_hours + (high_hours - low_hours) * r.random())
        local = moment.astimezone(self.zone)
        if local.hour < 8 or local.hour >= 20:
            moment += timedelta(hours=(8 - local.hour) % 24 + r.random() * 3)
        return moment

    # the run -----------------------------------------------------------------------------------

    def build(self, writer):
        """Simulate the cases chunk by chunk; each chunk's rows go to the writer (a background
        thread on PostgreSQL) while the next chunk is simulated."""
        r = random.Random(self.seed)  # noqa: S311 - synthetic data, not secrets
        self._users(r)
        self._authorities()
        self._members(r)
        self._schedule()
        self.ngos = []
        span = (self.anchor - self.start).total_seconds()
        # Requests grow a little each year; office hours mostly, some at night (urgent ones).
        opened = []
        for _ in range(self.n):
            offset = span * r.random() ** 0.85
            at = self.start + timedelta(seconds=offset)
            local = at.astimezone(self.zone)
            if r.random() < 0.85 and not 8 <= local.hour < 19:
                at += timedelta(hours=(9 - local.hour) % 24 + r.random() * 8)
            opened.append(min(at, self.anchor - MIN * (1 + r.random() * 30)))
        opened.sort()
        self.opened = opened
        series = self.series["case"]
        per_year = {}
        self.file_numbers = []
        for at in opened:
            year = self.ldate(at).year
            per_year[year] = per_year.get(year, 0) + 1
            self.file_numbers.append(
                series.pattern.format(prefix=series.prefix, year=year, number=per_year[year])
            )
        self.case_numbers_per_year = per_year
        self.decisions = []  # (confirmed_at, row) numbered at the end
        self.letters = []
        self.stats = {"overdue_measures": 0}
        self.table_stats = {key: [0, 0, 0.0] for key in self.T}  # rows, history, seconds
        self.writer = writer
        self.written_models = []
        background = Background(self._write_batch) if writer.background else None
        simulate = 0.0
        for first in range(0, self.n, CHUNK_CASES):
            started = time.monotonic()
            last = min(self.n, first + CHUNK_CASES)
            for i in range(first, last):
                CaseStory(self, i).run()
            batch = self._take(retained=False)
            simulate += time.monotonic() - started
            self.out(f"  cases {first + 1:,}-{last:,} simulated ({simulate:.0f} s so far)")
            if background:
                background.submit(batch)
            else:
                self._write_batch(batch)
        started = time.monotonic()
        self._finish_sessions()
        self._number_decisions_and_letters()
        batch = self._take(retained=True)
        simulate += time.monotonic() - started
        self.simulate_seconds = simulate
        if background:
            background.close()
        self._write_batch(batch)

    def ngo(self, r, field_of_work, state):
        """Organisations that file requests for others: a shared pool, reused across cases."""
        pool_size = max(12, self.n // 40)
        if len(self.ngos) < pool_size and (not self.ngos or r.random() < 0.5):
            t = self.T["collective"]
            cid = t.nid()
            name = NGO_NAMES[len(self.ngos) % len(NGO_NAMES)] + (
                f" {state[2]}" if len(self.ngos) >= len(NGO_NAMES) else ""
            )
            if len(self.ngos) >= 2 * len(NGO_NAMES):
                name += f" {len(self.ngos) // len(NGO_NAMES)}"
            created = self.start - timedelta(days=30)
            t.add(
                (
                    cid,
                    1,
                    name[:200],
                    "organisation",
                    "defender",
                    "justice",
                    r.randrange(5, 60),
                    state[1],
                    MUNICIPALITIES.get(state[0], [""])[0],
                    False,
                    f"+52 55 {r.randrange(1000, 9999)} {r.randrange(1000, 9999)}",
                    f"contacto{len(self.ngos)}@ong.example",
                    "Oficina central",
                    created,
                ),
                user=self.users[Role.RECEPTION][0],
            )
            self.ngos.append((cid, name))
            return self.ngos[-1]
        return self.ngos[r.randrange(len(self.ngos))]

    def _finish_sessions(self):
        """Materialise the session slots that hold agenda items (and the upcoming ones), with
        attendance, agenda positions and the sessions' numbers."""
        t = self.T["session"]
        ta = self.T["attendance"]
        number = 0
        slot_id = {}
        for j, at in enumerate(self.slot_at):
            if not self.slot_items[j] and at <= self.anchor:
                continue
            number += 1
            sid = t.nid()
            slot_id[j] = sid
            present, _voting, jitter = self.slot_attendance[j]
            papers_due = self.slot_papers_due[j]
            papers_sent = papers_due - timedelta(hours=6 + 60 * jitter)
            if jitter > 0.93:  # late papers, a known failure
                papers_sent = papers_due + timedelta(hours=20 * (jitter - 0.9) * 10)
            if papers_sent > self.anchor:
                papers_sent = None
            if at <= self.anchor:
                status, opened_at = "closed", at + timedelta(minutes=5 + 20 * jitter)
                closed_at = opened_at + timedelta(hours=2 + 3 * jitter)
                if closed_at > self.anchor:
                    status, closed_at = "in_session", None
            else:
                status = "papers_sent" if papers_sent else "scheduled"
                opened_at = closed_at = None
            coordinator = self.users[Role.COORDINATOR][j % len(self.users[Role.COORDINATOR])]
            scheduled_on = min(at - timedelta(days=30), self.anchor)
            row = (
                sid,
                1,
                "ordinary",
                number,
                at,
                "Sala de juntas de la Secretaría de Gobernación",
                "scheduled",
                papers_due,
                None,
                "",
                "",
                None,
                None,
            )
            t.snap(row, scheduled_on, coordinator, "+", "Sesión programada")
            if papers_sent:
                row = (*row[:6], "papers_sent", papers_due, papers_sent, *row[9:])
                t.snap(row, papers_sent, coordinator, "~", "Documentos enviados")
            if opened_at:
                row = (*row[:6], status, papers_due, papers_sent, "", "", opened_at, closed_at)
                t.snap(row, closed_at or opened_at, coordinator, "~", "Sesión concluida")
            t.add(row)
            for (mid, _votes, _civil), here in zip(self.members, present, strict=True):
                arow = (ta.nid(), sid, mid, False, None)
                ta.snap(arow, scheduled_on, coordinator, "+", None)
                if papers_sent or at <= self.anchor:
                    arow = (arow[0], sid, mid, here and at <= self.anchor, papers_sent)
                    ta.snap(arow, min(at, self.anchor), coordinator, "~", None)
                ta.add(arow)
            items = sorted(self.slot_items[j], key=itemgetter(0))
            for position, (_key, row) in enumerate(items, start=1):
                row[4] = position
        # Replace slot numbers by the sessions' ids in agenda items and decisions.
        for row in self.T["item"].rows:
            row[1] = slot_id[row[1]]
        for _at, row in self.decisions:
            if row[1] is not None:
                row[1] = slot_id[row[1]]
        self.session_count = number

    def _number_decisions_and_letters(self):
        """Decision and letter numbers per year, in the order they were issued."""
        for key, items, col in (("decision", self.decisions, 4), ("letter", self.letters, 5)):
            series = self.series[key]
            items.sort(key=lambda pair: (pair[0], pair[1][0]))
            per_year = {}
            for at, row in items:
                year = self.ldate(at).year
                per_year[year] = per_year.get(year, 0) + 1
                row[col] = series.pattern.format(
                    prefix=series.prefix, year=year, number=per_year[year]
                )
            setattr(self, f"{key}_numbers_per_year", per_year)
        salt = self.seed * 7_777_777 + 12345
        for _at, row in self.letters:
            row[9] = _verification_code(row[0], salt)

    # writing ------------------------------------------------------------------------------------

    def models(self):
        """Every model this run writes: the tables, their history, the m2m tables."""
        out = []
        for t in self.T.values():
            out.append(t.model)
            if t.has_history:
                out.append(t.model.history.model)
        return out

    def _take(self, *, retained):
        return [(key, t, t.take()) for key, t in self.T.items() if t.retained == retained]

    def _write_batch(self, batch):
        """Write one chunk: every table's rows and history rows (runs in the writer thread)."""
        writer = self.writer
        chunks = 1 if batch and batch[0][1].retained else -(-self.n // CHUNK_CASES)
        for key, t, (rows, hist_users, snaps, offset) in batch:
            if not rows and not snaps:
                continue
            started = time.monotonic()
            main_cols, main_rows = self._main_rows(t, rows)
            writer.write(t.model, main_cols, main_rows, expected=len(rows) * chunks)
            history = 0
            if t.has_history:
                hmodel, hcols, hrows, history = self._history_rows(
                    t, rows, hist_users, snaps, offset
                )
                writer.write(hmodel, hcols, hrows, expected=history * chunks)
            stats = self.table_stats[key]
            stats[0] += len(rows)
            stats[1] += history
            stats[2] += time.monotonic() - started

    def _main_rows(self, t, rows):
        cols = list(t.cols)
        extra = [f for f in t.model._meta.concrete_fields if f.attname not in t.cols]
        if not extra:
            return cols, rows
        fill = tuple(_fill_value(f, self.anchor) for f in extra)
        cols += [f.attname for f in extra]
        return cols, (tuple(row) + fill for row in rows)

    def _history_rows(self, t, rows, hist_users, snaps, offset):
        hmodel = t.model.history.model
        meta = (
            "history_id",
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
        )
        tracked = [
            f.attname
            for f in hmodel._meta.concrete_fields
            if f.attname not in meta and f.attname in t.cols
        ]
        others = [
            f
            for f in hmodel._meta.concrete_fields
            if f.attname not in meta and f.attname not in t.cols
        ]
        fill = tuple(_fill_value(f, self.anchor) for f in others)
        pick = itemgetter(*[t.cols.index(c) for c in tracked])
        cols = [
            "history_id",
            *tracked,
            "history_date",
            "history_change_reason",
            "history_type",
            "history_user_id",
            *(f.attname for f in others),
        ]
        anchor = self.anchor
        if t.explicit_history:
            base = t.hist_base
            t.hist_base += len(snaps)
            hrows = (
                (base + k, *pick(values), min(at, anchor), reason, kind, user, *fill)
                for k, (values, at, user, kind, reason) in enumerate(snaps)
            )
            return hmodel, cols, hrows, len(snaps)
        date_i = t.cols.index(t.hist_date)
        base = t.hist_base + offset
        reason = t.hist_reason
        if t.hist_user is not None:
            user_i = t.cols.index(t.hist_user)
            hrows = (
                (
                    base + k,
                    *pick(row),
                    min(row[date_i] or anchor, anchor),
                    reason,
                    "+",
                    row[user_i],
                    *fill,
                )
                for k, row in enumerate(rows)
            )
        else:
            hrows = (
                (base + k, *pick(row), min(row[date_i] or anchor, anchor), reason, "+", user, *fill)
                for k, (row, user) in enumerate(zip(rows, hist_users, strict=True))
            )
        return hmodel, cols, hrows, len(rows)

    def _update_series(self, *, after_reset):
        """Let real numbering continue after the synthetic numbers of the reference year (a
        later year starts from 1 anyway). After --reset nothing else is numbered this year;
        otherwise the series never goes back. Saved with history, by the synthetic
        administrator."""
        year = self.ldate(self.anchor).year
        admin = apps.get_model("protection", "User").objects.get(
            pk=self.users[Role.ADMINISTRATOR][0]
        )
        for key, per_year in (
            ("case", self.case_numbers_per_year),
            ("decision", self.decision_numbers_per_year),
            ("letter", self.letter_numbers_per_year),
        ):
            series = NumberSeries.objects.select_for_update().get(key=key)
            if series.year > year:
                continue
            used = per_year.get(year, 0)
            if not after_reset and series.year == year:
                used = max(used, series.last_number)
            if (series.year, series.last_number) != (year, used):
                series.year, series.last_number = year, used
                save(series, admin, "Numeración tras cargar datos sintéticos")


BOARD_SEATS = [  # seat, role of its user account (None: no account), institution
    ("segob", Role.BOARD_GOVERNMENT, "Secretaría de Gobernación"),
    ("fgr", Role.BOARD_GOVERNMENT, "Fiscalía General de la República"),
    ("sspc", Role.BOARD_GOVERNMENT, "Secretaría de Seguridad y Protección Ciudadana"),
    ("sre", Role.BOARD_GOVERNMENT, "Secretaría de Relaciones Exteriores"),
    ("cndh", Role.BOARD_GOVERNMENT, "Comisión Nacional de los Derechos Humanos"),
    ("council_hr", Role.BOARD_CIVIL, "Consejo Consultivo (derechos humanos) 1"),
    ("council_hr", Role.BOARD_CIVIL, "Consejo Consultivo (derechos humanos) 2"),
    ("council_press", Role.BOARD_CIVIL, "Consejo Consultivo (periodismo) 1"),
    ("council_press", Role.BOARD_CIVIL, "Consejo Consultivo (periodismo) 2"),
    ("invitee", None, "Oficina en México del Alto Comisionado de la ONU para los DD. HH."),
    ("invitee", None, "Conferencia Nacional de Gobernadores"),
    ("invitee", None, "Poder Judicial de la Federación"),
    ("invitee", None, "Comisión de Derechos Humanos del Senado"),
]


DERIVED = ("next_deadline_at", "search_text")  # recomputed, not recorded as changes
_UNSET = object()


class _Stop(Exception):
    """The story reached the reference date."""


class CaseStory:
    """One case from its request to the reference date, written as rows as it goes."""

    def __init__(self, synth, i):
        self.s = synth
        self.i = i
        self.r = random.Random(synth.seed * 1_000_003 + i)  # noqa: S311 - synthetic, not secrets
        self.A = synth.anchor
        self.T = synth.T
        self.measures = []  # measure dicts, rows written at the end
        self.search = [synth.file_numbers[i]]
        self.holds = []
        self.item_created = False
        self.case_events = []
        self.c_last = {}

    # small helpers -----------------------------------------------------------------------------

    def stop_if_after(self, at):
        if at > self.A:
            raise _Stop

    def snap_case(self, at, user, reason, kind="~"):
        """Record what changed on the case since the last call, as of `at`. The history is
        replayed in time order at the end (finish), because a few changes are known before
        they happen (urgent measures in place after the case moved on)."""
        c, last = self.c, self.c_last
        changes = {k: v for k, v in c.items() if k not in DERIVED and last.get(k, _UNSET) != v}
        self.c_last = dict(c)
        self.case_events.append((at, len(self.case_events), changes, user, reason, kind))

    def set_officer(self, user_id):
        self.c["assigned_officer_id"] = user_id
        self.c["unit"] = self.s.user_unit[user_id]

    def party(
        self,
        at,
        role,
        person_id=None,
        collective_id=None,
        relationship="",
        by_study=False,
        user=None,
    ):
        t = self.T["party"]
        cp = t.nid()
        row = (
            cp,
            self.case_id,
            person_id,
            collective_id,
            role,
            relationship,
            self.s.ldate(at),
            None,
            by_study,
        )
        t.add(row)
        t.snap(row, at, user, "+", "Persona agregada" if by_study else None)
        return cp

    def person(
        self,
        at,
        user,
        *,
        gender=None,
        family=None,
        profile="",
        work="",
        organisation="",
        contact=True,
        adult=True,
    ):
        r = self.r
        gender = gender or _pick(r, GENDER_TABLE)
        if gender in ("woman", "trans_woman"):
            given = r.choice(GIVEN_F)
        elif gender in ("man", "trans_man"):
            given = r.choice(GIVEN_M)
        else:
            given = r.choice(GIVEN_N + GIVEN_F[:6] + GIVEN_M[:6])
        family = family or f"{r.choice(FAMILY)} {r.choice(FAMILY)}"
        preferred = ""
        if gender in ("non_binary", "trans_woman", "trans_man") and r.random() < 0.6:
            preferred = r.choice(GIVEN_N)
        state = self.state
        indigenous = r.random() < INDIGENOUS_STATES.get(state[0], 0.05)
        ethnic, languages = "", "español"
        if indigenous:
            ethnic, language = r.choice(PEOPLES.get(state[0], PEOPLES_ANY))
            languages = f"{language}, español"
        needs_interpreter = indigenous and r.random() < 0.15
        birth = (self.A.year - r.randrange(22, 75)) if adult else (self.A.year - r.randrange(2, 17))
        municipality = self.municipality
        phone = email = address = notes = ""
        if contact:
            phone = f"+52 {r.randrange(200, 999)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}"
            if r.random() < 0.6:
                email = (
                    f"{normalize(given).replace(' ', '.')}.{r.randrange(10, 9999)}@correo.example"
                )
            address = (
                f"Calle {r.choice(FAMILY)} {r.randrange(1, 400)}, "
                f"Col. {r.choice(ORG_SUFFIX)}, {municipality}, {state[2]}"
            )
            if r.random() < 0.3:
                notes = "Contactar sólo por mensajería cifrada; no dejar recados con vecinos."
        t = self.T["person"]
        pid = t.nid()
        t.add(
            (
                pid,
                1,
                given,
                family,
                preferred,
                gender,
                birth,
                indigenous,
                ethnic,
                languages,
                needs_interpreter,
                "visual" if r.random() < 0.02 else "",
                profile,
                work,
                organisation,
                state[1],
                municipality,
                r.random() < self.rural_p,
                phone,
                email,
                address,
                notes,
                at,
                *self.s.person_derived(phone, email),
            ),
            user=user,
        )
        self.search += [given, family, preferred, organisation]
        return pid, gender, family

    # the story ---------------------------------------------------------------------------------

    def run(self):
        s = self.s
        r = self.r
        self.opened = opened = s.opened[self.i]
        self.state = state = _pick(r, s.state_table)
        munis = MUNICIPALITIES.get(state[0], ["Centro"])
        self.municipality = munis[0] if r.random() < 0.4 else r.choice(munis)
        self.profile = "journalist" if r.random() < 0.38 else "defender"
        self.work = _pick(r, JOURNALIST_TABLE if self.profile == "journalist" else DEFENDER_TABLE)
        self.rural_p = 0.6 if self.work in ("land", "environment", "indigenous") else 0.2
        self.extraordinary = r.random() < 0.28
        self.reception = s._user(r, Role.RECEPTION)
        self.case_id = s.T["case"].nid()
        self.c = {
            "id": self.case_id,
            "version": 1,
            "file_number": s.file_numbers[self.i],
            "status": "received",
            "procedure": "extraordinary" if self.extraordinary else "ordinary",
            "assigned_officer_id": None,
            "unit": "",
            "opened_at": opened,
            "summary": "",
            "current_risk_level_id": None,
            "beneficiary_requested_presence": r.random() < 0.18,
            "urgent_issue_due_at": None,
            "urgent_issued_at": None,
            "urgent_implement_due_at": None,
            "urgent_implemented_at": None,
            "risk_study_due_at": None,
            "reevaluation_due_at": None,
            "next_deadline_at": None,
            "closed_at": None,
            "closure_reason": "",
            "closure_notes": "",
            "search_text": "",
        }
        self.set_officer(self.reception)
        try:
            self.intake()
            self.admissibility()
            self.follow()
        except _Stop:
            pass
        self.finish()

    def intake(self):
        s, r, c = self.s, self.r, self.c
        at = self.opened
        rec = self.reception
        self.collective_ben = r.random() < 0.12
        organisation = ""
        if not self.collective_ben and r.random() < 0.55:
            prefix = r.choice(ORG_PREFIX[self.work])
            organisation = f"{prefix} {r.choice(ORG_SUFFIX)}"
        self.beneficiaries = []  # (case person id, person id or None, display)
        ben_collective = None
        if self.collective_ben:
            t = self.T["collective"]
            ben_collective = t.nid()
            name = f"{r.choice(ORG_PREFIX[self.work])} {r.choice(ORG_SUFFIX)}"
            kind = COLLECTIVE_KIND_BY_FIELD.get(self.work, "organisation")
            if self.work == "press" and "Radio" in name:
                kind = "community_radio"
            t.add(
                (
                    ben_collective,
                    1,
                    name,
                    kind,
                    self.profile,
                    self.work,
                    r.randrange(3, 120),
                    self.state[1],
                    self.municipality,
                    r.random() < self.rural_p,
                    f"+52 {r.randrange(200, 999)} {r.randrange(100, 999)} {r.randrange(1000, 9999)}",
                    f"contacto.{self.case_id}@colectivo.example",
                    f"Domicilio conocido, {self.municipality}",
                    at,
                ),
                user=rec,
            )
            self.search.append(name)
            self.ben_gender = "collective"
            self.ben_name = name
        else:
            pid, gender, family = self.person(
                at, rec, profile=self.profile, work=self.work, organisation=organisation
            )
            self.ben_person, self.ben_gender, self.ben_family = pid, gender, family
        # Petitioner: the beneficiary, an organisation on their behalf, or a relative.
        roll = r.random()
        petitioner_person = petitioner_collective = None
        acting = False
        if roll < 0.72:
            if self.collective_ben:
                petitioner_collective = ben_collective
            else:
                petitioner_person = self.ben_person
        elif roll < 0.88:
            cid, name = s.ngo(r, self.work, self.state)
            petitioner_collective = cid
            self.search.append(name)
            acting = True
        else:
            petitioner_person, _g, _f = self.person(at, rec, contact=True)
            acting = True
        # Parties, in the order request_register writes them.
        if self.collective_ben:
            cp = self.party(at, "beneficiary", collective_id=ben_collective, user=rec)
            self.beneficiaries.append((cp, None))
        else:
            cp = self.party(at, "beneficiary", person_id=self.ben_person, user=rec)
            self.beneficiaries.append((cp, self.ben_person))
        self.ben_cp = cp
        if acting:
            self.party(
                at,
                "petitioner",
                person_id=petitioner_person,
                collective_id=petitioner_collective,
                user=rec,
            )
        # Covered people: partner, relatives, colleagues (members of a collective).
        self.covered = []
        count = _pick(r, COVERED_COUNT)
        if self.collective_ben:
            count = max(count, 1 + r.randrange(3))
        for k in range(count):
            if self.collective_ben:
                role, relationship = "colleague", "Integrante del colectivo"
                pid, _g, _f = self.person(
                    at,
                    rec,
                    profile=self.profile,
                    work=self.work,
                    organisation=self.ben_name,
                    contact=r.random() < 0.7,
                )
            elif k == 0 and r.random() < 0.6:
                role, relationship = "partner", "Pareja"
                pid, _g, _f = self.person(at, rec, contact=r.random() < 0.4)
            elif r.random() < 0.75:
                role = "relative"
                child = r.random() < 0.6
                relationship = (
                    "Hija o hijo" if child else r.choice(["Madre", "Padre", "Hermana", "Hermano"])
                )
                pid, _g, _f = self.person(
                    at, rec, family=self.ben_family, contact=False, adult=not child
                )
            else:
                role, relationship = "colleague", "Integrante de su organización o medio"
                pid, _g, _f = self.person(
                    at, rec, profile=self.profile, work=self.work, contact=r.random() < 0.5
                )
            cp = self.party(at, role, person_id=pid, relationship=relationship, user=rec)
            self.covered.append(cp)
        # Aggressions that led to the request.
        self.agg_codes = []
        for _ in range(1 if r.random() < 0.55 else 2):
            self.aggression(self.ldate_minus(at, r.randrange(1, 120)), before=True)
        main = self.agg_codes[0] if self.agg_codes else "threat"
        facts = (
            f"Manifiesta que por {FIELD_WORDS[self.work]} ha sufrido {GROUNDS.get(main, main)}. "
            f"{r.choice(CONTEXT_SENTENCES)}"
        )
        who = (
            self.ben_name
            if self.collective_ben
            else {"woman": "Defensora", "man": "Defensor"}.get(self.ben_gender, "Persona defensora")
        )
        if self.profile == "journalist" and not self.collective_ben:
            who = {"woman": "Periodista", "man": "Periodista"}.get(self.ben_gender, "Periodista")
        c["summary"] = f"{who} en {self.municipality}, {self.state[2]}: {GROUNDS.get(main, main)}."
        t = self.T["request"]
        t.add(
            (
                t.nid(),
                self.case_id,
                at,
                _pick(r, CHANNEL_TABLE),
                petitioner_person,
                petitioner_collective,
                acting,
                self.extraordinary,
                c["procedure"],
                facts,
                rec,
            )
        )
        # Consent to process the request: at once, or deferred for a serious cause.
        self.consent_ready = at
        for _cp, pid in self.beneficiaries:
            deferred = r.random() < 0.05
            given = None if deferred else at
            if deferred:
                given = at + timedelta(days=1 + 9 * r.random() ** 2)
                self.consent_ready = given
            self.consent(
                pid,
                "processing",
                given if given <= self.A else None,
                rec,
                deferred_reason="La persona está incomunicada por el riesgo; "
                "la solicitud la presenta su organización."
                if deferred
                else "",
                evidence="Consentimiento verbal grabado en la llamada."
                if not deferred or given <= self.A
                else "",
                recorded_at=at,
            )
        # Clocks started by the request (request_register).
        if self.extraordinary:
            c["urgent_issue_due_at"] = s.due(Clock.URGENT_ISSUE, at)
            c["urgent_implement_due_at"] = s.due(Clock.URGENT_IMPLEMENT, c["urgent_issue_due_at"])
        c["risk_study_due_at"] = s.due(Clock.RISK_STUDY, at)
        self.snap_case(at, rec, "Solicitud registrada", "+")
        # External protection already in place (IACHR, CNDH, state bodies).
        if r.random() < 0.04:
            self.external(at)
        if self.extraordinary:
            self.urgent()

    def ldate_minus(self, at, days):
        return self.s.ldate(at) - timedelta(days=days)

    def consent(
        self,
        person_id,
        purpose,
        given_at,
        user,
        *,
        deferred_reason="",
        evidence="",
        third_party_user=None,
        third_party_name="",
        recorded_at=None,
        withdrawn_at=None,
    ):
        t = self.T["consent"]
        row = (
            t.nid(),
            self.case_id,
            person_id,
            purpose,
            third_party_user,
            third_party_name,
            given_at,
            deferred_reason,
            withdrawn_at,
            evidence,
            user,
        )
        t.add(row)
        t.snap(row, recorded_at or given_at, user, "+", None)

    def aggression(self, occurred_on, before):
        r, s = self.r, self.s
        codes = [_pick(r, s.agg_table)]
        if r.random() < 0.35:
            extra = _pick(r, s.agg_table)
            if extra not in codes:
                codes.append(extra)
        self.agg_codes += codes
        victims = [self.ben_cp] + self.covered
        victim = self.ben_cp if r.random() < 0.8 else r.choice(victims)
        state = self.state if r.random() < 0.9 else _pick(r, s.state_table)
        reported = _pick(r, PROSECUTOR_TABLE)
        if self.profile == "journalist" and reported == "fgr":
            reported = "feadle"
        reference = ""
        if reported != "none":
            reference = f"CI-{state[0]}/{occurred_on.year}/{r.randrange(100, 99999):05d}"
        first_request_day = s.ldate(self.opened)
        recorded_at = max(
            self.opened,
            datetime(occurred_on.year, occurred_on.month, occurred_on.day, 12, tzinfo=s.zone)
            + timedelta(days=r.randrange(0, 5)),
        )
        recorded_at = min(recorded_at, self.A)
        user = self.reception if before else self.s._user(r, Role.FOLLOW_UP)
        t = self.T["aggression"]
        aid = t.nid()
        description = (
            f"{GROUNDS.get(codes[0], codes[0]).capitalize()} en {self.municipality}."
            if state is self.state
            else f"{GROUNDS.get(codes[0], codes[0]).capitalize()} durante un viaje a {state[2]}."
        )
        pos = t.add(
            (
                aid,
                self.case_id,
                victim,
                occurred_on,
                state[1],
                self.municipality if state is self.state else "",
                "",
                _pick(r, AGGRESSOR_TABLE),
                reported,
                reference,
                _pick(r, INVESTIGATION_TABLE) if reported != "none" else "none",
                description,
                occurred_on >= first_request_day,
                user,
                recorded_at,
            )
        )
        for code in codes:
            self.m2m("agg_types", aid, s.agg_types[code], t.hist_base + pos)

    def m2m(self, key, owner_id, target_id, history_id):
        """A many-to-many row and its copy in simple-history's m2m table, attached to the
        owner's "+" history row."""
        through = self.T[key]
        tid = through.nid()
        row = (tid, owner_id, target_id)
        through.add(row)
        hist_key = self.s.hist_m2m.get(key)
        if hist_key:
            h = self.T[hist_key]
            values = dict(zip(through.cols, row, strict=True))
            values["m2m_history_id"] = h.nid()
            values["history_id"] = history_id
            h.add(tuple(values.get(col) for col in h.cols))

    def external(self, at):
        r, s = self.r, self.s
        body = _pick(r, EXTERNAL_TABLE)
        granted = s.ldate(at) - timedelta(days=r.randrange(30, 720))
        level_found = None
        text = ""
        if body in ("iachr", "ia_court"):
            level_found = s.levels[-1].pk
            text = "Situación de gravedad y urgencia"
        elif r.random() < 0.5:
            text = r.choice(["Riesgo alto", "Riesgo medio", "Riesgo inminente"])
        reference = {
            "iachr": f"MC-{r.randrange(1, 999)}-{granted.year % 100:02d}",
            "ia_court": f"Medidas provisionales {granted.year}",
            "cndh": f"CNDH/{granted.year}/{r.randrange(100, 9999)}/Q",
        }.get(body, f"{self.state[0]}/{granted.year}/{r.randrange(1, 999)}")
        t = self.T["external"]
        row = (
            t.nid(),
            self.case_id,
            body,
            "",
            reference,
            granted,
            level_found,
            text,
            r.random() < 0.8,
            "",
        )
        t.add(row)
        t.snap(row, at, self.reception, "+", None)

    def urgent(self):
        """Extraordinary procedure: urgent measures within 3 hours (sometimes late), in place
        within 9 hours of issue (sometimes late, rarely never), with the immediate-action
        assessment at the same time (art. 26)."""
        s, r, c = self.s, self.r, self.c
        at = self.opened
        late = r.random() < 0.08
        issued = at + timedelta(hours=(3 + 9 * r.random()) if late else 0.3 + 2.5 * r.random())
        self.stop_if_after(issued)
        c["status"] = "urgent_protection"
        c["urgent_issued_at"] = issued
        from_issue = s.due(Clock.URGENT_IMPLEMENT, issued)
        c["urgent_implement_due_at"] = min(c["urgent_implement_due_at"], from_issue)
        codes = [code for code, p in URGENT_PROFILE if r.random() < p and code in s.mtypes]
        if not codes:
            codes = ["patrols" if "patrols" in s.mtypes else next(iter(s.mtypes))]
        impl_due = from_issue
        pending = False
        last_impl = issued
        for code in codes:
            roll = r.random()
            if roll < 0.02:
                plan = None  # never put in place (a known failure)
            elif roll < 0.12:
                plan = issued + timedelta(hours=9 + 60 * r.random())
            else:
                plan = issued + timedelta(hours=0.5 + 8 * r.random())
            m = self.new_measure(
                code,
                self.ben_cp,
                issued,
                "urgent",
                None,
                self.reception,
                impl_due=impl_due,
                plan=plan,
                notified=issued,
            )
            if plan is None or plan > self.A:
                pending = True
            else:
                last_impl = max(last_impl, plan)
            m["urgent"] = True
        t = self.T["assessment"]
        t.add(
            (
                t.nid(),
                self.case_id,
                self.reception,
                issued,
                f"Se confirma {GROUNDS.get(self.agg_codes[0], 'riesgo')} y la urgencia de "
                "proteger a la persona.",
                r.random() < 0.85,
                ", ".join(s.mtypes[code].name for code in codes),
            )
        )
        self.snap_case(issued, self.reception, "Medidas urgentes emitidas")
        if not pending:  # the last urgent measure in place stops the clock
            c["urgent_implemented_at"] = last_impl
            self.snap_case(last_impl, self.reception, "Medidas urgentes implementadas")

    def admissibility(self):
        s, r, c = self.s, self.r, self.c
        base = max(self.consent_ready, c["urgent_issued_at"] or self.opened)
        decided = s.work_time(r, base, 2, 24 * (1 + 4 * r.random() ** 2))
        self.stop_if_after(decided)
        admitted = r.random() < 0.82 and self.consent_ready <= decided
        t = self.T["admissibility"]
        aid = t.nid()
        reasons = (
            r.sample(s.admit_reasons, min(len(s.admit_reasons), 2 + (r.random() < 0.5)))
            if admitted
            else r.sample(s.reject_reasons, 1 + (r.random() < 0.3))
        )
        pos = t.add(
            (
                aid,
                self.case_id,
                admitted,
                "Se acredita la labor y el vínculo del riesgo con ella."
                if admitted
                else "No se acredita el vínculo entre el riesgo y la labor de defensa o "
                "periodística.",
                self.reception,
                decided,
            )
        )
        for reason in sorted(reasons):
            self.m2m("adm_reasons", aid, reason, t.hist_base + pos)
        if not admitted:
            c["status"] = "closed"
            c["closed_at"] = decided
            c["closure_reason"] = "inadmissible"
            c["closure_notes"] = "No se acredita el vínculo entre el riesgo y la labor."
            self.end_all(decided, "case_closed", None)
            self.snap_case(decided, self.reception, "No admitida")
            raise _Stop
        c["status"] = "risk_evaluation"
        self.snap_case(decided, self.reception, "Admitida")
        self.admitted_at = decided

    # risk studies -----------------------------------------------------------------------------

    def study(self, kind, requested, due):
        """A risk study from assignment to approval (or wherever the reference date finds it).
        Returns (study id, approved_at, level id, proposed measure codes)."""
        s, r, c = self.s, self.r, self.c
        analyst = s._user(r, Role.ANALYST)
        self.set_officer(analyst)
        self.snap_case(requested, s._user(r, Role.COORDINATOR), "Estudio asignado")
        roll = r.random()
        if roll < 0.5:
            days = 3 + 7 * r.random()
        elif roll < 0.88:
            days = 10 + 20 * r.random()
        else:
            days = 30 + 80 * r.random() ** 2
        if kind != "initial":
            days *= 1.3
        approved = s.work_time(r, requested, 24 * days, 24 * days + 6)
        submitted = approved - timedelta(hours=6 + 60 * r.random())
        returned = r.random() < 0.1
        status = "approved"
        if approved > self.A:
            status = "submitted" if submitted <= self.A else "draft"
            if status == "draft" and returned and submitted - 3 * D <= self.A:
                status = "returned"
        high = self.extraordinary or "physical_attack" in self.agg_codes or r.random() < 0.3
        scores = tuple(
            min(4, max(0, round(r.gauss(2.6 if high else 1.6, 0.9)))) for _f in s.factors
        )
        weighted, suggested = s.score(scores)
        level = suggested
        justification = ""
        if r.random() < 0.12:
            others = [lv.pk for lv in s.levels if lv.pk != suggested]
            if others:
                level = r.choice(others)
                justification = (
                    "La persona analista considera el contexto regional y la "
                    "reiteración de agresiones, que el puntaje no refleja."
                )
        months = 12 if r.random() < 0.7 else r.choice([6, 9, 18, 24])
        t = self.T["study"]
        sid = t.nid()
        gender = self.ben_gender
        row = (
            sid,
            1,
            self.case_id,
            kind,
            status,
            analyst,
            requested,
            due,
            f"{r.choice(CONTEXT_SENTENCES)} {r.choice(CONTEXT_SENTENCES)}",
            DIFFERENTIAL.get(gender, "Colectivo: se consideran sus integrantes y su sede."),
            r.choice(OWN_VIEW),
            r.choice(ROUTINES),
            months,
            "Medidas proporcionales al nivel de riesgo y acordadas con la persona.",
            weighted,
            suggested,
            level,
            justification,
            submitted if status in ("approved", "submitted") else None,
            self.approver(analyst) if status == "approved" else None,
            approved if status == "approved" else None,
            "Falta detallar las rutinas." if returned else "",
        )
        t.add(row)
        t.snap(
            row,
            min(approved, self.A) if status == "approved" else requested,
            analyst,
            "+",
            "Estudio aprobado" if status == "approved" else "Estudio asignado",
        )
        ts = self.T["score"]
        for factor_id, reasons, score in zip(s.factor_ids, s.factor_reasons, scores, strict=True):
            srow = (ts.nid(), sid, factor_id, score, r.choice(reasons))
            ts.add(srow)
            ts.snap(srow, requested + H, analyst, "+", None)
        if status == "approved" and r.random() < 0.08 and not self.collective_ben:
            # The study finds someone else at risk: the beneficiary's partner or a colleague.
            pid, _g, _f = self.person(submitted, analyst, contact=r.random() < 0.5)
            cp = self.party(
                submitted,
                "other",
                person_id=pid,
                by_study=True,
                user=analyst,
                relationship="Persona identificada por el estudio de riesgo",
            )
            self.covered.append(cp)
        proposed = self.propose(level, months)
        if kind == "reevaluation":
            # A re-evaluation proposes adjustments, not a whole new package.
            proposed = r.sample(proposed, min(len(proposed), 2 + r.randrange(3)))
        tp = self.T["proposed"]
        for code, cp in proposed:
            prow = (
                tp.nid(),
                sid,
                s.mtype_pk[code],
                cp,
                months,
                "Sin costo para la persona beneficiaria."
                if r.random() < 0.7
                else "Adecuada a su contexto comunitario: discreta.",
            )
            tp.add(prow)
            tp.snap(prow, requested + 2 * H, analyst, "+", None)
        # A consultant sometimes does fieldwork with the person's consent.
        if r.random() < 0.03 and requested + D <= self.A:
            consultant = s._user(r, Role.CONSULTANT)
            self.consent(
                self.beneficiaries[0][1],
                "third_party",
                requested + D,
                analyst,
                third_party_user=consultant,
                third_party_name="Consultoría externa",
                evidence="Autorización firmada para el estudio de campo.",
            )
        if status != "approved":
            raise _Stop
        c["current_risk_level_id"] = level
        return sid, approved, level, proposed, months

    def approver(self, analyst):
        r, s = self.r, self.s
        if r.random() < 0.3:
            return s._user(r, Role.COORDINATOR)
        for _ in range(5):
            other = s._user(r, Role.ANALYST)
            if other != analyst:
                return other
        return s._user(r, Role.COORDINATOR)

    def propose(self, level, months):
        r, s = self.r, self.s
        high = level in s.high_levels
        out = []
        ben = self.ben_cp
        if self.collective_ben:
            for code, p in COLLECTIVE_PROFILE:
                if r.random() < p and code in s.mtypes:
                    out.append((code, ben))
        else:
            for code, p_high, p_low in MEASURE_PROFILE:
                if r.random() < (p_high if high else p_low) and code in s.mtypes:
                    out.append((code, ben))
            if self.rural_p > 0.5 and high and r.random() < 0.3 and "satellite_phone" in s.mtypes:
                out.append(("satellite_phone", ben))
        for cp in self.covered:
            for code, p in COVERED_PROFILE:
                if r.random() < p * (1.3 if high else 0.8) and code in s.mtypes:
                    out.append((code, cp))
        if not out:
            out.append(
                (
                    "instruction_sheets"
                    if "instruction_sheets" in s.mtypes
                    else next(iter(s.mtypes)),
                    ben,
                )
            )
        return out

    # Board -------------------------------------------------------------------------------------

    def board(self, ready, kind, study_id=None, appeal_id=None):
        """Put the case on the next session's agenda; deferred items go to the next one.
        Returns (slot, decision time, present voting members) or raises _Stop."""
        s, r, c = self.s, self.r, self.c
        coordinator = s._user(r, Role.COORDINATOR)
        self.set_officer(coordinator)
        self.snap_case(ready, coordinator, "Turnado a la Junta")
        while True:
            slot = s._slot_for(ready)
            if slot is None:
                raise _Stop
            at = s.slot_at[slot]
            present, voting, _jitter = s.slot_attendance[slot]
            requested_presence = c["beneficiary_requested_presence"]
            attended = requested_presence and r.random() < 0.7
            deferred = r.random() < 0.05 and at <= self.A
            waiver = ""
            if requested_presence and not attended:
                if r.random() < 0.3 and at <= self.A:
                    deferred = True
                else:
                    waiver = (
                        "Escrito de la persona beneficiaria: no podrá asistir y acepta que "
                        "se resuelva en su ausencia."
                    )
            offset = timedelta(minutes=10 + 200 * r.random())
            if at > self.A:
                status = "pending"
            elif deferred:
                status = "deferred"
            else:
                status = "decided"
            t = self.T["item"]
            item = t.nid()
            row = [
                item,
                slot,
                self.case_id,
                kind,
                0,
                status,
                study_id,
                appeal_id,
                r.choice(DEFER_REASONS) if status == "deferred" else "",
                requested_presence,
                attended and status == "decided",
                waiver,
            ]
            t.add(row)
            self.item_created = True
            t.snap(row, s.slot_papers_due[slot] - D, coordinator, "+", "Agregado al orden del día")
            s.slot_items[slot].append((at + offset, row))
            if status == "pending":
                raise _Stop
            if status == "decided":
                decided_at = at + offset
                if decided_at > self.A:
                    raise _Stop
                self.coordinator = coordinator
                return slot, item, decided_at, voting
            ready = at + H

    def decision(
        self, slot, item, at, voting, resolution, level, *, lines, ground="", outcome_text=""
    ):
        """A confirmed decision with its lines, applied: grants, extensions and ends, letters."""
        s, r = self.s, self.r
        coordinator = self.coordinator
        against = 1 if r.random() < 0.08 else 0
        abstaining = 1 if r.random() < 0.05 else 0
        votes_for = max(voting - against - abstaining, against + 1)
        months = max((ln[3] or 0 for ln in lines), default=12) or 12
        text = DECISION_TEXT[resolution].format(
            level=s.level_name.get(level, "—"),
            n=sum(1 for ln in lines if ln[0] == "grant"),
            months=months,
            ground=ground or "disminución del riesgo",
            outcome=outcome_text,
        )
        notification_due = s.due(Clock.NOTIFICATION, at)
        roll = r.random()
        if roll < 0.8:
            notified = at + timedelta(hours=4 + 66 * r.random())
        elif roll < 0.97:
            notified = at + timedelta(hours=72 + 200 * r.random())
        else:
            notified = at + timedelta(days=10 + 30 * r.random())
        notified = notified if notified <= self.A else None
        t = self.T["decision"]
        did = t.nid()
        row = [
            did,
            slot,
            item,
            self.case_id,
            None,
            resolution,
            LEGAL_BASIS[resolution],
            level,
            votes_for,
            against,
            abstaining,
            "Voto particular: la medida es insuficiente." if against else "",
            (ground or "risk_decreased") if resolution == "withdraw" else "",
            text,
            "confirmed",
            coordinator,
            coordinator,
            at,
            notification_due,
            notified,
            None,
        ]
        t.add(row)
        s.decisions.append((at, row))
        impl_due = s.due(Clock.IMPLEMENTATION, at)
        review_cache = {}
        tl = self.T["line"]
        authorities = []
        for action, code, cp, duration, target in lines:
            lid = tl.nid()
            if action == "grant":
                if duration not in review_cache:
                    review_cache[duration] = s.months(at, duration)
                m = self.new_measure(
                    code,
                    cp,
                    at,
                    "board",
                    did,
                    self.follow_officer,
                    impl_due=impl_due,
                    notified=notified,
                    duration=duration,
                    review=review_cache[duration],
                    notification_due=notification_due,
                )
                lrow = (
                    lid,
                    did,
                    "grant",
                    s.mtype_pk[code],
                    cp,
                    m["authority_id"],
                    duration,
                    "",
                    None,
                    m["id"],
                )
                authorities.append(m["authority_id"])
            elif action == "extend":
                base = max(filter(None, [target["review_due_at"], at]))
                new_review = s.months(base, duration)
                target["review_due_at"] = new_review
                target["duration_months"] = (target["duration_months"] or 0) + duration
                target["extensions"].append((at, new_review, target["duration_months"]))
                lrow = (lid, did, "extend", None, None, None, duration, "", target["id"], None)
                authorities.append(target["authority_id"])
            else:
                reason = {"withdraw": "withdrawn", "reduce": "reduced"}.get(resolution, "replaced")
                self.end_measure(target, at, reason, did)
                lrow = (lid, did, "end", None, None, None, None, "", target["id"], None)
                authorities.append(target["authority_id"])
            tl.add(lrow)
            tl.snap(lrow, at - timedelta(minutes=5), coordinator, "+", None)
        self.letters(did, at, sorted(set(authorities)))
        return did, notified

    def letters(self, decision_id, at, authorities):
        s, r = self.s, self.r
        t = self.T["letter"]
        age = self.A - at
        recipients = [("beneficiary", cp, None) for cp, _pid in self.beneficiaries]
        recipients += [("authority", None, aid) for aid in authorities]
        for kind, cp, aid in recipients:
            generated = sent = acknowledged = None
            if age < timedelta(hours=6):
                status = "pending"
            else:
                generated = at + timedelta(minutes=5 + 120 * r.random())
                status = "generated"
                sent_at = generated + timedelta(hours=2 + 40 * r.random())
                if sent_at <= self.A:
                    status, sent = "sent", sent_at
                    ack = sent_at + timedelta(days=1 + 9 * r.random())
                    if r.random() < 0.65 and ack <= self.A:
                        status, acknowledged = "acknowledged", ack
            row = [
                t.nid(),
                decision_id,
                kind,
                cp,
                aid,
                None,
                1,
                s.template_version,
                status,
                None,
                "",
                "",
                generated,
                sent,
                r.choice(["Correo institucional", "Mensajería", "Entrega personal"])
                if sent
                else "",
                acknowledged,
                None,
                1 if generated else 0,
                None,
                "",
            ]
            t.add(row)
            t.snap(row, at, self.coordinator, "+", "Oficio planeado")
            s.letters.append((at, row))

    # measures ----------------------------------------------------------------------------------

    def new_measure(
        self,
        code,
        cp,
        at,
        origin,
        decision_id,
        responsible,
        *,
        impl_due,
        plan=...,
        notified=None,
        duration=None,
        review=None,
        notification_due=None,
    ):
        s, r = self.s, self.r
        t = self.T["measure"]
        if plan is ...:
            low, high = MEASURE_PLAN.get(code, ("", (5, 40), None))[1]
            roll = r.random()
            if roll < 0.035:
                plan = None  # promised and never delivered
            else:
                days = _tri_days(r, low, high)
                if roll > 0.9:
                    days += 20 + 60 * r.random()
                plan = s.work_time(r, at, 24 * days, 24 * days + 4)
                if notified and plan < notified:
                    plan = notified + timedelta(hours=2 + 48 * r.random())
        cost = MEASURE_PLAN.get(code, ("", (0, 0), None))[2]
        m = {
            "id": t.nid(),
            "case_id": self.case_id,
            "code": code,
            "covered_id": cp,
            "origin": origin,
            "review0": review,
            "duration0": duration,
            "extensions": [],
            "decision_id": decision_id,
            "granted_at": at,
            "responsible_id": responsible,
            "authority_id": s._authority_for(r, code, self.state[0]),
            "implementation_due_at": impl_due,
            "plan": plan,
            "notified_at": notified,
            "notification_due_at": notification_due,
            "duration_months": duration,
            "review_due_at": review,
            "ended_at": None,
            "end_reason": "",
            "ended_by_decision_id": None,
            "monthly_cost": Decimal(cost).quantize(Decimal("0.01")) if cost else None,
            # Everyone on a synthetic case lives in the case's state (see person()).
            "state_id": self.state[1],
        }
        self.measures.append(m)
        return m

    def open_measures(self, at=None):
        return [m for m in self.measures if m["ended_at"] is None]

    def end_measure(self, m, at, reason, decision_id):
        m["ended_at"] = at
        m["end_reason"] = reason
        m["ended_by_decision_id"] = decision_id

    def end_all(self, at, reason, decision_id):
        for m in self.open_measures():
            self.end_measure(m, at, reason, decision_id)

    # follow-up --------------------------------------------------------------------------------

    def follow(self):
        """Initial study, the Board's decision, then follow-up with yearly re-evaluations until
        the case closes or the reference date comes."""
        s, r, c = self.s, self.r, self.c
        study_id, approved, level, proposed, months = self.study(
            "initial",
            self.admitted_at + timedelta(hours=1 + 40 * r.random()),
            c["risk_study_due_at"],
        )
        c["status"] = "awaiting_board"
        self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
        self.follow_officer = s._user(r, Role.FOLLOW_UP)
        slot, item, at, voting = self.board(approved + H, "incorporation", study_id)
        if r.random() < 0.08:
            lines = [("end", None, None, None, m) for m in self.open_measures()]
            did, notified = self.decision(slot, item, at, voting, "deny", level, lines=lines)
            self.close(at, "denied", "Incorporación negada por la Junta.", self.coordinator)
            self.maybe_appeal(did, at, notified, "deny")
            return
        lines = [
            ("grant", code, cp, months, None) for code, cp in proposed if r.random() < 0.93
        ] or [("grant", proposed[0][0], proposed[0][1], months, None)]
        lines += [
            ("end", None, None, None, m)
            for m in self.open_measures()
            if m.get("urgent") and r.random() < 0.7
        ]
        self.decision(slot, item, at, voting, "grant", level, lines=lines)
        self.protect(at, level)
        self.followup_loop(at)

    def protect(self, at, level):
        c = self.c
        c["status"] = "follow_up"
        c["current_risk_level_id"] = level
        c["reevaluation_due_at"] = self.s.due(Clock.REEVALUATION, at)
        self.set_officer(self.follow_officer)
        self.snap_case(at, self.coordinator, "Acuerdo aplicado")
        self.maybe_hold(at)

    def close(self, at, reason, notes, user):
        c = self.c
        c["status"] = "closed"
        c["closed_at"] = at
        c["closure_reason"] = reason
        c["closure_notes"] = notes
        self.snap_case(at, user, "Expediente concluido")

    def maybe_hold(self, at):
        r, s = self.r, self.s
        if self.holds or r.random() >= 0.006:
            return
        issued = at + timedelta(days=30 + 300 * r.random())
        if issued > self.A:
            return
        lifted = issued + timedelta(days=60 + 400 * r.random()) if r.random() < 0.3 else None
        lifted = lifted if lifted and lifted <= self.A else None
        measure = None
        open_now = [m for m in self.open_measures()]
        if open_now and r.random() < 0.3:
            measure = r.choice(open_now)["id"]
        user = s._user(r, Role.COORDINATOR)
        t = self.T["hold"]
        row = (
            t.nid(),
            self.case_id,
            measure,
            r.choice(COURTS),
            f"Amparo {r.randrange(100, 2999)}/{issued.year}",
            s.ldate(issued),
            s.ldate(lifted) if lifted else None,
            "Suspensión que impide retirar las medidas."
            + (" Levantada por sentencia." if lifted else ""),
            user,
        )
        t.add(row)
        t.snap(row, issued, user, "+", "Suspensión judicial registrada")
        if lifted:
            t.snap(row, lifted, user, "~", "Suspensión judicial levantada")
        self.holds.append((issued, lifted))

    def hold_active(self, at):
        return any(
            issued <= at and (lifted is None or lifted > at) for issued, lifted in self.holds
        )

    def followup_loop(self, since):
        s, r, c = self.s, self.r, self.c
        cycle = 0
        while True:
            cycle += 1
            # Voluntary exit or death before the next re-evaluation.
            due = c["reevaluation_due_at"]
            exit_at = since + timedelta(days=365 * r.expovariate(1.0) / 0.08)
            if r.random() < 0.003:
                exit_at = min(exit_at, since + timedelta(days=400 * r.random()))
                deceased = True
            else:
                deceased = False
            # Re-evaluation: on time, late (the backlog), or early on new facts.
            roll = r.random()
            if roll < 0.12:
                opened = since + (due - since) * r.random()
                trigger = "new_facts"
            elif roll < 0.17:
                opened = since + (due - since) * r.random()
                trigger = "on_request"
            else:
                trigger = "periodic"
                # Mostly around the due date; a tail of late ones is the re-evaluation backlog.
                delay = -30 + 45 * r.random() if r.random() < 0.9 else 15 + 180 * r.random() ** 2
                opened = due + timedelta(days=delay)
            opened = max(opened, since + D)
            # Aggressions after the request (the indicator of whether protection works).
            if r.random() < 0.22:
                when = since + (min(opened, self.A) - since) * r.random()
                if trigger == "new_facts":
                    when = opened - timedelta(days=2)
                if since < when <= self.A:
                    self.aggression(s.ldate(when), before=False)
            if exit_at < opened:
                self.stop_if_after(exit_at)
                reason = "deceased" if deceased else "voluntary_exit"
                self.end_all(exit_at, "case_closed" if deceased else "voluntary_exit", None)
                self.close(
                    exit_at,
                    reason,
                    "Fallecimiento de la persona beneficiaria."
                    if deceased
                    else "Escrito de salida voluntaria de la persona beneficiaria.",
                    self.follow_officer,
                )
                return
            self.stop_if_after(opened)
            requester = s._user(r, Role.FOLLOW_UP if trigger != "periodic" else Role.ANALYST)
            c["status"] = "reevaluation"
            self.snap_case(opened, requester, "Revaluación abierta")
            study_due = s.due(Clock.RISK_STUDY, opened)
            c["risk_study_due_at"] = study_due
            tr = self.T["reevaluation"]
            rrow = [
                tr.nid(),
                self.case_id,
                trigger,
                opened,
                requester,
                {
                    "periodic": "Revaluación anual.",
                    "on_request": "La persona beneficiaria pidió revisar sus medidas.",
                    "new_facts": "Nuevas agresiones después de la incorporación.",
                }[trigger],
                None,
            ]
            tr.add(rrow)
            try:
                study_id, approved, level, proposed, months = self.study(
                    "reevaluation", opened + H, study_due
                )
            finally:
                rrow[6] = self.T["study"].next_id - 1
            c["status"] = "awaiting_board"
            self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
            slot, item, at, voting = self.board(approved + H, "reevaluation", study_id)
            open_now = self.open_measures()
            roll = r.random()
            withdraw_p = 0.3 + 0.15 * cycle
            if level in s.high_levels:
                withdraw_p /= 2
            if roll < withdraw_p and not self.hold_active(at):
                lines = [("end", None, None, None, m) for m in open_now]
                ground = (
                    "" if r.random() < 0.92 else r.choice(["abandon", "others_use", "staff_misuse"])
                )
                did, notified = self.decision(
                    slot, item, at, voting, "withdraw", level, lines=lines, ground=ground
                )
                self.close(
                    at,
                    "risk_ended" if not ground else "withdrawn",
                    "Retiro de medidas por acuerdo de la Junta.",
                    self.coordinator,
                )
                self.maybe_appeal(did, at, notified, "withdraw")
                return
            if roll < withdraw_p + 0.15 and len(open_now) > 2:
                ended = r.sample(open_now, max(1, len(open_now) // 3))
                lines = [("end", None, None, None, m) for m in ended]
                lines += [("extend", None, None, 12, m) for m in open_now if m not in ended]
                self.decision(slot, item, at, voting, "reduce", level, lines=lines)
            elif roll < withdraw_p + 0.4:
                ended = (
                    r.sample(open_now, min(len(open_now), 1 + r.randrange(2))) if open_now else []
                )
                lines = [("end", None, None, None, m) for m in ended]
                lines += [
                    ("grant", code, cp, months, None) for code, cp in proposed if r.random() < 0.6
                ]
                lines += [("extend", None, None, 12, m) for m in open_now if m not in ended]
                if not any(ln[0] == "grant" for ln in lines):
                    lines.append(("grant", proposed[0][0], proposed[0][1], months, None))
                self.decision(slot, item, at, voting, "modify", level, lines=lines)
            else:
                lines = [("extend", None, None, 12, m) for m in open_now]
                if lines and r.random() < 0.5:  # extended, with something added
                    lines += [("grant", code, cp, months, None) for code, cp in proposed[:2]]
                if not lines:
                    lines = [("grant", code, cp, months, None) for code, cp in proposed[:2]]
                    self.decision(slot, item, at, voting, "grant", level, lines=lines)
                else:
                    self.decision(slot, item, at, voting, "extend", level, lines=lines)
            self.protect(at, level)
            since = at

    def maybe_appeal(self, decision_id, at, notified, resolution):
        """About one case in a hundred appeals (recurso de inconformidad). Out of time it is
        recorded as inadmissible; in time the case reopens for a new study and the Board rules."""
        s, r, c = self.s, self.r, self.c
        if r.random() >= (0.09 if resolution == "deny" else 0.03):
            return
        start = notified or at
        deadline = s.due(Clock.APPEAL_FILING, start)
        late = r.random() < 0.1
        filed = start + timedelta(days=(31 + 20 * r.random()) if late else 1 + 28 * r.random())
        self.stop_if_after(filed)
        user = s._user(r, Role.COORDINATOR)
        t = self.T["appeal"]
        aid = t.nid()
        row = [
            aid,
            self.case_id,
            "ordinary",
            decision_id,
            False,
            filed,
            deadline,
            "La persona considera que la Junta no valoró las agresiones recientes.",
            "filed",
            None,
            None,
            None,
            "",
            None,
            None,
            None,
            "",
            None,
            user,
        ]
        t.add(row)
        if filed > deadline:
            row[8] = "inadmissible"
            row[15] = min(filed + timedelta(hours=2), self.A)
            row[16] = "Presentada fuera del plazo legal."
            return
        row[8] = "new_study"
        # appeal_reopen: the case goes back to risk evaluation with a fresh study clock.
        c["status"] = "risk_evaluation"
        c["closed_at"] = None
        c["closure_reason"] = ""
        c["closure_notes"] = ""
        c["risk_study_due_at"] = s.due(Clock.RISK_STUDY, filed)
        self.snap_case(filed, user, "Reabierto por inconformidad")
        try:
            study_id, approved, level, proposed, months = self.study(
                "appeal", filed + H, c["risk_study_due_at"]
            )
        finally:
            row[9] = self.T["study"].next_id - 1
        if r.random() < 0.2:
            requested = approved + D
            self.stop_if_after(requested)
            row[8] = "independent_study"
            row[11] = s.due(Clock.APPEAL_CONSEJO_RULING, requested)
            ruled = requested + timedelta(days=5 + 20 * r.random())
            self.stop_if_after(ruled)
            row[8] = "consejo_ruled"
            row[12] = "El Consejo Consultivo recomienda otorgar medidas."
            row[13] = ruled
            approved = ruled
        c["status"] = "awaiting_board"
        self.snap_case(approved, c["assigned_officer_id"], "Estudio de riesgo aprobado")
        self.item_created = False
        try:
            slot, item, at2, voting = self.board(approved + H, "appeal", study_id, appeal_id=aid)
        finally:
            if self.item_created:
                row[8] = "on_agenda"
        upheld = r.random() < 0.4
        lines = [("grant", code, cp, months, None) for code, cp in proposed] if upheld else []
        self.decision(
            slot,
            item,
            at2,
            voting,
            "rule_on_appeal",
            level,
            lines=lines,
            outcome_text="fundada; se otorgan medidas" if upheld else "infundada",
        )
        row[8] = "resolved"
        row[15] = at2
        row[16] = "Fundada: se otorgan medidas." if upheld else "Infundada."
        row[17] = upheld
        if upheld:
            self.follow_officer = s._user(r, Role.FOLLOW_UP)
            self.protect(at2, level)
            self.followup_loop(at2)
        else:
            self.close(at2, "denied", "Inconformidad infundada.", self.coordinator)

    # the end of the story ----------------------------------------------------------------------

    def finish(self):
        s, c = self.s, self.c
        for m in self.measures:
            self.finish_measure(m)
        t = s.T["case"]
        state = {}
        for at, _seq, changes, user, reason, kind in sorted(self.case_events, key=itemgetter(0, 1)):
            state.update(changes)
            state["next_deadline_at"] = s.next_deadline(state)
            t.snap(tuple(state.get(k) for k in t.cols), at, user, kind, reason)
        c["next_deadline_at"] = s.next_deadline(c)
        c["search_text"] = normalize(" ".join(filter(None, self.search)))
        t.rows.append(tuple(c[k] for k in t.cols))

    def finish_measure(self, m):
        """The measure's final row and its history: granted, notified, implemented, extended,
        suspended, ended — each change a "~" row at the moment it happened."""
        s, r = self.s, self.r
        A = self.A
        end = m["ended_at"]
        horizon = min(end, A) if end else A
        plan = m["plan"]
        implemented = plan if plan is not None and plan <= horizon else None
        notified = m["notified_at"]
        if notified is not None and notified > horizon:
            notified = None
        if implemented and (notified is None or notified > implemented):
            notified = implemented  # as implementation_event_record does
        if end is None and implemented is None and m["implementation_due_at"] < A:
            s.stats["overdue_measures"] += 1
        urgent = m["origin"] == "urgent"
        state = {
            "status": "notified" if urgent else "granted",
            "notified_at": m["notified_at"] if urgent else None,
            "implemented_at": None,
            "ended_at": None,
            "end_reason": "",
            "ended_by_decision_id": None,
            "review_due_at": m["review0"],
            "duration_months": m["duration0"],
        }
        t = s.T["measure"]
        mt = s.mtype_pk[m["code"]]
        user = m["responsible_id"] or self.follow_officer_or_reception()
        row_of = self._measure_row
        t.snap(row_of(m, mt, state), m["granted_at"], user, "+", "Medida otorgada")
        changes = []
        if not urgent and notified and notified != implemented:
            changes.append((notified, {"status": "notified", "notified_at": notified}))
        if implemented:
            changes.append(
                (
                    implemented,
                    {
                        "status": "implemented",
                        "implemented_at": implemented,
                        "notified_at": notified,
                    },
                )
            )
            if end is None and r.random() < 0.005:
                suspended = implemented + (A - implemented) * r.random()
                changes.append((suspended, {"status": "suspended"}))
        for at, review, duration in m["extensions"]:
            changes.append((at, {"review_due_at": review, "duration_months": duration}))
        if end:
            changes.append(
                (
                    end,
                    {
                        "status": "ended",
                        "ended_at": end,
                        "end_reason": m["end_reason"],
                        "ended_by_decision_id": m["ended_by_decision_id"],
                    },
                )
            )
        for at, change in sorted(changes, key=itemgetter(0)):
            state.update(change)
            t.snap(row_of(m, mt, state), at, user, "~", None)
        t.rows.append(row_of(m, mt, state))
        self.events(m, mt, implemented, horizon)

    @staticmethod
    def _measure_row(m, mt, state):
        return (
            m["id"],
            1,
            m["case_id"],
            m["decision_id"],
            m["origin"],
            mt,
            m["covered_id"],
            m["authority_id"],
            m["responsible_id"],
            "",
            state["status"],
            m["granted_at"],
            state["duration_months"],
            m["notification_due_at"],
            state["notified_at"],
            m["implementation_due_at"],
            state["implemented_at"],
            state["review_due_at"],
            state["ended_at"],
            state["end_reason"],
            state["ended_by_decision_id"],
            m["monthly_cost"],
            m["state_id"],
        )

    def events(self, m, mt, implemented, horizon):
        """What happened to the measure: delivery or installation, device tests, faults and
        repairs, activations, visits, contacts, feedback and burdens."""
        r, s = self.r, self.s
        t = s.T["event"]
        user = m["responsible_id"] or self.follow_officer_or_reception()
        code = m["code"]
        A = self.A

        def add(kind, at, outcome="na", minutes=None, burden=None, resolves=None):
            eid = t.nid()
            recorded = min(at + timedelta(hours=1 + 30 * r.random()), A)
            t.add(
                (
                    eid,
                    m["id"],
                    kind,
                    at,
                    outcome,
                    minutes,
                    burden,
                    resolves,
                    EVENT_NOTES[kind],
                    user,
                    recorded,
                )
            )
            return eid

        if implemented is None:
            if horizon - m["granted_at"] > 20 * D and r.random() < 0.4:
                add("contact", m["granted_at"] + (horizon - m["granted_at"]) * r.random())
            return
        if r.random() < 0.06 and implemented - m["granted_at"] > 2 * D:
            add(
                "delivery",
                implemented
                - timedelta(days=1 + (implemented - m["granted_at"]).days * r.random() * 0.5),
                "failed",
            )
        add("installation" if code in INSTALLED else "delivery", implemented, "ok")
        device = m["code"] in s.devices
        at = implemented
        count = 0
        while count < 10:
            at = at + timedelta(days=60 + 240 * r.random())
            if at >= horizon:
                break
            count += 1
            roll = r.random()
            if device:
                if roll < 0.35:
                    ok = r.random() < 0.92
                    add("device_test", at, "ok" if ok else "failed")
                elif roll < 0.45:
                    fault = add("fault", at, "failed")
                    fixed = at + timedelta(days=1 + 25 * r.random() ** 2)
                    if fixed < horizon and r.random() < 0.85:
                        add("repair", fixed, "ok", resolves=fault)
                elif roll < 0.5 and code == "panic_button":
                    if r.random() < 0.85:
                        add("activation", at, "ok", minutes=r.randrange(4, 60))
                    else:
                        add("failed_activation", at, "failed")
                elif roll < 0.7:
                    add("contact", at)
                elif roll < 0.85:
                    add("visit", at)
                elif roll < 0.95:
                    add("feedback", at, "ok" if r.random() < 0.8 else "failed")
                else:
                    add("burden", at, burden=Decimal(r.randrange(150, 1500)))
            else:
                if roll < 0.4:
                    add("contact", at)
                elif roll < 0.75:
                    add("visit", at)
                elif roll < 0.93:
                    add("feedback", at, "ok" if r.random() < 0.8 else "failed")
                else:
                    add("burden", at, burden=Decimal(r.randrange(100, 2500)))

    def follow_officer_or_reception(self):
        return getattr(self, "follow_officer", None) or self.reception


GENDER_TABLE = _weighted(GENDERS)
DEFENDER_TABLE = _weighted(DEFENDER_FIELDS)
JOURNALIST_TABLE = _weighted(JOURNALIST_FIELDS)
CHANNEL_TABLE = _weighted(CHANNELS)
AGGRESSOR_TABLE = _weighted(AGGRESSORS)
PROSECUTOR_TABLE = _weighted(PROSECUTORS)
INVESTIGATION_TABLE = _weighted(INVESTIGATIONS)
EXTERNAL_TABLE = _weighted(
    [
        ("iachr", 30),
        ("cndh", 25),
        ("state_commission", 30),
        ("ia_court", 3),
        ("state_mechanism", 12),
    ]
)
COVERED_COUNT = _weighted([(0, 15), (1, 24), (2, 25), (3, 17), (4, 12), (5, 7)])


# Entry point ---------------------------------------------------------------------------------

REFERENCE_MODELS = {
    "cases.state",
    "cases.aggressiontype",
    "cases.admissibilityreason",
    "risk.riskscale",
    "risk.risklevel",
    "risk.riskfactor",
    "measures.measuretype",
}
DATA_APPS = ("cases", "risk", "measures")


def _data_models():
    """Every model of the casework apps except reference data (and its history)."""
    out = []
    for app in DATA_APPS:
        for model in apps.get_app_config(app).get_models(include_auto_created=True):
            label = model._meta.label_lower
            base = label.replace(".historical", ".", 1)
            if label in REFERENCE_MODELS or base in REFERENCE_MODELS:
                continue
            if any(
                label.startswith(ref.replace(".", ".historical", 1) + "_")
                for ref in REFERENCE_MODELS
            ):
                continue
            if model._meta.proxy or not model._meta.managed:
                continue
            out.append(model)
    return out


def existing_data():
    """What casework data the database already holds, as 'label: count' strings."""
    User = apps.get_model("protection", "User")
    found = []
    for label in (
        "cases.Case",
        "cases.Person",
        "cases.Collective",
        "risk.RiskStudy",
        "measures.ImplementingAuthority",
        "measures.BoardMember",
        "measures.BoardSession",
        "measures.GrantedMeasure",
    ):
        model = apps.get_model(label)
        if model.objects.exists():
            found.append(f"{label} ({model.objects.count():,})")
    synthetic_users = User.objects.filter(username__startswith=USERNAME_PREFIX)
    if synthetic_users.exists():
        found.append(f"synthetic users ({synthetic_users.count():,})")
    return found


def reset_data(out):
    """Delete the casework data (TRUNCATE ... CASCADE on PostgreSQL) and the synthetic users.
    Reference data (states, catalogues, risk methodology, clocks, number series) stays."""
    User = apps.get_model("protection", "User")
    models_ = _data_models()
    tables = [m._meta.db_table for m in models_]
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending deferred checks (earlier work in this transaction) block TRUNCATE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(qn(t) for t in tables))
            )
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {qn(table)}")  # noqa: S608 - quoted model table
    User.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    User.history.model.objects.filter(username__startswith=USERNAME_PREFIX).delete()
    out(
        f"  reset: emptied {len(tables)} tables of {', '.join(DATA_APPS)} and removed the "
        "synthetic users"
    )


def _truncate_if_empty():
    """TRUNCATE the (empty) casework tables so that COPY FREEZE may load them: it changes no
    data. Done only when they and every table that references them are empty; returns the
    tables truncated (none otherwise)."""
    tables = [m._meta.db_table for m in _data_models()]
    with connection.cursor() as cursor:
        # Every table that references them, directly or through another referencing table
        # (a notification references an overdue flag that references a case): TRUNCATE needs
        # them all in the same statement, and each must be empty too.
        cursor.execute(
            "WITH RECURSIVE refs(oid) AS ("
            " SELECT oid FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'"
            " UNION SELECT co.conrelid FROM pg_constraint co JOIN refs ON co.confrelid = refs.oid"
            " WHERE co.contype = 'f')"
            " SELECT cl.relname FROM refs JOIN pg_class cl ON cl.oid = refs.oid",
            [tables],
        )
        referencing = sorted({row[0] for row in cursor.fetchall()} - set(tables))
        for table in tables + referencing:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")')  # noqa: S608
            if cursor.fetchone()[0]:
                return set()
        cursor.execute("TRUNCATE {}".format(", ".join(f'"{t}"' for t in tables + referencing)))
    return set(tables)


def _backend_cpu_seconds():
    """CPU time of this connection's PostgreSQL backend (same machine, Linux), or None."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _allocate_ids(synth):
    """Primary keys (and history ids) continue after whatever rows the tables already hold."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for t in synth.T.values():
            pk = t.model._meta.pk.column
            table = qn(t.model._meta.db_table)
            cursor.execute(f"SELECT COALESCE(MAX({qn(pk)}), 0) FROM {table}")  # noqa: S608
            t.next_id = cursor.fetchone()[0] + 1
            if t.has_history:
                hmodel = t.model.history.model
                hpk, htable = qn(hmodel._meta.pk.column), qn(hmodel._meta.db_table)
                cursor.execute(f"SELECT COALESCE(MAX({hpk}), 0) FROM {htable}")  # noqa: S608
                t.hist_base = cursor.fetchone()[0] + 1


def generate(*, cases, seed=1, as_of=None, reset=False, vacuum=True, bulk=None, out=print):
    """Fill the database with `cases` synthetic cases. Refuses to mix with existing casework
    data unless `reset` (which deletes it first). `bulk` forces (True) or avoids (False) the
    drop-and-re-create of foreign keys and indexes on PostgreSQL; by default it is used from
    BULK_FROM_CASES cases on. Returns a summary dict."""
    if not 1 <= cases <= MAX_CASES:
        raise SyntheticDataError(f"--cases must be between 1 and {MAX_CASES:,}.")
    if seed < 0:
        raise SyntheticDataError("--seed must be zero or positive.")
    today = timezone.localdate(timezone.now(), clocks.mechanism_zone())
    as_of = as_of or today
    if as_of > today:
        raise SyntheticDataError("--as-of cannot be in the future.")
    postgres = connection.vendor == "postgresql"
    if not postgres:
        out(
            f"Note: {connection.vendor} works for small datasets; the speed target (100,000 "
            "cases in under 10 minutes) is for PostgreSQL, which is loaded with COPY."
        )
    started = time.monotonic()
    timings = []
    found = existing_data()
    if found and not reset:
        raise SyntheticDataError(
            "The database already holds casework data: " + ", ".join(found) + ". Synthetic "
            "data is never mixed with other data: run again with --reset to empty the "
            "casework tables first (TRUNCATE ... CASCADE), on a database meant for it."
        )
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of tuples and no cycles: the collector would only slow us down
    cpu_started = time.process_time()
    backend_started = _backend_cpu_seconds() if postgres else None
    frozen = set()
    try:
        with transaction.atomic():
            bulk = postgres and (cases >= BULK_FROM_CASES if bulk is None else bulk)
            if found:
                step = time.monotonic()
                reset_data(out)
                timings.append(("reset", time.monotonic() - step))
                if bulk:
                    frozen = {m._meta.db_table for m in _data_models()}
            elif bulk:
                frozen = _truncate_if_empty()
            synth = Synth(cases=cases, seed=seed, as_of=as_of, out=out)
            _allocate_ids(synth)
            if postgres:
                writer = PgWriter(out, bulk=bulk, freeze=frozen)
            else:
                writer = Writer(out)
            step = time.monotonic()
            writer.prepare(synth.models())
            timings.append(("prepare", time.monotonic() - step))
            out(
                f"Simulating and writing {cases:,} cases (seed {seed}, as of "
                f"{as_of.isoformat()}) ..."
            )
            step = time.monotonic()
            synth.build(writer)
            timings.append(("simulate and write", time.monotonic() - step))
            timings.append(("  of which simulation (main thread)", synth.simulate_seconds))
            writer.finish(synth.models(), timings)
            step = time.monotonic()
            synth._update_series(after_reset=bool(found))
            timings.append(("number series", time.monotonic() - step))
            step = time.monotonic()
            # Loaded without save() or signals: the beneficiaries' attributes the list filters
            # read, and the indicators' per-case facts, each in one pass.
            from protection.reports.facts import rebuild as rebuild_case_facts

            from .models import sync_party_attributes

            sync_party_attributes()
            rebuild_case_facts()
            timings.append(("party attributes, case facts", time.monotonic() - step))
            step = time.monotonic()
        # Leaving the block commits (and checks the deferred foreign keys of a small load).
        timings.append(("commit", time.monotonic() - step))
    finally:
        if gc_was_enabled:
            gc.enable()
    rows = sum(v[0] for v in synth.table_stats.values())
    history = sum(v[1] for v in synth.table_stats.values())
    out("Tables (rows, history rows, seconds spent writing them):")
    for key, (n_rows, n_hist, seconds) in synth.table_stats.items():
        table = synth.T[key].model._meta.db_table
        out(f"  {table:<46} {n_rows:>10,} {n_hist:>10,} {seconds:8.1f} s")
    if vacuum and postgres and not connection.in_atomic_block:
        # Tables loaded with COPY FREEZE need only statistics; others also a VACUUM (hint
        # bits, visibility map), or the first queries of a benchmark would pay for it.
        step = time.monotonic()
        with connection.cursor() as cursor:
            for model in synth.models():
                table = model._meta.db_table
                command = "ANALYZE" if table in frozen else "VACUUM (ANALYZE)"
                cursor.execute(f'{command} "{table}"')
            from protection.reports.models import CaseFacts

            cursor.execute(f'VACUUM (ANALYZE) "{CaseFacts._meta.db_table}"')
        timings.append(("analyze" if frozen else "vacuum analyze", time.monotonic() - step))
    total = time.monotonic() - started
    out("Steps:")
    for name, seconds in timings:
        out(f"  {name:<46} {seconds:8.1f} s")
    cpu = time.process_time() - cpu_started
    backend = _backend_cpu_seconds() if postgres else None
    if backend is not None and backend_started is not None:
        out(
            f"  CPU: this process {cpu:.0f} s, PostgreSQL backend {backend - backend_started:.0f}"
            f" s (wall {total:.0f} s; load average {os.getloadavg()[0]:.1f} at the end)"
        )
    else:
        out(f"  CPU: this process {cpu:.0f} s (wall {total:.0f} s)")
    out(
        f"Done: {cases:,} cases, {rows:,} rows and {history:,} history rows in {total:.1f} s "
        f"({synth.session_count:,} Board sessions; {synth.stats['overdue_measures']:,} granted "
        "measures past their implementation date)."
    )
    return {
        "cases": cases,
        "rows": rows,
        "history": history,
        "seconds": total,
        "timings": timings,
        "tables": dict(synth.table_stats),
        "as_of": as_of,
        "anchor": synth.anchor,
        "overdue_measures": synth.stats["overdue_measures"],
        "sessions": synth.session_count,
    }
