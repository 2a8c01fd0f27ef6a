"""Reads the demo's stories (scripts/demo/stories/*.yaml, one case or a few per file) and plays
each as a generator the Seeder's scheduler runs in date order.

A story file is a mapping with `about` (what it shows) and `steps`, a list; each step is a
one-key mapping:

    - wait: !ago [7, 10]          the story's clock moves to that moment (`at` from now on)
    - person: {as: rocio, ...}    a verb of demo/verbs.py, keyword arguments; `as` names the result
    - service: {call: board.appeal_file, actor: !user coordinacion, ...}
                                  a service function, called as it is (keyword arguments)
    - let: {lines: [...]}         names values for later steps
    - each: {in: !ref issued, as: measure, do: [...]}   the steps in `do`, once per item

A verb with an `at` argument gets the step's time when the step does not give one. Values are
YAML; these tags reach into the running story:

    !ref name[.attr|.key|.index...]   a named result        !user analista      a demo user
    !ago [days, hour, minute]         days ago, local time  !hours_ago [h, m]   hours ago
    !day days                         a date, days ago      !day_before <when>  the local day before
    !level extraordinary              a risk level          !session 25         the session held 25
                                                                                days ago (or upcoming)
    !authority gn                     an implementing authority
    !aggression_type killing          an aggression type
    !line {measure, party, authority, months, details}      one measure of a grant or a proposal
    !measure [case, code]             the case's latest granted measure of that type
    !party [case, who]                the person's or collective's current row on the case
    !grant_text [case, level, lines]  the usual text of a Board grant
    !first_study case                 the case's first risk study
    !first_request case               the case's first request
    !reload obj                       a fresh copy of a saved row
    !const HIGH                       a constant of demo/cast.py (risk profiles, legal texts;
                                      their values are in scripts/demo/cast.yaml)
    !delta {days: 7}  !plus [a, b]  !minus [a, b]  !mod [a, b]  !decimal "1850.00"
    !format ["MC-{}", value]          !item [obj, key]  !get [obj, attr]
    !place_state case  !place_municipality case   where the case's first beneficiary lives
"""

import inspect
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from cases import handover as handover_services
from cases import services as case_services
from cases import services_contacts as contact_services
from cases import services_gravest as gravest_services
from cases.documents import services as document_services
from measures import services as measure_services
from measures import services_authority as portal_services
from measures.board import services as board_services
from measures.letters import services as letter_services
from risk import services as risk_services
from risk.models import RiskStudy

from . import cast
from .verbs import Verbs

STORIES_DIR = Path(settings.BASE_DIR) / "scripts" / "demo" / "stories"

# `service: {call: <module>.<function>}`: the modules a story may call into.
SERVICES = {
    "cases": case_services,
    "contacts": contact_services,
    "gravest": gravest_services,
    "handover": handover_services,
    "documents": document_services,
    "measures": measure_services,
    "board": board_services,
    "letters": letter_services,
    "portal": portal_services,
    "risk": risk_services,
}
# Seeder methods a value may call (`!ago [...]`): they read, they never write.
HELPERS = {
    "ago",
    "hours_ago",
    "day",
    "day_before",
    "measure",
    "party",
    "grant_text",
    "place_state",
    "place_municipality",
}
SPECIAL = {"wait", "let", "each", "service"}


class Expr:
    """A tagged YAML value, worked out when its step runs."""

    def __init__(self, tag, value):
        self.tag, self.value = tag, value

    def __repr__(self):
        return f"!{self.tag} {self.value!r}"


class StoryLoader(yaml.SafeLoader):
    pass


def _tagged(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if node.style is None:  # plain: a number stays a number
            value = yaml.safe_load(value) if value else None
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return Expr(suffix, value)


StoryLoader.add_multi_constructor("!", _tagged)


class StoryError(CommandError):
    pass


def stories_load(directory=STORIES_DIR):
    """{name: (about, steps)} for every story file, checked before anything runs."""
    stories = {}
    for path in sorted(directory.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=StoryLoader)  # noqa: S506
        if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
            raise StoryError(_("%(file)s: falta la lista «steps».") % {"file": path.name})
        _check(path.name, data["steps"], Verbs)
        stories[path.stem] = (data.get("about", ""), data["steps"])
    return stories


def _check(name, steps, verbs):
    for index, step in enumerate(steps, 1):
        if not isinstance(step, dict) or len(step) != 1:
            raise StoryError(
                _("%(file)s, paso %(n)s: cada paso es un solo verbo.") % {"file": name, "n": index}
            )
        [(verb, args)] = step.items()
        known = verb in SPECIAL or (not verb.startswith("_") and hasattr(verbs, verb))
        if not known:
            raise StoryError(
                _("%(file)s, paso %(n)s: verbo desconocido «%(verb)s».")
                % {"file": name, "n": index, "verb": verb}
            )
        if verb == "each":
            _check(name, args.get("do", []), verbs)


class Story:
    """One story file played against a Seeder: a generator of the moments it needs."""

    def __init__(self, seeder, name, steps):
        self.seeder, self.name, self.steps = seeder, name, steps
        self.names = {}
        self.__name__ = name

    def play(self):
        yield from self._run(self.steps)

    def _run(self, steps):
        for step in steps:
            [(verb, args)] = step.items()
            if verb == "wait":
                self.names["at"] = yield self.value(args)
            elif verb == "let":
                for key, value in args.items():
                    self.names[key] = self.value(value)
            elif verb == "each":
                for item in self.value(args["in"]):
                    self.names[args["as"]] = item
                    yield from self._run(args["do"])
            else:
                args = dict(args)
                target = args.pop("as", None)
                if verb == "service":
                    module, function = args.pop("call").split(".")
                    method = getattr(SERVICES[module], function)
                else:
                    method = getattr(self.seeder, verb)
                    if "at" in inspect.signature(method).parameters and "at" not in args:
                        args["at"] = Expr("ref", "at")
                result = method(**{key: self.value(value) for key, value in args.items()})
                if inspect.isgenerator(result):  # a sub-story (evaluate, board) with its own waits
                    result = yield from result
                if target:
                    self.names[target] = result

    # ------------------------------------------------------------------------------- values

    def value(self, node):
        if isinstance(node, list):
            return [self.value(item) for item in node]
        if isinstance(node, dict):
            return {key: self.value(item) for key, item in node.items()}
        if not isinstance(node, Expr):
            return node
        seeder, tag, raw = self.seeder, node.tag, node.value
        if tag == "ref":
            return self.ref(str(raw))
        if tag == "user" and raw in cast.DEMO_USERNAMES:
            return getattr(seeder, raw)
        if tag == "level":
            return seeder.levels[raw]
        if tag == "session":
            return seeder.upcoming if raw == "upcoming" else seeder.session[raw]
        if tag == "authority":
            return seeder.authority[raw]
        if tag == "aggression_type":
            return seeder.aggression_types[raw]
        if tag == "const" and str(raw).isupper():
            return getattr(cast, raw)
        value = self.value(raw)
        if tag == "line":
            return cast.Line(**value)
        if tag == "delta":
            return timedelta(**value)
        if tag == "decimal":
            return Decimal(str(value))
        if tag == "plus":
            return value[0] + value[1]
        if tag == "minus":
            return value[0] - value[1]
        if tag == "mod":
            return value[0] % value[1]
        if tag == "format":
            return value[0].format(*value[1:])
        if tag == "item":
            return value[0][value[1]]
        if tag == "get":
            return getattr(value[0], value[1])
        if tag in ("first_study", "first_request", "reload") and isinstance(value, list):
            [value] = value
        if tag == "first_study":
            return RiskStudy.objects.filter(case=value).first()
        if tag == "first_request":
            return value.requests.order_by("received_at").first()
        if tag == "reload":
            return type(value)._default_manager.get(pk=value.pk)
        if tag in HELPERS:
            helper = getattr(seeder, tag)
            if isinstance(value, dict):
                return helper(**value)
            return helper(*value) if isinstance(value, list) else helper(value)
        raise StoryError(
            _("%(file)s: valor desconocido «!%(tag)s».") % {"file": self.name, "tag": tag}
        )

    def ref(self, path):
        head, *rest = path.split(".")
        value = self.names[head]
        for part in rest:
            if isinstance(value, dict):
                value = value[part]
            elif part.isdigit():
                value = value[int(part)]
            else:
                value = getattr(value, part)
        return value
