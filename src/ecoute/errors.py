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

    def __reduce__(self):
        # Errors cross process boundaries (batch workers): rebuild them from their parameters.
        return (_rebuild, (type(self), self.params))

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """The JSON error shape shared by the API and ``--json`` outputs."""
        return {
            "code": self.code,
            "message": self.message(lang),
            "fix": self.fix(lang),
            "details": {k: _jsonable(v) for k, v in self.params.items()},
        }


def _rebuild(cls: type[EcouteError], params: dict[str, Any]) -> EcouteError:
    return cls(**params)


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


class TaxonomyFileError(EcouteError):
    code = "ECO110"
    en = ("{path}: theme {theme}, field {field}: {detail}", "Correct the taxonomy file (format and phrase syntax in docs/themes.md), or move it away to use the built-in taxonomy only.")
    fr = ("{path} : thème {theme}, champ {field} : {detail}", "Corrigez le fichier de taxonomie (format et syntaxe des phrases dans docs/themes.md), ou déplacez-le pour n'utiliser que la taxonomie intégrée.")


class BadDataFile(EcouteError):
    code = "ECO115"
    en = ("The data file {path} is not valid: {detail}", "Correct the file (its format is described at its top and in docs/journey.md), or remove the operator's copy in ECOUTE_HOME to use the built-in one.")
    fr = ("Le fichier de données {path} n'est pas valide : {detail}", "Corrigez le fichier (son format est décrit en tête et dans docs/journey.md), ou retirez la copie de l'opérateur dans ECOUTE_HOME pour utiliser celui intégré.")


class RulesFileError(EcouteError):
    code = "ECO120"
    en = ("{path}: {key}: {detail}", "Correct {key} in {path} (format in {doc}), or move the file away to use the built-in rules.")
    fr = ("{path} : {key} : {detail}", "Corrigez {key} dans {path} (format dans {doc}), ou déplacez le fichier pour utiliser les règles intégrées.")


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


class TestimonyNotFound(EcouteError):
    code = "ECO203"
    http_status = 404
    en = ("No stored testimony matches {id!r}.", "Check it: testimony ids start with t and a unique prefix is enough; use --external-id for the input's own id. `ecoute export ids.csv` lists every id with its external id.")
    fr = ("Aucun témoignage stocké ne correspond à {id!r}.", "Vérifiez-le : les identifiants commencent par t et un début unique suffit ; --external-id cherche l'identifiant d'origine. `ecoute export ids.csv` liste chaque identifiant avec son identifiant d'origine.")


class AmbiguousTestimonyId(EcouteError):
    code = "ECO204"
    http_status = 400
    en = ("{id!r} matches {count} testimonies: {matches}.", "Give more characters of the id, or the whole id.")
    fr = ("{id!r} correspond à {count} témoignages : {matches}.", "Donnez davantage de caractères de l'identifiant, ou l'identifiant entier.")


class DatabaseLost(EcouteError):
    code = "ECO205"
    http_status = 503
    en = ("The database {url} stopped answering during {what} and did not come back within {seconds} s: {detail}", "What was saved is kept. Check the server, then run the same command again: it resumes where it stopped, without duplicates (ECOUTE_DB_RETRY_SECONDS sets how long to wait).")
    fr = ("La base {url} a cessé de répondre pendant {what} et n'est pas revenue en {seconds} s : {detail}", "Ce qui était enregistré est conservé. Vérifiez le serveur, puis relancez la même commande : elle reprend là où elle s'est arrêtée, sans doublon (ECOUTE_DB_RETRY_SECONDS règle l'attente).")


class RunConflict(EcouteError):
    code = "ECO206"
    http_status = 409
    en = ("Import n° {run} was advanced by another process while this one was writing it.", "Another `ecoute import` of the same files is running: let it finish (or stop it), then run the command again to resume.")
    fr = ("L'import n° {run} a été avancé par un autre processus pendant que celui-ci l'écrivait.", "Un autre `ecoute import` des mêmes fichiers tourne : laissez-le finir (ou arrêtez-le), puis relancez la commande pour reprendre.")


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


class RecordTimeLimit(ComponentFailed):
    code = "ECO402"
    en = ("The component {name} took more than {seconds} s on {id} and was stopped.", "The record was set aside and the others analysed. Raise ECOUTE_RECORD_TIME_LIMIT if such texts are legitimate, or report the text.")
    fr = ("Le composant {name} a dépassé {seconds} s sur {id} et a été arrêté.", "L'enregistrement a été mis de côté et les autres analysés. Augmentez ECOUTE_RECORD_TIME_LIMIT si de tels textes sont légitimes, ou signalez le texte.")


# --- batch mode (ECO7xx) ------------------------------------------------------------


class OutputExists(EcouteError):
    code = "ECO700"
    http_status = 409
    en = ("{path} already exists and was not written by this batch (other inputs or options).", "Choose another output folder, or add --overwrite to replace it.")
    fr = ("{path} existe déjà et n'a pas été écrit par ce lot (autres entrées ou options).", "Choisissez un autre dossier de sortie, ou ajoutez --overwrite pour le remplacer.")


class OutputNotWritable(EcouteError):
    code = "ECO701"
    http_status = 507
    en = ("Cannot write the batch output {path}: {detail}", "Free disk space or choose a writable folder, then run the same command again: finished parts are kept and the batch resumes; nothing incomplete is ever left under the output name.")
    fr = ("Impossible d'écrire la sortie du lot {path} : {detail}", "Libérez de l'espace disque ou choisissez un dossier accessible en écriture, puis relancez la même commande : les parties terminées sont gardées et le lot reprend ; rien d'incomplet n'est jamais laissé sous le nom de sortie.")


class BatchFailed(EcouteError):
    code = "ECO702"
    en = ("The {engine} batch stopped: {detail}", "Finished parts are kept: fix the cause (see --debug for the full trace) and run the same command again to resume.")
    fr = ("Le lot {engine} s'est arrêté : {detail}", "Les parties terminées sont gardées : corrigez la cause (--debug montre la trace complète) et relancez la même commande pour reprendre.")


# --- privacy (ECO5xx) ------------------------------------------------------------


class RevealRefused(EcouteError):
    code = "ECO500"
    http_status = 403
    en = ("Cannot reveal the original of {id}: {detail}.", "Originals are kept only with ECOUTE_KEEP_ORIGINAL=1 and readable only with the ECOUTE_ENCRYPTION_KEY they were stored with; give a reason with --reason.")
    fr = ("Impossible de révéler l'original de {id} : {detail}.", "Les originaux ne sont gardés qu'avec ECOUTE_KEEP_ORIGINAL=1 et lisibles seulement avec la clé ECOUTE_ENCRYPTION_KEY utilisée pour les stocker ; indiquez un motif avec --reason.")


# --- theme discovery (ECO6xx) ----------------------------------------------------


class NoAnalysedTestimonies(EcouteError):
    code = "ECO600"
    http_status = 409
    en = ("The store {url} holds no analysed testimony: there is nothing to discover themes from.", "Import testimonies first (`ecoute import FILE`, or `ecoute demo`), or analyse those stored with `ecoute reanalyze`.")
    fr = ("La base {url} ne contient aucun témoignage analysé : aucun thème à découvrir.", "Importez d'abord des témoignages (`ecoute import FICHIER`, ou `ecoute demo`), ou analysez ceux déjà stockés avec `ecoute reanalyze`.")


class UnknownProposal(EcouteError):
    code = "ECO601"
    http_status = 404
    en = ("No theme proposal {id!r} in {path}.", "Run `ecoute themes discover` and copy an id from its table; ids change when the data or the options change.")
    fr = ("Aucune proposition de thème {id!r} dans {path}.", "Lancez `ecoute themes discover` et copiez un identifiant de son tableau ; les identifiants changent avec les données ou les options.")


class ThemeCodeExists(EcouteError):
    code = "ECO602"
    http_status = 409
    en = ("The taxonomy already has a theme {code} ({origin}).", "Choose another code, or add phrases to {code} by hand in {path} (docs/themes.md).")
    fr = ("La taxonomie a déjà un thème {code} ({origin}).", "Choisissez un autre code, ou ajoutez des phrases à {code} à la main dans {path} (docs/themes.md).")


class InvalidThemeCode(EcouteError):
    code = "ECO603"
    http_status = 400
    en = ("{code!r} is not a theme code.", "Use 2 to 50 lower-case letters, digits and _, starting with a letter (e.g. parking_access).")
    fr = ("{code!r} n'est pas un code de thème.", "Utilisez 2 à 50 lettres minuscules, chiffres et _, en commençant par une lettre (ex. parking_access).")


# --- web app, accounts and surveys (ECO8xx) ----------------------------------------


class NotAuthenticated(EcouteError):
    code = "ECO800"
    http_status = 401
    en = ("You are not logged in.", "Log in on the web app, or send an API token: Authorization: Bearer <token> (`ecoute users token NAME` makes one).")
    fr = ("Vous n'êtes pas connecté.", "Connectez-vous à l'application web, ou envoyez un jeton d'API : Authorization: Bearer <jeton> (`ecoute users token NOM` en crée un).")


class Forbidden(EcouteError):
    code = "ECO801"
    http_status = 403
    en = ("Your role ({role}) does not allow this: {action}.", "Ask an administrator for the role {needed}.")
    fr = ("Votre rôle ({role}) ne permet pas cette action : {action}.", "Demandez à un administrateur le rôle {needed}.")


class BadCredentials(EcouteError):
    code = "ECO802"
    http_status = 401
    en = ("Wrong user name or password, or the account is disabled.", "Check both (the password is case-sensitive); an administrator can reset it with `ecoute users passwd NAME`.")
    fr = ("Nom d'utilisateur ou mot de passe incorrect, ou compte désactivé.", "Vérifiez les deux (le mot de passe distingue les majuscules) ; un administrateur peut le changer avec `ecoute users passwd NOM`.")


class CsrfFailed(EcouteError):
    code = "ECO803"
    http_status = 403
    en = ("The form's security token is missing or out of date.", "Reload the page and send the form again; API clients send their token in the Authorization header instead of a session cookie.")
    fr = ("Le jeton de sécurité du formulaire manque ou a expiré.", "Rechargez la page et renvoyez le formulaire ; les clients de l'API envoient leur jeton dans l'en-tête Authorization au lieu d'un cookie de session.")


class RateLimited(EcouteError):
    code = "ECO804"
    http_status = 429
    en = ("Too many requests ({limit} per {window} s for this {scope}).", "Wait {retry_after} s and try again.")
    fr = ("Trop de requêtes ({limit} par {window} s pour ce {scope}).", "Attendez {retry_after} s puis réessayez.")


class PayloadTooLarge(EcouteError):
    code = "ECO805"
    http_status = 413
    en = ("{what} is too large: {size} over the limit of {limit}.", "Send less: shorten the text or split the file.")
    fr = ("{what} est trop volumineux : {size} au-delà de la limite de {limit}.", "Envoyez moins : raccourcissez le texte ou découpez le fichier.")


class InvalidRequest(EcouteError):
    code = "ECO806"
    http_status = 422
    en = ("Invalid request: {detail}", "Correct the fields named in details.errors; the API is described at /api/v1/openapi.json.")
    fr = ("Requête invalide : {detail}", "Corrigez les champs indiqués dans details.errors ; l'API est décrite dans /api/v1/openapi.json.")


class WeakPassword(EcouteError):
    code = "ECO807"
    http_status = 400
    en = ("The password is too weak ({length} characters, {distinct} different).", "Use at least {minimum} characters, at least 4 of them different; a sentence of several words is easy to remember and hard to guess.")
    fr = ("Le mot de passe est trop faible ({length} caractères, dont {distinct} différents).", "Utilisez au moins {minimum} caractères, dont au moins 4 différents ; une phrase de plusieurs mots se retient facilement et se devine mal.")


class UserExists(EcouteError):
    code = "ECO808"
    http_status = 409
    en = ("A user named {username!r} already exists.", "Choose another name, or change that user's password with `ecoute users passwd {username}`.")
    fr = ("Un utilisateur nommé {username!r} existe déjà.", "Choisissez un autre nom, ou changez son mot de passe avec `ecoute users passwd {username}`.")


class SurveyClosed(EcouteError):
    code = "ECO809"
    http_status = 409
    en = ("The survey {id} is closed: it takes no more answers.", "Thank you all the same; the survey's owner can reopen it.")
    fr = ("L'enquête {id} est close : elle ne reçoit plus de réponses.", "Merci tout de même ; son responsable peut la rouvrir.")


class AlreadyAnswered(EcouteError):
    code = "ECO810"
    http_status = 409
    en = ("This link has already been used to answer.", "Each link answers once; ask for a new link if you want to answer again.")
    fr = ("Ce lien a déjà servi à répondre.", "Chaque lien ne sert qu'une fois ; demandez un nouveau lien pour répondre à nouveau.")


class InvalidSurveyToken(EcouteError):
    code = "ECO811"
    http_status = 400
    en = ("The answer token is missing, damaged or belongs to another survey.", "Open the survey's link again (GET /api/v1/public/surveys/{id} gives a fresh token) and answer with it.")
    fr = ("Le jeton de réponse manque, est abîmé ou appartient à une autre enquête.", "Rouvrez le lien de l'enquête (GET /api/v1/public/surveys/{id} donne un jeton neuf) et répondez avec lui.")


class ScoreOutOfRange(EcouteError):
    code = "ECO812"
    http_status = 422
    en = ("The score {score!r} is not allowed for a {kind} survey.", "Give a whole number from {low} to {high}.")
    fr = ("La note {score!r} n'est pas permise pour une enquête {kind}.", "Donnez un nombre entier de {low} à {high}.")


class NotImplementedYet(EcouteError):
    code = "ECO813"
    http_status = 501
    en = ("{feature} is not available yet.", "{hint}")
    fr = ("{feature} n'est pas encore disponible.", "{hint}")


class RouteNotFound(EcouteError):
    code = "ECO814"
    http_status = 404
    en = ("No page or endpoint at {path} ({method}).", "Check the address; the API is described at /api/v1/openapi.json.")
    fr = ("Aucune page ni point d'accès à {path} ({method}).", "Vérifiez l'adresse ; l'API est décrite dans /api/v1/openapi.json.")


class SetupClosed(EcouteError):
    code = "ECO815"
    http_status = 403
    en = ("The first administrator can only be created {detail}.", "Create accounts with the command line: ecoute users add NAME --role admin.")
    fr = ("Le premier administrateur ne peut être créé que {detail}.", "Créez les comptes en ligne de commande : ecoute users add NOM --role admin.")


class PdfUnavailable(EcouteError):
    code = "ECO816"
    http_status = 501
    en = ("The PDF report cannot be made: {detail}.", "Install WeasyPrint and its system libraries (Pango): pip install weasyprint; the HTML report works meanwhile.")
    fr = ("Le rapport PDF ne peut pas être produit : {detail}.", "Installez WeasyPrint et ses bibliothèques système (Pango) : pip install weasyprint ; le rapport HTML fonctionne en attendant.")


# --- cases and notifications (ECO9xx) ------------------------------------------------


class IllegalTransition(EcouteError):
    code = "ECO900"
    http_status = 409
    en = ("Case {id} cannot go from {before} to {after}.", "From {before} a case may go to: {allowed} (the states are in docs/cases.md).")
    fr = ("Le dossier {id} ne peut pas passer de {before} à {after}.", "Depuis {before}, un dossier peut passer à : {allowed} (les états sont dans docs/cases.md).")


class CaseConflict(EcouteError):
    code = "ECO901"
    http_status = 409
    en = ("Case {id} was changed by someone else meanwhile (it is at version {current}, your change was made on version {expected}).", "Reload the case, read what changed in its history, then make your change again on the new version.")
    fr = ("Le dossier {id} a été modifié entre-temps par quelqu'un d'autre (il en est à la version {current}, votre modification portait sur la version {expected}).", "Rechargez le dossier, lisez ce qui a changé dans son historique, puis refaites votre modification sur la nouvelle version.")


class CaseExists(EcouteError):
    code = "ECO902"
    http_status = 409
    en = ("The testimony {testimony} already has a case: n° {id}.", "A testimony has one case, ever: work on case {id} (reopen it if it is closed: ecoute cases status {id} reopened).")
    fr = ("Le témoignage {testimony} a déjà un dossier : n° {id}.", "Un témoignage n'a qu'un dossier : travaillez sur le dossier {id} (rouvrez-le s'il est clos : ecoute cases status {id} reopened).")


class TopOfLadder(EcouteError):
    code = "ECO903"
    http_status = 409
    en = ("Case {id} is already at the last level of the {sector} ladder ({level}).", "Nothing is above it: the customer may seize {mediator} from {mediator_from}.")
    fr = ("Le dossier {id} est déjà au dernier niveau de l'échelle {sector} ({level}).", "Il n'y a rien au-dessus : le client peut saisir {mediator} à partir du {mediator_from}.")


class NotificationNotRetryable(EcouteError):
    code = "ECO904"
    http_status = 409
    en = ("Notification {id} is {status}: only a failed notification can be retried by hand.", "A pending one is retried by the worker on its own; list the failed ones with `ecoute cases notifications --failed`.")
    fr = ("La notification {id} est {status} : seule une notification en échec peut être relancée à la main.", "Une notification en attente est relancée d'elle-même par le worker ; listez celles en échec avec `ecoute cases notifications --failed`.")


class WorkerBusy(EcouteError):
    code = "ECO905"
    http_status = 409
    en = ("Another scheduler works on this SQLite store ({holder}, until {until}).", "Run one `ecoute worker` per SQLite store (or ECOUTE_SERVE_WORKER in one `ecoute serve`); several workers need PostgreSQL.")
    fr = ("Un autre ordonnanceur travaille sur cette base SQLite ({holder}, jusqu'à {until}).", "Lancez un seul `ecoute worker` par base SQLite (ou ECOUTE_SERVE_WORKER dans un seul `ecoute serve`) ; plusieurs workers demandent PostgreSQL.")
