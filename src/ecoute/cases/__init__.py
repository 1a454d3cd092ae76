"""Closing the loop (PRODUCT.md, capability 6): a case for each testimony
that needs action, with a priority, an owner team, an assignee, a due date,
a status history, an escalation ladder up to the consumer mediator, and
notifications by e-mail and webhook.

- :mod:`~ecoute.cases.config` reads the cases file (rules, SLAs, targets);
- :mod:`~ecoute.cases.rules` decides which analyses open a case;
- :mod:`~ecoute.cases.states` is the state machine, as data;
- :mod:`~ecoute.cases.sla` and :mod:`~ecoute.cases.ladder` give due dates
  and escalation dates; :mod:`~ecoute.cases.clock` is the one clock;
- :mod:`~ecoute.cases.service` opens and changes cases (CLI, API, jobs);
- :mod:`~ecoute.cases.queries` reads them for lists and pages;
- :mod:`~ecoute.cases.notify` and :mod:`~ecoute.cases.worker` send.
"""
