"""E-mails: body choice, quoted replies and signatures, attachments, mbox."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest
from ingest_helpers import only, read, records, rejections

from ecoute.ingest.email import strip_quotes_and_signature
from ecoute.ingest.model import RawRecord, Rejection

FRENCH_REPLY = """\
From: Jeanne Martin <jeanne.martin@example.fr>
To: Service client <sc@boutique.example>
Subject: =?utf-8?q?Re=3A_Votre_commande_n=C2=B0_4521?=
Date: Tue, 03 Dec 2024 11:02:00 +0100
Message-ID: <abc123@mail.example.fr>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Bonjour,

Je n'ai toujours pas reçu ma commande. Le livreur a écrit qu'il était passé,
c'est faux. Merci de me rappeler.

Jeanne
--\x20
Jeanne Martin
06 12 34 56 78

Le lun. 3 déc. 2024 à 10:12, Service client <sc@boutique.example> a
écrit :
> Bonjour,
> votre commande est partie.
"""

ENGLISH_REPLY = """\
From: John <john@example.com>
To: support@shop.example
Subject: Re: refund
Date: Mon, 2 Dec 2024 09:00:00 +0000
Message-ID: <x1@example.com>
Content-Type: text/plain; charset=us-ascii

The refund never arrived, this is the third time I write.

Sent from my iPhone

On Mon, Dec 2, 2024 at 8:01 AM Shop Support <support@shop.example> wrote:
> We have processed your refund.
> Best regards
"""


def _eml(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def test_french_reply_and_signature_removed(tmp_path: Path) -> None:
    path = _eml(tmp_path, "reponse.eml", FRENCH_REPLY)
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert record.text == (
        "Bonjour,\n\nJe n'ai toujours pas reçu ma commande. Le livreur a écrit qu'il était passé,\n"
        "c'est faux. Merci de me rappeler.\n\nJeanne"
    )
    assert (record.row, record.format, record.date) == (None, "eml", "Tue, 03 Dec 2024 11:02:00 +0100")
    assert record.metadata == {
        "filename": "reponse.eml",
        "subject": "Re: Votre commande n° 4521",
        "date": "Tue, 03 Dec 2024 11:02:00 +0100",
        "message_id": "<abc123@mail.example.fr>",
    }
    assert "jeanne.martin@example.fr" not in repr(record) and "sc@boutique.example" not in repr(record)


def test_english_reply_and_mobile_footer_removed(tmp_path: Path) -> None:
    record = only(read(_eml(tmp_path, "reply.eml", ENGLISH_REPLY)))
    assert isinstance(record, RawRecord)
    assert record.text == "The refund never arrived, this is the third time I write."
    assert record.metadata["subject"] == "Re: refund"


def test_email_with_only_an_attachment(tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "Rapport"
    message["Message-ID"] = "<r1@example.fr>"
    message.add_attachment(b"%PDF-1.4 ...", maintype="application", subtype="pdf", filename="rapport.pdf")
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="photo colis.png")
    path = _eml(tmp_path, "piece-jointe.eml", bytes(message))
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.format) == ("ECO308", None, "eml")
    assert rejection.error.params == {
        "path": str(path),
        "where": "",
        "attachments": " (attachments: rapport.pdf, photo colis.png)",
    }


def test_html_only_email_and_declared_charset(tmp_path: Path) -> None:
    message = EmailMessage()
    message["Subject"] = "Réclamation"
    message.set_content(
        "<html><body><p>Facture erron\xe9e, merci de corriger.</p>"
        "<blockquote>Ancien message cité</blockquote></body></html>",
        subtype="html",
        charset="iso-8859-1",
    )
    record = only(read(_eml(tmp_path, "html.eml", bytes(message))))
    assert isinstance(record, RawRecord)
    assert (record.text, record.metadata["subject"]) == ("Facture erronée, merci de corriger.", "Réclamation")


def test_plain_part_is_preferred_and_wrong_charset_survives(tmp_path: Path) -> None:
    message = EmailMessage()
    message.set_content("Texte brut préféré.")
    message.add_alternative("<p>Version HTML</p>", subtype="html")
    raw = bytes(message)
    # Latin-1 bytes in a part that declares no charset: decoded as cp1252, not as "?".
    latin = b"Content-Type: text/plain\n\nD\xe9j\xe0 deux semaines d'attente.\n"
    items = read([_eml(tmp_path, "a.eml", raw), _eml(tmp_path, "b.eml", latin)])
    assert [r.text for r in records(items)] == ["Texte brut préféré.", "Déjà deux semaines d'attente."]


def test_reply_with_nothing_new_is_empty_text(tmp_path: Path) -> None:
    content = "Subject: Re: x\n\n> tout est cité\n> rien de nouveau\n"
    rejection = only(read(_eml(tmp_path, "cite.eml", content)))
    assert (rejection.code, rejection.row) == ("ECO305", None)


def _mbox_message(number: int, body: str) -> str:
    return (
        f"From client{number}@example.fr Tue Dec  3 10:0{number}:00 2024\n"
        f"From: Client {number} <client{number}@example.fr>\n"
        f"Subject: Avis {number}\n"
        f"Date: Tue, 03 Dec 2024 10:0{number}:00 +0100\n"
        f"Message-ID: <m{number}@example.fr>\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        f"{body}\n"
        "\n"
    )


def test_mbox_with_three_messages(tmp_path: Path) -> None:
    path = tmp_path / "boite.mbox"
    path.write_text(
        _mbox_message(1, "Très satisfait du dépannage.")
        + _mbox_message(2, "Envoyé de mon iPhone")
        # ">From" is how mbox escapes a body line starting with "From ": not a quote.
        + _mbox_message(3, "Le colis est arrivé.\n>From the start it was late.\n\nEnvoyé depuis mon mobile Orange"),
        encoding="utf-8",
    )
    items = read(path)
    assert [(r.row, r.text, r.metadata) for r in records(items)] == [
        (
            1,
            "Très satisfait du dépannage.",
            {"subject": "Avis 1", "date": "Tue, 03 Dec 2024 10:01:00 +0100", "message_id": "<m1@example.fr>"},
        ),
        (
            3,
            "Le colis est arrivé.\nFrom the start it was late.",
            {"subject": "Avis 3", "date": "Tue, 03 Dec 2024 10:03:00 +0100", "message_id": "<m3@example.fr>"},
        ),
    ]
    assert all(r.format == "mbox" and r.path == str(path) for r in items)
    # Message 2 holds nothing but a mobile footer.
    assert [(r.code, r.row, r.error.params["where"]) for r in rejections(items)] == [("ECO305", 2, " #2")]


def test_file_that_is_not_an_mbox(tmp_path: Path) -> None:
    path = tmp_path / "faux.mbox"
    path.write_text("Juste du texte.\n", encoding="utf-8")
    rejection = only(read(path))
    assert (rejection.code, rejection.row) == ("ECO310", None)


# --- strip_quotes_and_signature ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        pytest.param(
            "Pas reçu.\n\nLe 3 déc. 2024 à 10:12, Service <s@x.fr> a écrit :\nBonjour, partie hier.",
            "Pas reçu.",
            id="apple-mail-fr-unquoted",
        ),
        pytest.param(
            "Pas reçu.\n\nLe lundi 3 décembre 2024, Service Client a écrit :\n> partie",
            "Pas reçu.",
            id="outlook-fr",
        ),
        pytest.param(
            "Still broken.\n\nOn Mon, Dec 3, 2024 at 10:12 AM Shop <a@b.com>\nwrote:\n\n> fixed?",
            "Still broken.",
            id="gmail-en-wrapped",
        ),
        pytest.param(
            "Merci.\n\n-----Original Message-----\nFrom: Shop\nSent: Monday\nmessage",
            "Merci.",
            id="original-message",
        ),
        pytest.param(
            "Merci.\n\n-------- Message d'origine --------\nDe : Boutique\nDate : 03/12/2024\nTexte",
            "Merci.",
            id="message-d-origine",
        ),
        pytest.param(
            "Toujours rien.\n\n________________________________\nDe : Service client <sc@x.fr>\n"
            "Envoyé : lundi 3 décembre 2024 10:12\nÀ : Jeanne\nObjet : Commande\n\nBonjour...",
            "Toujours rien.",
            id="outlook-fr-headers",
        ),
        pytest.param(
            "Still nothing.\n\nFrom: Support <s@x.com>\nSent: Monday, December 2, 2024 8:01 AM\nTo: John\n\nHello",
            "Still nothing.",
            id="outlook-en-headers",
        ),
        pytest.param("Bien reçu.\n-- \nJean Dupont\nDirecteur", "Bien reçu.", id="signature-delimiter"),
        pytest.param("Bien reçu.\n\nEnvoyé de mon iPhone", "Bien reçu.", id="iphone-fr"),
        pytest.param("Got it.\n\nSent from my Galaxy S21", "Got it.", id="galaxy-en"),
        pytest.param("Got it.\n\nGet Outlook for Android", "Got it.", id="outlook-mobile"),
        pytest.param(
            "On Mon, Dec 2, 2024 at 8:01 AM Shop <s@x.com> wrote:\n> Is it fixed?\n\n"
            "No, still broken.\n> Anything else?\nYes: the invoice.",
            "No, still broken.\nYes: the invoice.",
            id="bottom-posting-interleaved",
        ),
        pytest.param(
            "Le technicien a écrit : « rien à signaler ».\nOr la panne continue.\nEnvoyé le 3 décembre, toujours rien.",
            "Le technicien a écrit : « rien à signaler ».\nOr la panne continue.\nEnvoyé le 3 décembre, toujours rien.",
            id="testimony-words-are-not-cut-points",
        ),
        pytest.param(
            "Le 3 décembre, le technicien a écrit :\nrien à signaler. Faux !",
            "Le 3 décembre, le technicien a écrit :\nrien à signaler. Faux !",
            id="dated-testimony-sentence-is-not-an-attribution",
        ),
        pytest.param(
            "De : mon point de vue, le service est bon.\nMerci.",
            "De : mon point de vue, le service est bon.\nMerci.",
            id="de-colon-alone-is-not-a-header",
        ),
    ],
)
def test_strip_quotes_and_signature(body: str, kept: str) -> None:
    assert strip_quotes_and_signature(body) == kept
