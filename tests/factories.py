"""factory_boy factories for the casework models."""

from datetime import timedelta

import factory
from django.utils import timezone

from cases.models import (
    AggressionType,
    CasePerson,
    CaseRole,
    Collective,
    Person,
    State,
)
from measures.models import BoardMember, ImplementingAuthority, MeasureType, Seat
from protection.models import Role, User
from risk.models import RiskFactor, RiskLevel


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="es_MX")
    last_name = factory.Faker("last_name", locale="es_MX")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    role = Role.RECEPTION
    password = factory.django.Password("Contrasena-Segura-2026")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_names = factory.Faker("first_name", locale="es_MX")
    family_names = factory.Faker("last_name", locale="es_MX")
    gender = "woman"
    profile_type = "defender"
    field_of_work = "land"
    state = factory.LazyFunction(lambda: State.objects.get(code="OAX"))
    municipality = "Juchitán de Zaragoza"
    phone = factory.Sequence(lambda n: f"+52 951 555 {n:04d}")
    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    home_address = "Calle Reforma 12, Centro"


class CollectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Collective

    name = factory.Sequence(lambda n: f"Radio Comunitaria {n}")
    kind = "community_radio"
    profile_type = "journalist"
    state = factory.LazyFunction(lambda: State.objects.get(code="GRO"))


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImplementingAuthority

    name = factory.Sequence(lambda n: f"Secretaría de Seguridad {n}")
    short_name = factory.Sequence(lambda n: f"SS{n}")
    level = "state"
    addressee_name = "Mtra. Ana Sofía López Ruiz"
    addressee_post = "Titular"
    name_article = "la"


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    name = factory.Faker("name", locale="es_MX")
    seat = Seat.SEGOB
    institution = "SEGOB"


def measure_type(code="panic_button"):
    return MeasureType.objects.get(code=code)


def level(code):
    return RiskLevel.objects.get(code=code, scale__active=True)


def aggression_type(code="threat"):
    return AggressionType.objects.get(code=code)


def beneficiary_of(case):
    return CasePerson.objects.filter(case=case, role=CaseRole.BENEFICIARY).first()


def factors():
    return list(RiskFactor.objects.filter(active=True))


def hours_ago(n):
    return timezone.now() - timedelta(hours=n)
