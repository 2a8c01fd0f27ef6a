"""One guarded path for every state change.

Every model with a status has one `StateMachine`, declared in its app's `lifecycle.py` module
(cases/lifecycle.py, risk/lifecycle.py, protection/deadlines/lifecycle.py), or in the modules
an app split by sub-domain lists in its AppConfig's `lifecycle_modules` (measures: the granted
measure's map in measures/lifecycle.py, the Board's in measures/board/lifecycle.py, the
letters' in measures/letters/lifecycle.py). A
machine lists the states and the steps; each step says where it may start, where it leads, what
it is called, which access policy it needs and which legal conditions (holds, waivers, quorum)
must hold. The same machine answers every question about a step:

- `machine.refusal(obj, step, user=...)`: None, or the sentence saying why not. Pages use it to
  show or hide the button, views to accept the POST, the admin to offer its action.
- `machine.transition(obj, step, actor=..., reason=...)`: the only way a status changes. It
  refuses before anything is changed (TransitionNotAllowed and friends carry a Spanish sentence),
  sets the state and the step's other fields, recomputes the derived clocks, saves with a history
  row naming the actor and the reason, and schedules side effects after commit.
- `machine.update(obj, actor=..., reason=..., **fields)`: a change of other fields that the
  derived clocks depend on (for example a clock that starts), through the same derivation.
- `saved=`: what a map declares must follow every saved step or update of its records, in
  the same transaction (the case's indicator facts: protection.reports.facts.refresh_of).
- `machine.bulk(queryset, step, **fields)`: the conditional UPDATE used to claim rows (letters,
  exports, e-mail): only rows in a source state move. It writes no history row on purpose: a
  claim is bookkeeping, and the outcome is saved with history.

No other module assigns a status field: tests/test_transitions_guard.py walks the source.
"""

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from . import access
from .errors import DomainError, PermissionDenied, TransitionNotAllowed
from .history import save as history_save
from .history import stamp


@dataclass(frozen=True)
class Step:
    """A move of the map. `policy`: an access.POLICY action name, or a callable (user, obj) ->
    bool for the few steps two roles share on different records. `guard`: a callable (obj,
    user) -> list of sentences (the legal conditions still unmet); empty means allowed."""

    name: str
    sources: tuple
    target: Any
    label: Any
    policy: Any = None
    guard: Any = None


class StateMachine:
    def __init__(
        self,
        model,
        *,
        states,
        steps,
        field="status",
        describe=None,
        derive=None,
        saved=None,
        unreachable=None,
        explain=None,
    ):
        self.model = model
        self.field = field
        self.states = states
        self.steps = {step.name: step for step in steps}
        self._describe = describe
        self._derive = derive
        self._saved = saved
        # States kept for existing rows that no step reaches yet, each with the reason.
        self.unreachable = dict(unreachable or {})
        # A sentence added to a refusal while the record is in a given state ("a confirmed
        # decision changes only by a new decision").
        self.explain = dict(explain or {})
        unknown = {s.target for s in steps} | {src for s in steps for src in s.sources}
        unknown -= set(states.values)
        if unknown:
            raise ValueError(f"{model.__name__}: unknown states {sorted(unknown)}")
        _REGISTRY[model._meta.label] = self

    def __repr__(self):
        return f"<StateMachine {self.model._meta.label}.{self.field}>"

    # -- reading the map ---------------------------------------------------------------------

    @property
    def initial(self):
        return self.model._meta.get_field(self.field).default

    def state_of(self, obj):
        return getattr(obj, self.field)

    def label_of(self, state):
        return str(self.states(state).label)

    def step(self, name):
        try:
            return self.steps[name]
        except KeyError:
            raise ValueError(f"{self.model.__name__} has no step {name!r}") from None

    def allowed_steps(self, state):
        return [name for name, step in self.steps.items() if state in step.sources]

    def describe(self, obj):
        if self._describe is not None:
            return self._describe(obj)
        return f"{self.model._meta.verbose_name} {obj}"

    # -- the one predicate -------------------------------------------------------------------

    def _state_refusal(self, obj, step):
        state = self.state_of(obj)
        if state in step.sources:
            return None
        refusal = _(
            "No se puede %(step)s: %(what)s está en «%(status)s». Sólo es posible desde: "
            "%(allowed)s."
        ) % {
            "step": step.label,
            "what": self.describe(obj),
            "status": self.label_of(state),
            "allowed": ", ".join(self.label_of(s) for s in step.sources),
        }
        if state in self.explain:
            refusal = f"{refusal} {self.explain[state]}"
        return refusal

    def _policy_allows(self, step, user, obj):
        if step.policy is None:
            return True
        if callable(step.policy):
            return bool(step.policy(user, obj))
        return access.can(user, step.policy)

    def problems(self, obj, step_name, *, user=None):
        """The legal conditions of the step still unmet, as sentences (state not included)."""
        step = self.step(step_name)
        return list(step.guard(obj, user)) if step.guard else []

    def refusal(self, obj, step_name, *, user=None, conditions=True):
        """None if `user` may take the step on `obj` now, else the sentence that says why not.
        `user=None` skips the role check (system steps: workers, sweeps). `conditions=False`
        skips the legal conditions: a page uses it to show the button whose form then lists
        what is still missing."""
        step = self.step(step_name)
        if user is not None and not self._policy_allows(step, user, obj):
            return _("Su rol no permite esta acción (%(action)s).") % {"action": step.label}
        refused = self._state_refusal(obj, step)
        if refused:
            return refused
        if conditions:
            problems = self.problems(obj, step_name, user=user)
            if problems:
                return " ".join(str(p) for p in problems)
        return None

    def allows(self, obj, step_name, *, user=None, conditions=True):
        return self.refusal(obj, step_name, user=user, conditions=conditions) is None

    def check(self, obj, step_name, *, user=None, conditions=True):
        """Raise the right domain error if the step is refused; return its target state.
        `conditions=False` checks role and state only (a service that first records what the
        conditions need, such as a waiver's reason, then takes the step)."""
        step = self.step(step_name)
        if user is not None and not self._policy_allows(step, user, obj):
            raise PermissionDenied(
                _("Su rol no permite esta acción (%(action)s).") % {"action": step.label}
            )
        refused = self._state_refusal(obj, step)
        if refused:
            raise TransitionNotAllowed(refused)
        problems = self.problems(obj, step_name, user=user) if conditions else []
        if problems:
            raise DomainError(" ".join(str(p) for p in problems))
        return step.target

    # -- changing state ----------------------------------------------------------------------

    def transition(
        self,
        obj,
        step_name,
        *,
        actor,
        reason=None,
        save=True,
        check_actor=True,
        after_commit=None,
        **fields,
    ):
        """Take `step` on `obj`: check, set the state and `fields`, derive, save with history.

        `save=False` leaves the saving to the caller (a record being created, or one saved with
        more changes in the same transaction). `check_actor=False`: the calling service already
        checked the actor's role under a rule the step shares with another (say, who may record
        an implementation event). `after_commit`: a callable run once the transaction commits.
        """
        if self.field in fields:
            raise ValueError("the state is set by the step, not passed as a field")
        target = self.check(obj, step_name, user=actor if check_actor else None)
        setattr(obj, self.field, target)
        for name, value in fields.items():
            setattr(obj, name, value)
        self.derive(obj)
        reason = reason or self.step(step_name).label
        if save:
            history_save(obj, actor, reason)
            self.saved(obj)
        else:
            stamp(obj, actor, reason)
        if after_commit is not None:
            transaction.on_commit(after_commit)
        return obj

    def update(self, obj, *, actor, reason="", save=True, **fields):
        """Change fields other than the state (a clock that starts or stops) and recompute
        what derives from them."""
        if self.field in fields:
            raise ValueError("a state changes only by a step")
        for name, value in fields.items():
            setattr(obj, name, value)
        self.derive(obj)
        if save:
            history_save(obj, actor, reason)
            self.saved(obj)
        return obj

    def derive(self, obj):
        """Recompute the stored values derived from the state and clocks (one function)."""
        if self._derive is not None:
            self._derive(obj)
        return obj

    def saved(self, obj):
        """Bring up to date, in the same transaction, what the map says follows a saved record
        (a step or update saved by the caller calls this after its own save)."""
        if self._saved is not None:
            self._saved(obj)
        return obj

    def bulk(self, queryset, step_name, **fields):
        """Move every row of `queryset` that is in a source state of `step` (one UPDATE).
        Returns how many moved. No history row: used only for claims and their release."""
        step = self.step(step_name)
        return queryset.filter(**{f"{self.field}__in": step.sources}).update(
            **{self.field: step.target}, **fields
        )

    def transitions(self):
        """(step, source, target) triples, for documentation and tests."""
        return [(s.name, src, s.target) for s in self.steps.values() for src in s.sources]


_REGISTRY = {}


def machines():
    """Every state machine of the project, by model label ("cases.Case"): each app's
    `lifecycle` module is imported, and the modules its AppConfig lists in `lifecycle_modules`."""
    autodiscover_modules("lifecycle")
    for app_config in apps.get_app_configs():
        for name in getattr(app_config, "lifecycle_modules", ()):
            import_module(name)
    return dict(_REGISTRY)


def machine_for(model):
    machines()
    return _REGISTRY.get(model._meta.label)


# Fields that look like a status but record a fact reported from outside, typed as it is known;
# any value may follow any other, so they have no map (the model-walk test reads this list).
NOT_A_LIFECYCLE = {
    "cases.Aggression.investigation_status": (
        "El estado de la investigación penal lo informa la fiscalía; se registra tal como se "
        "conoce y puede corregirse en cualquier sentido."
    ),
}
