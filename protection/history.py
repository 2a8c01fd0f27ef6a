"""Helpers so history rows name the person who acted, also outside a web request (tasks)."""


def stamp(instance, actor, reason=""):
    instance._history_user = actor
    if reason:
        instance._change_reason = str(reason)
    return instance


def save(instance, actor, reason="", **kwargs):
    stamp(instance, actor, reason)
    instance.save(**kwargs)
    return instance
