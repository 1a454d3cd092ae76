"""One error hierarchy for the whole of ecoute.

Every error has a stable ``code`` (``ECO`` + three digits), a message and a
sentence that says how to fix the problem, in French and in English. The CLI
renders them without a traceback, the API as one JSON envelope, and import
rejections store the code so a report can be rendered in either language.

Codes are public: never reuse or renumber one; add a new class instead.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ecoute.i18n import current_language

_REGISTRY: dict[str, type[EcouteError]] = {}


class _SafeDict(dict):
    """Leaves unknown placeholders visible instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class EcouteError(Exception):
    """Base of every error ecoute raises on purpose.

    Subclasses set ``code``, ``http_status`` and the ``en`` / ``fr`` pairs of
    (message template, how-to-fix template). Templates use ``str.format``
    placeholders filled from the keyword arguments given to the constructor.
    """

    code: ClassVar[str] = "ECO000"
    http_status: ClassVar[int] = 500
    en: ClassVar[tuple[str, str]] = ("Unexpected error: {detail}", "Run again with --debug and report the traceback.")
    fr: ClassVar[tuple[str, str]] = ("Erreur inattendue : {detail}", "Relancez avec --debug et signalez la trace.")

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.message("en"))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.code in _REGISTRY and _REGISTRY[cls.code] is not cls:
            raise RuntimeError(f"error code {cls.code} is used twice ({_REGISTRY[cls.code].__name__}, {cls.__name__})")
        _REGISTRY[cls.code] = cls

    def _templates(self, lang: str | None) -> tuple[str, str]:
        return self.fr if (lang or current_language()) == "fr" else self.en

    def message(self, lang: str | None = None) -> str:
        return self._templates(lang)[0].format_map(_SafeDict(self.params))

    def fix(self, lang: str | None = None) -> str:
        return self._templates(lang)[1].format_map(_SafeDict(self.params))

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON error shape shared by the API and ``--json`` outputs."""
        return {
            "code": self.code,
            "message": self.message(lang),
            "fix": self.fix(lang),
            "details": {k: _jsonable(v) for k, v in self.params.items()},
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def error_class(code: str) -> type[EcouteError]:
    """The error class registered under ``code`` (the base class if unknown)."""
    return _REGISTRY.get(code, EcouteError)


def all_error_classes() -> list[type[EcouteError]]:
    return [cls for _, cls in sorted(_REGISTRY.items())]


def render(code: str, params: dict[str, Any], lang: str | None = None) -> str:
    """Render a stored (code, params) pair as a message in ``lang``."""
    return error_class(code)(**params).message(lang)


# --- configuration and environment (ECO1xx) --------------------------------


class ConfigError(EcouteError):
    code = "ECO100"
    http_status = 500
    en = ("Invalid setting {name}={value!r}: {detail}", "Fix the setting (see docs/configuration.md).")
    fr = ("Réglage invalide {name}={value!r} : {detail}", "Corrigez le réglage (voir docs/configuration.md).")


class MissingDependency(EcouteError):
    code = "ECO101"
    en = ("{feature} needs the Python package {package}, which is not installed.", "Install it: pip install '{install}'.")
    fr = ("{feature} a besoin du paquet Python {package}, qui n'est pas installé.", "Installez-le : pip install '{install}'.")


class ModelNotFound(EcouteError):
    code = "ECO102"
    en = ("The language model {model} is not installed.", "Install it: pip install {package}.")
    fr = ("Le modèle de langue {model} n'est pas installé.", "Installez-le : pip install {package}.")


# --- store (ECO2xx) ----------------------------------------------------------


class DatabaseUnreachable(EcouteError):
    code = "ECO200"
    http_status = 503
    en = ("Cannot reach the database {url}: {detail}", "Check that the server is running and the URL (--db or ECOUTE_DATABASE_URL) is right.")
    fr = ("Impossible de joindre la base {url} : {detail}", "Vérifiez que le serveur tourne et que l'URL (--db ou ECOUTE_DATABASE_URL) est juste.")


class InvalidDatabaseUrl(EcouteError):
    code = "ECO201"
    en = ("{url!r} is not a database URL ecoute supports: {detail}", "Use sqlite:///path/to/file.db or postgresql://user@host:5432/dbname.")
    fr = ("{url!r} n'est pas une URL de base prise en charge : {detail}", "Utilisez sqlite:///chemin/vers/fichier.db ou postgresql://utilisateur@hôte:5432/base.")


class NotFound(EcouteError):
    code = "ECO202"
    http_status = 404
    en = ("No {kind} with id {id}.", "List what exists with `ecoute {listing}`.")
    fr = ("Aucun(e) {kind} avec l'identifiant {id}.", "Listez ce qui existe avec `ecoute {listing}`.")


# --- input files (ECO3xx): also used as rejection reasons ---------------------


class InputNotFound(EcouteError):
    code = "ECO300"
    http_status = 400
    en = ("{path}: no such file or folder.", "Check the path; quote it if it contains spaces.")
    fr = ("{path} : fichier ou dossier introuvable.", "Vérifiez le chemin ; mettez-le entre guillemets s'il contient des espaces.")


class UnsupportedFileType(EcouteError):
    code = "ECO301"
    http_status = 400
    en = ("{path}: unsupported file type {suffix!r}.", "Use .txt, .html, .csv, .tsv, .jsonl, .xlsx, .eml or .mbox, or pass --format.")
    fr = ("{path} : type de fichier non pris en charge {suffix!r}.", "Utilisez .txt, .html, .csv, .tsv, .jsonl, .xlsx, .eml ou .mbox, ou précisez --format.")


class EmptyInput(EcouteError):
    code = "ECO302"
    http_status = 400
    en = ("{path}: the file is empty.", "Check that the export finished; an empty file holds no testimony.")
    fr = ("{path} : le fichier est vide.", "Vérifiez que l'export s'est terminé ; un fichier vide ne contient aucun témoignage.")


class BinaryInput(EcouteError):
    code = "ECO303"
    http_status = 400
    en = ("{path}: this is a binary file, not text.", "Export the testimonies as text, CSV, JSON Lines, Excel .xlsx or e-mail.")
    fr = ("{path} : c'est un fichier binaire, pas du texte.", "Exportez les témoignages en texte, CSV, JSON Lines, Excel .xlsx ou e-mail.")


class MissingTextColumn(EcouteError):
    code = "ECO304"
    http_status = 400
    en = ("{path}: no text column {wanted}; columns found: {columns}.", "Name the column holding the testimony with --text-col.")
    fr = ("{path} : pas de colonne de texte {wanted} ; colonnes trouvées : {columns}.", "Indiquez la colonne qui contient le témoignage avec --text-col.")


class EmptyText(EcouteError):
    code = "ECO305"
    http_status = 400
    en = ("{path}{where}: the testimony text is empty.", "Fill in the text, or remove the record from the file.")
    fr = ("{path}{where} : le texte du témoignage est vide.", "Renseignez le texte, ou retirez cet enregistrement du fichier.")


class MalformedRecord(EcouteError):
    code = "ECO306"
    http_status = 400
    en = ("{path}{where}: malformed record: {detail}", "Fix this record (the others were imported) and import the file again: records already stored are recognised as duplicates.")
    fr = ("{path}{where} : enregistrement mal formé : {detail}", "Corrigez cet enregistrement (les autres ont été importés) et réimportez le fichier : ceux déjà stockés seront reconnus comme doublons.")


class NoMainText(EcouteError):
    code = "ECO307"
    http_status = 400
    en = ("{path}: no main text found in this HTML page.", "Check that the page holds the article itself, not only menus or a login wall; save the full page.")
    fr = ("{path} : aucun texte principal trouvé dans cette page HTML.", "Vérifiez que la page contient l'article lui-même, pas seulement des menus ou un écran de connexion ; enregistrez la page complète.")


class NoEmailBody(EcouteError):
    code = "ECO308"
    http_status = 400
    en = ("{path}{where}: the e-mail has no text body{attachments}.", "Ask for the text in the body of the e-mail; attachments are not read.")
    fr = ("{path}{where} : l'e-mail n'a pas de corps de texte{attachments}.", "Demandez le texte dans le corps de l'e-mail ; les pièces jointes ne sont pas lues.")


class TextTooLong(EcouteError):
    code = "ECO309"
    http_status = 400
    en = ("{path}{where}: the text has {length} characters, over the limit of {limit}.", "Split the document, or raise ECOUTE_MAX_TEXT_CHARS.")
    fr = ("{path}{where} : le texte compte {length} caractères, au-delà de la limite de {limit}.", "Découpez le document, ou augmentez ECOUTE_MAX_TEXT_CHARS.")


class UnreadableFile(EcouteError):
    code = "ECO310"
    http_status = 400
    en = ("{path}: cannot read the file: {detail}", "Check the file's permissions and that it is not corrupt.")
    fr = ("{path} : impossible de lire le fichier : {detail}", "Vérifiez les droits du fichier et qu'il n'est pas corrompu.")


class BadOption(EcouteError):
    code = "ECO311"
    http_status = 400
    en = ("Invalid option {option}: {detail}", "See `ecoute {command} --help`.")
    fr = ("Option invalide {option} : {detail}", "Voir `ecoute {command} --help`.")


class MissingColumn(EcouteError):
    code = "ECO312"
    http_status = 400
    en = ("{path}: no column {column!r} (given with {option}); columns found: {columns}.", "Check the column name given with {option}; names are matched ignoring case.")
    fr = ("{path} : pas de colonne {column!r} (indiquée par {option}) ; colonnes trouvées : {columns}.", "Vérifiez le nom de colonne donné à {option} ; la casse est ignorée.")


# --- pipeline (ECO4xx) ---------------------------------------------------------


class UnknownComponent(EcouteError):
    code = "ECO400"
    en = ("No pipeline component named {name!r}; known: {known}.", "Check the component list in ECOUTE_PIPELINE or your configuration.")
    fr = ("Aucun composant de pipeline nommé {name!r} ; connus : {known}.", "Vérifiez la liste des composants dans ECOUTE_PIPELINE ou votre configuration.")


class ComponentFailed(EcouteError):
    code = "ECO401"
    en = ("The component {name} failed on {id}: {detail}", "Run again with --debug and report the traceback; the record was kept for retry.")
    fr = ("Le composant {name} a échoué sur {id} : {detail}", "Relancez avec --debug et signalez la trace ; l'enregistrement est gardé pour une nouvelle tentative.")


# --- privacy (ECO5xx) ------------------------------------------------------------


class RevealRefused(EcouteError):
    code = "ECO500"
    http_status = 403
    en = ("Cannot reveal the original of {id}: {detail}.", "Originals are kept only with ECOUTE_KEEP_ORIGINAL=1 and readable only with the ECOUTE_ENCRYPTION_KEY they were stored with; give a reason with --reason.")
    fr = ("Impossible de révéler l'original de {id} : {detail}.", "Les originaux ne sont gardés qu'avec ECOUTE_KEEP_ORIGINAL=1 et lisibles seulement avec la clé ECOUTE_ENCRYPTION_KEY utilisée pour les stocker ; indiquez un motif avec --reason.")
