"""The pipeline spine: named, versioned components run in order on batches.

A component is a small class registered with :func:`component`. It declares
the record fields it assigns, loads heavy resources in ``warm_up()`` (called
once, lazily, on first use) and processes a batch of :class:`Item` in
``run()``, so that models can work on many texts at once. The CLI, the web
app, the API and batch jobs all analyse text through :class:`Pipeline`;
nothing analyses text anywhere else.

Each registered name carries a version (``ecoute.language.v1``): a change of
behaviour adds a new version instead of silently changing the old one, and
stored analyses record the versions that produced them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterable, Sequence

from ecoute.errors import ComponentFailed, RecordTimeLimit, UnknownComponent
from ecoute.pipeline.limits import TimeLimitExceeded, time_limit
from ecoute.pipeline.regex_cache import regex_cache
from ecoute.record import AnalysisRecord, ComponentRun, Source
from ecoute.text import testimony_id

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Item:
    """One testimony travelling through the pipeline.

    ``fields`` collects the record's top-level fields as components assign
    them; ``shared`` carries intermediate results between components (the
    spaCy ``Doc`` under ``"doc"``, for instance) that are not part of the
    record.
    """

    text: str
    source: Source
    date_hint: str | None = None
    id: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    shared: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            self.id = testimony_id(self.text)


class Component:
    """Base class of pipeline components.

    Subclasses set ``name``, ``version`` and ``assigns`` (record fields they
    write) through the :func:`component` decorator, and implement ``run``.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    assigns: ClassVar[tuple[str, ...]] = ()
    default_config: ClassVar[dict[str, Any]] = {}

    def __init__(self, **config: Any) -> None:
        self.config = {**self.default_config, **config}
        self._warm = False

    @property
    def registered_name(self) -> str:
        return f"ecoute.{self.name}.v{self.version}"

    def warm_up(self) -> None:
        """Load heavy resources. Called once before the first ``run``."""

    def ensure_warm(self) -> None:
        if not self._warm:
            with regex_cache():
                self.warm_up()
            self._warm = True

    def run(self, items: list[Item]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError(f"component {self.name} does not implement run()")


_COMPONENTS: dict[str, type[Component]] = {}


def component(name: str, *, version: int = 1, assigns: Sequence[str] = (), default_config: dict[str, Any] | None = None):
    """Register a component class under ``name`` (latest version wins by default)."""

    def decorate(cls: type[Component]) -> type[Component]:
        cls.name = name
        cls.version = version
        cls.assigns = tuple(assigns)
        cls.default_config = dict(default_config or {})
        _COMPONENTS[f"{name}.v{version}"] = cls
        latest = _COMPONENTS.get(name)
        if latest is None or latest.version <= version:
            _COMPONENTS[name] = cls
        return cls

    return decorate


def registered_components() -> dict[str, type[Component]]:
    """Every registered component under its plain name (latest version)."""
    _load_builtin_components()
    return {name: cls for name, cls in _COMPONENTS.items() if ".v" not in name}


def _load_builtin_components() -> None:
    # Importing a module of the package registers its components.
    import importlib
    import pkgutil

    from ecoute.pipeline import components

    with regex_cache():  # some libraries compile large patterns when imported
        for module in pkgutil.iter_modules(components.__path__):
            importlib.import_module(f"{components.__name__}.{module.name}")


def create_component(name: str, **config: Any) -> Component:
    _load_builtin_components()
    cls = _COMPONENTS.get(name)
    if cls is None:
        known = ", ".join(sorted(n for n in _COMPONENTS if ".v" not in n))
        raise UnknownComponent(name=name, known=known)
    return cls(**config)


class Pipeline:
    """An ordered list of components; analyses testimonies into records."""

    def __init__(
        self, names: Sequence[str], config: dict[str, dict[str, Any]] | None = None, *, time_limit: float | None = None
    ) -> None:
        config = config or {}
        self.components = [create_component(name, **config.get(name, {})) for name in names]
        if time_limit is None:
            from ecoute.config import Settings

            time_limit = Settings.from_env().record_time_limit
        # Seconds a component may spend on one record (ECOUTE_RECORD_TIME_LIMIT; 0: none).
        self.time_limit = time_limit

    @property
    def version(self) -> str:
        """Identifies the behaviour: the components and their versions, in order."""
        return "+".join(f"{c.name}.v{c.version}" for c in self.components)

    def describe(self) -> list[ComponentRun]:
        return [ComponentRun(name=c.name, version=str(c.version)) for c in self.components]

    def warm_up(self) -> None:
        with regex_cache():  # one read and at most one write of the cache for the whole pipeline
            for comp in self.components:
                comp.ensure_warm()

    def analyse(self, items: Iterable[Item]) -> list[AnalysisRecord | ComponentFailed]:
        """Analyse a batch. A record that makes a component fail becomes a
        :class:`ComponentFailed` in its place; the rest of the batch goes on."""
        batch = list(items)
        failed: dict[int, ComponentFailed] = {}
        for comp in self.components:
            comp.ensure_warm()
            alive = [item for i, item in enumerate(batch) if i not in failed]
            try:
                with time_limit(self.time_limit * len(alive)):
                    comp.run(alive)
            except Exception:
                # Find the culprit(s) one by one so one bad text cannot sink the batch.
                for i, item in enumerate(batch):
                    if i in failed:
                        continue
                    try:
                        with time_limit(self.time_limit):
                            comp.run([item])
                    except TimeLimitExceeded:
                        log.warning("component %s stopped on %s after %s s", comp.name, item.id, self.time_limit)
                        failed[i] = RecordTimeLimit(name=comp.name, id=item.id, seconds=self.time_limit, detail="time limit")
                    except Exception as exc:  # noqa: BLE001 - reported, not hidden
                        log.exception("component %s failed on %s", comp.name, item.id)
                        failed[i] = ComponentFailed(name=comp.name, id=item.id, detail=type(exc).__name__)
        runs = self.describe()
        return [failed[i] if i in failed else self._record(item, runs) for i, item in enumerate(batch)]

    def analyse_one(self, item: Item) -> AnalysisRecord:
        result = self.analyse([item])[0]
        if isinstance(result, ComponentFailed):
            raise result
        return result

    @staticmethod
    def _record(item: Item, runs: list[ComponentRun]) -> AnalysisRecord:
        fields = {"date": None, "language": None, **item.fields}
        return AnalysisRecord(id=item.id, source=item.source, text=item.text, pipeline=runs, **fields)


_DEFAULT: dict[tuple[str, ...], Pipeline] = {}


def get_pipeline(names: Sequence[str] | None = None) -> Pipeline:
    """The process-wide pipeline for these component names, built once."""
    if names is None:
        from ecoute.config import Settings

        names = Settings.from_env().pipeline
    key = tuple(names)
    if key not in _DEFAULT:
        _DEFAULT[key] = Pipeline(key)
    return _DEFAULT[key]
