"""French-first interface texts, with English.

The interface language comes from ``ECOUTE_LANG`` (``fr`` or ``en``), set by
the CLI's ``--lang`` option; French is the default. Messages are looked up by
key in ``MESSAGES``; a missing key is a bug that ``tests/test_i18n.py``
catches.
"""

from __future__ import annotations

import os
from typing import Any

LANGUAGES = ("fr", "en")


def current_language() -> str:
    lang = os.environ.get("ECOUTE_LANG", "fr").strip().lower()[:2]
    return lang if lang in LANGUAGES else "fr"


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The message ``key`` in ``lang`` (the current language by default)."""
    entry = MESSAGES[key]
    return entry[lang or current_language()].format(**params)


MESSAGES: dict[str, dict[str, str]] = {
    # CLI help
    "app.help": {
        "fr": "ecoute — la voix des clients et des salariés : importer, pseudonymiser, comprendre, agir.",
        "en": "ecoute — the voice of customers and employees: import, pseudonymise, understand, act.",
    },
    "opt.version": {"fr": "Affiche la version et quitte.", "en": "Show the version and exit."},
    "opt.debug": {"fr": "Affiche la trace complète des erreurs.", "en": "Show full tracebacks on errors."},
    "opt.lang": {"fr": "Langue de l'interface : fr ou en.", "en": "Interface language: fr or en."},
    "opt.db": {
        "fr": "URL de la base (défaut : ECOUTE_DATABASE_URL, sinon la base SQLite intégrée).",
        "en": "Database URL (default: ECOUTE_DATABASE_URL, else the embedded SQLite database).",
    },
    "opt.paths": {"fr": "Fichiers ou dossiers à lire.", "en": "Files or folders to read."},
    "opt.text_col": {"fr": "Colonne (CSV, Excel, JSON) qui contient le texte.", "en": "Column (CSV, Excel, JSON) holding the text."},
    "opt.id_col": {"fr": "Colonne qui contient l'identifiant d'origine.", "en": "Column holding the original identifier."},
    "opt.date_col": {"fr": "Colonne qui contient la date du témoignage.", "en": "Column holding the testimony's date."},
    "opt.format": {
        "fr": "Forcer le format : text, html, csv, tsv, jsonl, xlsx, eml, mbox.",
        "en": "Force the format: text, html, csv, tsv, jsonl, xlsx, eml, mbox.",
    },
    "opt.no_analyze": {"fr": "Stocker sans analyser (analyse plus tard avec `ecoute reanalyze`).", "en": "Store without analysing (analyse later with `ecoute reanalyze`)."},
    "opt.rejections": {"fr": "Lister les rejets de l'import RUN_ID au lieu d'importer.", "en": "List the rejections of import RUN_ID instead of importing."},
    "opt.json": {"fr": "Sortie JSON Lines : un enregistrement d'analyse par témoignage.", "en": "JSON Lines output: one analysis record per testimony."},
    "opt.host": {"fr": "Adresse d'écoute.", "en": "Address to listen on."},
    "opt.port": {"fr": "Port d'écoute.", "en": "Port to listen on."},
    "opt.all": {"fr": "Réanalyser tout, pas seulement ce qui n'a pas d'analyse à jour.", "en": "Re-analyse everything, not only what lacks an up-to-date analysis."},
    "opt.limit": {"fr": "Nombre maximal de lignes affichées.", "en": "Maximum number of rows shown."},
    "cmd.import": {
        "fr": "Importer des témoignages (texte, HTML, CSV/TSV, JSON Lines, Excel, e-mails) dans la base, puis les analyser.",
        "en": "Import testimonies (text, HTML, CSV/TSV, JSON Lines, Excel, e-mails) into the store, then analyse them.",
    },
    "cmd.analyze": {
        "fr": "Analyser des fichiers sans base et afficher les enregistrements d'analyse.",
        "en": "Analyse files without a database and print the analysis records.",
    },
    "cmd.schema": {"fr": "Afficher le schéma JSON de l'enregistrement d'analyse.", "en": "Print the analysis record's JSON Schema."},
    "cmd.serve": {"fr": "Lancer l'application web.", "en": "Start the web app."},
    "cmd.reanalyze": {
        "fr": "Analyser les témoignages stockés avec la version actuelle du pipeline (l'historique est gardé).",
        "en": "Analyse stored testimonies with the current pipeline version (history is kept).",
    },
    "cmd.runs": {"fr": "Lister les imports et leurs comptes.", "en": "List import runs and their counts."},
    "cmd.demo": {"fr": "Importer et analyser le corpus de démonstration fourni.", "en": "Import and analyse the bundled demo corpus."},
    "cmd.pipeline": {"fr": "Lister les composants du pipeline et leurs versions.", "en": "List the pipeline's components and their versions."},
    "cmd.db": {"fr": "Créer ou mettre à jour le schéma de la base (migrations).", "en": "Create or upgrade the database schema (migrations)."},
    "cmd.keygen": {
        "fr": "Créer une clé de chiffrement pour ECOUTE_ENCRYPTION_KEY (originaux gardés chiffrés).",
        "en": "Make an encryption key for ECOUTE_ENCRYPTION_KEY (originals kept encrypted).",
    },
    "cmd.reveal": {
        "fr": "Révéler le texte original chiffré d'un témoignage (chaque révélation est tracée).",
        "en": "Reveal the encrypted original text of a testimony (every reveal is audited).",
    },
    "opt.reason": {"fr": "Pourquoi vous révélez ce texte (obligatoire, tracé).", "en": "Why you reveal this text (required, audited)."},
    "reveal.audited": {
        "fr": "Révélation enregistrée dans le journal d'audit.",
        "en": "Reveal recorded in the audit log.",
    },
    "privacy.off_warning": {
        "fr": "Attention : la pseudonymisation est désactivée (ECOUTE_PRIVACY=off) ; les données personnelles sont stockées et affichées telles quelles.",
        "en": "Warning: pseudonymisation is off (ECOUTE_PRIVACY=off); personal data is stored and shown as written.",
    },
    "cmd.export": {
        "fr": "Exporter les témoignages stockés et leur analyse (JSON Lines, CSV ou Parquet).",
        "en": "Export the stored testimonies with their analysis (JSON Lines, CSV or Parquet).",
    },
    "opt.export_path": {"fr": "Fichier à écrire (.jsonl, .csv ou .parquet).", "en": "File to write (.jsonl, .csv or .parquet)."},
    "opt.export_format": {"fr": "Format, si le suffixe ne le dit pas : jsonl, csv, parquet.", "en": "Format, when the suffix does not say: jsonl, csv, parquet."},
    "export.writing": {"fr": "Export", "en": "Exporting"},
    "export.done": {"fr": "{count} témoignages exportés dans {path}.", "en": "{count} testimonies exported to {path}."},
    "cmd.train": {
        "fr": "Apprendre une étiquette (équipe, produit, motif…) à partir d'un historique étiqueté.",
        "en": "Learn a label (team, product, intent…) from labelled history.",
    },
    "cmd.evaluate": {
        "fr": "Mesurer un modèle d'étiquette sur un fichier étiqueté (exactitude, F1 macro, confusions).",
        "en": "Measure a label model on a labelled file (accuracy, macro-F1, confusions).",
    },
    "opt.label": {"fr": "Colonne qui contient l'étiquette à apprendre.", "en": "Column holding the label to learn."},
    "opt.encoder": {
        "fr": "Encodeur de phrases ajouté au TF-IDF : none ou use (USE multilingue, plus juste, plus lent).",
        "en": "Sentence encoder added to TF-IDF: none or use (multilingual USE, more accurate, slower).",
    },
    "opt.model_out": {"fr": "Fichier du modèle (défaut : ECOUTE_HOME/models/<étiquette>-vN.joblib).", "en": "Model file (default: ECOUTE_HOME/models/<label>-vN.joblib)."},
    "opt.model": {"fr": "Fichier du modèle (défaut : le plus récent pour l'étiquette).", "en": "Model file (default: the latest for the label)."},
    "train.running": {"fr": "Apprentissage", "en": "Training"},
    "train.done": {
        "fr": "Étiquette « {label} » apprise sur {records} enregistrements ({classes} classes) : {path}",
        "en": "Label '{label}' learnt from {records} records ({classes} classes): {path}",
    },
    "evaluate.summary": {
        "fr": "Exactitude {accuracy:.3f} · F1 macro {macro_f1:.3f} sur {records} enregistrements ({model})",
        "en": "Accuracy {accuracy:.3f} · macro-F1 {macro_f1:.3f} on {records} records ({model})",
    },
    "evaluate.confusion": {"fr": "Matrice de confusion (lignes : vérité)", "en": "Confusion matrix (rows: truth)"},
    "evaluate.top_confusions": {"fr": "Confusions les plus fréquentes", "en": "Most frequent confusions"},
    "col.truth": {"fr": "Vérité", "en": "Truth"},
    "col.predicted": {"fr": "Prédit", "en": "Predicted"},
    # CLI output
    "import.reading": {"fr": "Lecture", "en": "Reading"},
    "import.analysing": {"fr": "Analyse", "en": "Analysing"},
    "import.summary": {
        "fr": "Import n° {run} : {input} lus — {stored} stockés, {duplicate} doublons, {rejected} rejetés.",
        "en": "Import #{run}: {input} read — {stored} stored, {duplicate} duplicates, {rejected} rejected.",
    },
    "import.analysed": {"fr": "{count} témoignages analysés.", "en": "{count} testimonies analysed."},
    "import.see_rejections": {
        "fr": "Voir les rejets : ecoute import --rejections {run}",
        "en": "See the rejections: ecoute import --rejections {run}",
    },
    "rejections.title": {"fr": "Rejets de l'import n° {run}", "en": "Rejections of import #{run}"},
    "rejections.none": {"fr": "Aucun rejet pour l'import n° {run}.", "en": "No rejection for import #{run}."},
    "col.file": {"fr": "Fichier", "en": "File"},
    "col.row": {"fr": "Ligne", "en": "Row"},
    "col.code": {"fr": "Code", "en": "Code"},
    "col.reason": {"fr": "Motif", "en": "Reason"},
    "col.run": {"fr": "Import", "en": "Run"},
    "col.started": {"fr": "Début", "en": "Started"},
    "col.status": {"fr": "État", "en": "Status"},
    "col.input": {"fr": "Lus", "en": "Read"},
    "col.stored": {"fr": "Stockés", "en": "Stored"},
    "col.duplicate": {"fr": "Doublons", "en": "Duplicates"},
    "col.rejected": {"fr": "Rejetés", "en": "Rejected"},
    "col.component": {"fr": "Composant", "en": "Component"},
    "col.version": {"fr": "Version", "en": "Version"},
    "col.assigns": {"fr": "Produit", "en": "Assigns"},
    "runs.title": {"fr": "Imports", "en": "Import runs"},
    "pipeline.title": {"fr": "Composants du pipeline", "en": "Pipeline components"},
    "analyze.summary": {
        "fr": "{analysed} témoignages analysés, {duplicate} doublons, {rejected} rejetés.",
        "en": "{analysed} testimonies analysed, {duplicate} duplicates, {rejected} rejected.",
    },
    "reanalyze.done": {"fr": "{count} témoignages réanalysés (pipeline {version}).", "en": "{count} testimonies re-analysed (pipeline {version})."},
    "db.ready": {"fr": "Base prête : {url} (révision {revision}).", "en": "Database ready: {url} (revision {revision})."},
    "serve.start": {"fr": "ecoute écoute sur http://{host}:{port}", "en": "ecoute is listening on http://{host}:{port}"},
    "error.prefix": {"fr": "Erreur", "en": "Error"},
    "error.fix": {"fr": "Que faire", "en": "How to fix"},
}
