"""Ties together the history rows one curator decision writes.

Services run a decision inside `decision()`; every historical record saved
meanwhile carries its id (`history_decision`), so that reverting the decision
finds all it changed: the dispute and its demands, outcomes, events,
penalties and evidence (disputes.services.decision_revert).
"""

import contextlib
import contextvars
import uuid

_current: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("standoff_decision", default=None)


@contextlib.contextmanager
def decision():
    """Run a block as one decision; a nested block joins the outer one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    token = _current.set(uuid.uuid4())
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def stamp_history(sender, instance, history_instance, **kwargs):
    """simple_history's pre_create_historical_record receiver."""
    if hasattr(history_instance, "history_decision"):
        history_instance.history_decision = _current.get()
