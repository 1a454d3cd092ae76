"""Connecting to the store: SQLite by default, PostgreSQL with a URL.

``open_store(url)`` checks the URL, reaches the server with a short timeout,
applies the Alembic migrations up to the latest revision and returns an
engine. Errors name the URL (without its password) and say what to do.
"""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError

from ecoute.errors import DatabaseUnreachable, InvalidDatabaseUrl, MissingDependency

MIGRATIONS = Path(__file__).parent / "migrations"
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def safe_url(url: str) -> str:
    """The URL with its password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _normalise(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidDatabaseUrl(url=url, detail=str(exc)) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return url
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise MissingDependency(feature="PostgreSQL", package="psycopg", install="ecoute[postgres]") from None
        return parsed.render_as_string(hide_password=False)
    raise InvalidDatabaseUrl(url=safe_url(url), detail=f"unsupported backend {backend!r}")


_READ_TUNING = False


def tune_sqlite_for_reads() -> None:
    """Give this process's SQLite connections a large page cache and a memory-mapped file (the web app).

    Only for processes that read the same pages again and again: in an import the mapped file would count
    in the process's memory and grow with the database, where the storage path must stay flat."""
    global _READ_TUNING
    _READ_TUNING = True


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while an import writes; NORMAL is safe with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    if _READ_TUNING:
        # Pages read from the indexes stay in the connection (64 MB, not the default 2 MB), and the file is mapped
        # rather than copied page by page: the dashboards at 100,000 testimonies read the same indexes again and again.
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def create_store_engine(url: str) -> Engine:
    """An engine for ``url``, without touching the database yet."""
    driver_url = _normalise(url)
    if driver_url.startswith("sqlite"):
        engine = create_engine(driver_url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(driver_url, connect_args={"connect_timeout": 5}, pool_pre_ping=True)
    return engine


def schema_filter(dialect: str):
    """Alembic's ``include_object`` for ``dialect``: leaves out the model's
    indexes made for another database only (``Index(...).ddl_if(dialect=...)``,
    such as PostgreSQL's trigram index on the texts), which the migrations
    create on that database alone."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None)
        if type_ != "index" or reflected or only is None or only.dialect is None:
            return True
        return dialect in ((only.dialect,) if isinstance(only.dialect, str) else tuple(only.dialect))

    return include


def schema_differences(connection) -> list:
    """What the store's schema lacks or has more than the models describe
    (Alembic's comparison, each database judged on the objects meant for it):
    empty when the migrations and the models agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ecoute.store.models import Base

    context = MigrationContext.configure(connection, opts={"include_object": schema_filter(connection.dialect.name)})
    return compare_metadata(context, Base.metadata)


def upgrade(engine: Engine) -> str:
    """Apply every migration not yet applied; returns the current revision."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision() or "base"


def open_store(url: str, *, migrate: bool = True) -> Engine:
    """A ready engine for ``url``: reachable, migrated, cached per URL."""
    with _LOCK:
        if url in _ENGINES:
            return _ENGINES[url]
        engine = create_store_engine(url)
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
            if migrate:
                upgrade(engine)
        except OperationalError as exc:
            engine.dispose()
            detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise DatabaseUnreachable(url=safe_url(url), detail=detail) from None
        except SQLAlchemyError as exc:
            engine.dispose()
            raise DatabaseUnreachable(url=safe_url(url), detail=type(exc).__name__) from None
        _ENGINES[url] = engine
        return engine


def close_all() -> None:
    """Dispose every cached engine (tests, shutdown)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
