"""CSV and TSV reading: columns, dialects, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from ingest_helpers import only, read, records, rejections

from ecoute.ingest.model import RawRecord, Rejection
from ecoute.ingest.readers import TEXT_COLUMN_NAMES
from ecoute.ingest.tabular import sniff_delimiter


def _write(tmp_path: Path, name: str, content: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode(encoding))
    return path


def test_semicolon_csv_from_french_excel(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "export.csv",
        "Référence;Date;Note;Commentaire;Canal\r\n"
        "R-1;05/11/2024;2;Livraison en retard, personne au téléphone;web\r\n"
        "R-2;06/11/2024;5;Parfait, merci !;\r\n",
        encoding="cp1252",
    )
    items = read(path, id_col="référence", date_col="Date")
    assert items == [
        RawRecord(
            text="Livraison en retard, personne au téléphone",
            path=str(path),
            format="csv",
            row=1,
            external_id="R-1",
            date="05/11/2024",
            metadata={"Note": "2", "Canal": "web"},  # id and date are not repeated in metadata
        ),
        RawRecord(
            text="Parfait, merci !",
            path=str(path),
            format="csv",
            row=2,
            external_id="R-2",
            date="06/11/2024",
            metadata={"Note": "5"},  # empty Canal dropped
        ),
    ]


def test_tsv(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.tsv", "id\tavis\tville, région\n1\tBon accueil; rapide, efficace\tLyon, ARA\n")
    record = only(read(path))
    assert isinstance(record, RawRecord)
    assert (record.format, record.text, record.external_id, record.metadata) == (
        "tsv",
        "Bon accueil; rapide, efficace",
        "1",  # an "id" column is taken as the id without --id-col
        {"ville, région": "Lyon, ARA"},
    )


def test_quoted_multiline_field(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "avis.csv",
        'id,comment,note\r\n1,"Première ligne\r\n""citée"", deuxième ligne\r\n\r\ntroisième",4\r\n2,Court,5\r\n',
    )
    items = read(path)
    assert [(r.row, r.text, r.metadata) for r in records(items)] == [
        (1, 'Première ligne\n"citée", deuxième ligne\n\ntroisième', {"note": "4"}),
        (2, "Court", {"note": "5"}),
    ]


def test_row_with_wrong_field_count_is_rejected_alone(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "id,text\n1,bien\n2,trop,de,champs\n3\n4,encore bien\n")
    items = read(path)
    assert [(r.row, r.text) for r in records(items)] == [(1, "bien"), (4, "encore bien")]
    assert [(r.code, r.row, r.path, r.format, r.error.params["detail"]) for r in rejections(items)] == [
        ("ECO306", 2, str(path), "csv", "4 fields where the header has 2"),
        ("ECO306", 3, str(path), "csv", "1 fields where the header has 2"),
    ]
    assert rejections(items)[0].reason("en") == f"{path} #2: malformed record: 4 fields where the header has 2"


def test_extra_empty_trailing_fields_are_tolerated(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "id;texte\n1;ok;;\n")
    assert [(r.row, r.text) for r in records(read(path))] == [(1, "ok")]


def test_broken_quoting_is_rejected_for_its_row(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", 'id,text\n1,"fermé" puis rouvert\n2,suivant\n')
    items = read(path)
    rejection = items[0]
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row) == ("ECO306", 1)
    assert rejection.error.params["detail"] == "',' expected after '\"'"
    assert isinstance(items[1], RawRecord) and (items[1].row, items[1].text) == (2, "suivant")


def test_unclosed_quote_at_end_of_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", 'id,text\n1,bien\n2,"jamais fermé\n')
    items = read(path)
    assert [(type(item).__name__, item.row) for item in items] == [("RawRecord", 1), ("Rejection", 2)]
    assert items[1].error.params["detail"] == "unexpected end of data"


def test_missing_text_column_guessed(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.csv", "id,note,ville\n1,4,Paris\n")
    rejection = only(read(path))
    assert isinstance(rejection, Rejection)
    assert (rejection.code, rejection.row, rejection.path) == ("ECO304", None, str(path))
    assert rejection.error.params == {
        "path": str(path),
        "wanted": "(" + ", ".join(TEXT_COLUMN_NAMES) + ")",
        "columns": "id, note, ville",
    }


def test_missing_text_column_given(tmp_path: Path) -> None:
    path = _write(tmp_path, "notes.csv", "id,avis\n1,bien\n")
    rejection = only(read(path, text_col="verbatim_client"))
    assert (rejection.code, rejection.error.params["wanted"], rejection.error.params["columns"]) == (
        "ECO304",
        "'verbatim_client'",
        "id, avis",
    )
    assert (
        rejection.reason("fr") == f"{path} : pas de colonne de texte 'verbatim_client' ; colonnes trouvées : id, avis."
    )


def test_missing_id_column_rejects_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "ref,avis\n1,bien\n")
    rejection = only(read(path, id_col="identifiant"))
    assert (rejection.code, rejection.row) == ("ECO312", None)
    assert rejection.error.params == {
        "path": str(path),
        "column": "identifiant",
        "option": "--id-col",
        "columns": "ref, avis",
    }


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("id,Verbatim,date\n1,x,2024\n", "x"),  # case-insensitive
        ("id,Réponse\n1,x\n", "x"),
        ("id,reponse\n1,x\n", "x"),
        ("description,texte\nx,y\n", "y"),  # "texte" comes before "description" in the list
        ("POURQUOI,score\nx,3\n", "x"),
    ],
)
def test_text_column_is_guessed(tmp_path: Path, content: str, expected: str) -> None:
    path = _write(tmp_path, "avis.csv", content)
    assert [r.text for r in records(read(path))] == [expected]


def test_text_col_option_wins_and_ignores_case(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "texte,Remarque\nignoré,pris\n")
    record = only(read(path, text_col="remarque"))
    assert isinstance(record, RawRecord)
    assert (record.text, record.metadata) == ("pris", {"texte": "ignoré"})


def test_empty_text_and_text_too_long(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", 'id,text\n1,"   "\n2,' + "a" * 50 + "\n3,ok\n")
    items = read(path, max_text_chars=40)
    assert [(r.code, r.row) for r in rejections(items)] == [("ECO305", 1), ("ECO309", 2)]
    assert rejections(items)[0].error.params == {"path": str(path), "where": " #1"}
    assert rejections(items)[1].error.params == {"path": str(path), "where": " #2", "length": 50, "limit": 40}
    assert [r.row for r in records(items)] == [3]


def test_header_only_is_an_empty_input(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "id;commentaire\r\n")
    rejection = only(read(path))
    assert (rejection.code, rejection.row) == ("ECO302", None)


def test_blank_lines_are_skipped_and_not_numbered(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "\n\ntext\n\nun\n\n\ndeux\n")
    assert [(r.row, r.text) for r in records(read(path))] == [(1, "un"), (2, "deux")]


def test_encoding_changing_midway(tmp_path: Path) -> None:
    path = tmp_path / "concat.csv"
    path.write_bytes(
        "id,text\n1,été\n".encode("utf-8") + "2,hiver glacé\n".encode("cp1252") + "3,Ã©tÃ© indien\n".encode("utf-8")
    )
    assert [r.text for r in records(read(path))] == ["été", "hiver glacé", "été indien"]


def test_utf8_bom_and_utf16_csv(tmp_path: Path) -> None:
    bom = _write(tmp_path, "a.csv", "\ufeffcommentaire;id\nsuper;1\n")
    wide = _write(tmp_path, "b.csv", "commentaire;id\r\nsûr;2\r\n", encoding="utf-16")
    assert [(r.text, r.metadata) for r in records(read([bom, wide]))] == [("super", {}), ("sûr", {})]


def test_duplicate_and_empty_header_names_stay_distinct(tmp_path: Path) -> None:
    path = _write(tmp_path, "avis.csv", "texte,note,note,\nbien,1,2,3\n")
    assert only(read(path)).metadata == {"note": "1", "note_2": "2", "column_4": "3"}


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ("seule", ","), ("a;b,c;d", ";")],
)
def test_sniff_delimiter(line: str, delimiter: str) -> None:
    assert sniff_delimiter(line) == delimiter
