"""Judging a testimony (PRODUCT.md capability 5): churn and escalation risk,
root causes and the team that should own the fix.

The rules are data: cue files under ``ecoute/data/lexicon`` (``risk.yaml``,
``causes.yaml``) and the routing file ``ecoute/data/routing.yaml``, each
extended or overridden by the operator's copy in ``ECOUTE_HOME``. The
pipeline components ``risk`` and ``causes`` only call the functions here.
"""
