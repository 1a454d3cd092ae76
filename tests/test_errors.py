"""The error shape is part of the public interface (STYLE.md point 4)."""

import re

import pytest

from ecoute import errors
from ecoute.errors import EcouteError, all_error_classes, error_class, render


def test_every_error_has_a_stable_code_and_both_languages():
    classes = all_error_classes()
    assert len(classes) >= 20
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes))
    for cls in classes:
        assert re.fullmatch(r"ECO\d{3}", cls.code), cls
        for lang in ("en", "fr"):
            message, fix = getattr(cls, lang)
            assert message.strip() and fix.strip(), (cls, lang)
        assert 400 <= cls.http_status <= 599


@pytest.mark.parametrize("cls", all_error_classes(), ids=lambda c: c.code)
def test_to_dict_has_the_one_json_shape(cls):
    payload = cls(path="x.csv", where=", row 3", detail="d").to_dict("en")
    assert set(payload) == {"code", "message", "fix", "details"}
    assert payload["code"] == cls.code
    assert payload["message"] and payload["fix"]


def test_messages_follow_the_interface_language(monkeypatch):
    error = errors.InputNotFound(path="nowhere.csv")
    assert "introuvable" in error.message("fr")
    assert "no such file" in error.message("en")
    monkeypatch.setenv("ECOUTE_LANG", "en")
    assert error.message() == error.message("en")


def test_stored_rejections_render_from_their_code():
    assert render("ECO302", {"path": "a.txt"}, "en") == "a.txt: the file is empty."
    assert error_class("ECO999") is EcouteError


def test_a_code_cannot_be_registered_twice():
    with pytest.raises(RuntimeError, match="ECO300"):

        class Clash(EcouteError):  # noqa: F841
            code = "ECO300"
