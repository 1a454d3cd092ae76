"""HTML pages: main text only, page metadata kept, no network."""

from __future__ import annotations

from pathlib import Path

from ingest_helpers import only, read

from ecoute.ingest.html import html_to_text
from ecoute.ingest.model import RawRecord, Rejection

BLOG = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Mon expérience avec la livraison | Le blog de Marie</title>
<meta name="author" content="Marie Dupont">
<meta property="article:published_time" content="2024-11-05T09:30:00+01:00">
<link rel="canonical" href="https://blog.example.fr/livraison-ratee">
<link rel="stylesheet" href="https://cdn.example.com/style.css">
<script src="https://cdn.example.com/tracker.js"></script>
</head><body>
<header><nav><ul><li><a href="/">Accueil</a></li><li><a href="/a-propos">À propos</a></li>
<li><a href="/contact">Contactez-moi</a></li><li><a href="/archives">Archives 2023</a></li></ul></nav></header>
<main><article>
<h1>Mon expérience avec la livraison</h1>
<p>J'ai commandé un canapé le 2 novembre et on m'avait promis une livraison sous huit jours.
Trois semaines plus tard, toujours rien, et personne au service client pour m'expliquer.</p>
<p>J'ai appelé quatre fois. À chaque appel, on m'a transférée vers un autre service, et j'ai dû
réexpliquer toute l'histoire depuis le début. Au bout d'une heure d'attente, la communication a été coupée.</p>
<p>Finalement le canapé est arrivé abîmé. Je ne recommande pas ce vendeur.</p>
</article></main>
<aside><h3>Articles populaires</h3><ul><li><a href="/x">Recette de la tarte aux pommes</a></li>
<li><a href="/y">Mes vacances en Bretagne</a></li></ul></aside>
<footer><p>© 2024 Le blog de Marie — Mentions légales — Politique de cookies</p></footer>
</body></html>
"""


def test_blog_page_keeps_the_article_and_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "billet.html"
    path.write_text(BLOG, encoding="utf-8")
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert record.text.startswith("Mon expérience avec la livraison\nJ'ai commandé un canapé le 2 novembre")
    assert record.text.endswith("Finalement le canapé est arrivé abîmé. Je ne recommande pas ce vendeur.")
    for menu in ("Accueil", "Contactez-moi", "Archives 2023", "tarte aux pommes", "Mentions légales"):
        assert menu not in record.text
    assert (record.row, record.format, record.date) == (None, "html", "2024-11-05")
    assert record.metadata == {
        "filename": "billet.html",
        "title": "Mon expérience avec la livraison",
        "author": "Marie Dupont",
        "date": "2024-11-05",
        "url": "https://blog.example.fr/livraison-ratee",
    }


def test_page_with_only_menus_has_no_main_text(tmp_path: Path) -> None:
    path = tmp_path / "accueil.htm"
    path.write_text(
        "<html><head><title>Accueil</title></head><body><nav><ul><li><a href='/'>Accueil</a></li>"
        "<li><a href='/produits'>Produits</a></li><li><a href='/contact'>Contact</a></li></ul></nav>"
        "<footer><a href='/mentions'>Mentions légales</a></footer></body></html>",
        encoding="utf-8",
    )
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.path, rejection.format) == ("ECO307", None, str(path), "html")


def test_declared_latin1_page(tmp_path: Path) -> None:
    path = tmp_path / "avis.html"
    body = "<p>Le technicien est venu à l\x92heure, très professionnel et efficace. Je recommande.</p>"
    path.write_bytes(
        b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>'
        + body.encode("latin-1")
        + b"</body></html>"
    )
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert record.text == "Le technicien est venu à l’heure, très professionnel et efficace. Je recommande."


def test_html_to_text_keeps_structure_and_drops_quotes() -> None:
    html = """<?xml version="1.0" encoding="utf-8"?><html><head><style>p{}</style></head><body>
    <div>Bonjour,</div><div><br></div><p>Mon   colis
    est <b>cassé</b>.<br>Merci</p>
    <div class="gmail_quote">Le lun. 3 déc. a écrit :<blockquote>ancien message</blockquote></div>
    </body></html>"""
    assert html_to_text(html) == "Bonjour,\n\nMon colis est cassé.\nMerci"
    assert html_to_text("   ") == ""
