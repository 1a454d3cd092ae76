"""Generators for invented identifiers with valid check digits.

Used by build.py (seeded, so the set is reproducible). Plain python3, no
dependency. Every value is invented: bank/branch codes are public codes of
real banks so the IBANs look real, but account numbers are random.
"""
from __future__ import annotations

import random
import string

# --------------------------------------------------------------------- IBAN

_FR_BANKS = ["30003", "30004", "20041", "10278", "18206", "30002", "16958", "17515", "30066", "13335"]


def _iban_numeric(s: str) -> int:
    return int("".join(str(int(c, 36)) for c in s))


def iban_check_digits(country: str, bban: str) -> str:
    rem = _iban_numeric(bban + country + "00") % 97
    return f"{98 - rem:02d}"


def iban_is_valid(iban: str) -> bool:
    s = iban.replace(" ", "").upper()
    if len(s) < 15 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    return _iban_numeric(s[4:] + s[:4]) % 97 == 1


def _fr_rib_key(bank: str, branch: str, account: str) -> str:
    # RIB key: 97 - ((89*bank + 15*branch + 3*account) mod 97), letters mapped
    trans = {c: str(v) for c, v in zip(string.ascii_uppercase, "12345678912345678923456789")}
    acc = "".join(trans.get(c, c) for c in account)
    key = 97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acc)) % 97)
    return f"{key:02d}"


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _es_dc(digits10: str) -> str:
    w = [1, 2, 4, 8, 5, 10, 9, 7, 3, 6]
    r = 11 - sum(int(d) * k for d, k in zip(digits10, w)) % 11
    return "0" if r == 11 else "1" if r == 10 else str(r)


def make_bban(rng: random.Random, country: str) -> str:
    if country == "FR":
        bank = rng.choice(_FR_BANKS)
        branch = _digits(rng, 5)
        account = "000" + _digits(rng, 8) if rng.random() < 0.5 else _digits(rng, 11)
        return bank + branch + account + _fr_rib_key(bank, branch, account)
    if country == "BE":
        first = _digits(rng, 10)
        chk = int(first) % 97 or 97
        return first + f"{chk:02d}"
    if country == "DE":
        return rng.choice(["10010010", "20041133", "50010517", "10070024", "37040044"]) + _digits(rng, 10)
    if country == "ES":
        bank, branch, acct = rng.choice(["2100", "0049", "0182"]), _digits(rng, 4), _digits(rng, 10)
        return bank + branch + _es_dc("00" + bank + branch) + _es_dc(acct) + acct
    if country == "GB":
        return rng.choice(["NWBK", "BARC", "LOYD", "MIDL"]) + _digits(rng, 6) + _digits(rng, 8)
    if country == "NL":
        return rng.choice(["ABNA", "INGB", "RABO"]) + _digits(rng, 10)
    if country == "LU":
        return rng.choice(["001", "019", "030"]) + _digits(rng, 13)
    if country == "CH":
        return rng.choice(["00762", "00230", "80808"]) + _digits(rng, 12)
    raise ValueError(country)


def make_iban(rng: random.Random, country: str, fmt: str = "s") -> str:
    bban = make_bban(rng, country)
    iban = country + iban_check_digits(country, bban) + bban
    assert iban_is_valid(iban)
    if fmt == "s":
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    return iban


# --------------------------------------------------------------------- cards


def luhn_ok(number: str) -> bool:
    ds = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(ds)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _luhn_complete(partial: str) -> str:
    for d in "0123456789":
        if luhn_ok(partial + d):
            return partial + d
    raise AssertionError


_CARD_PREFIX = {
    "visa": ["4970", "4974", "4978", "4539", "4556", "4916", "4485"],
    "mc": ["5132", "5355", "5413", "5244", "2223", "2720", "5168"],
    "amex": ["34", "37"],
    "store": ["6035"],
}


def make_card(rng: random.Random, brand: str, fmt: str = "s") -> str:
    prefix = rng.choice(_CARD_PREFIX[brand])
    length = 15 if brand == "amex" else 16
    num = _luhn_complete(prefix + _digits(rng, length - 1 - len(prefix)))
    if length == 15:
        groups = [num[:4], num[4:10], num[10:]]
    else:
        groups = [num[i:i + 4] for i in range(0, 16, 4)]
    if fmt == "s":
        return " ".join(groups)
    if fmt == "d":
        return "-".join(groups)
    return num


# --------------------------------------------------------------------- NIR

_DEPTS = [f"{d:02d}" for d in range(1, 96) if d != 20]


def nir_key(first13: str) -> str:
    n = first13.replace("2A", "19").replace("2B", "18")
    return f"{97 - int(n) % 97:02d}"


def make_nir(rng: random.Random, sex: str | None = None, yy: str | None = None,
             mm: str | None = None, dept: str | None = None, fmt: str = "s") -> str:
    sex = sex or rng.choice("12")
    yy = yy or f"{rng.randint(40, 99):02d}"
    mm = mm or f"{rng.randint(1, 12):02d}"
    dept = dept or rng.choice(_DEPTS)
    commune = f"{rng.randint(1, 400):03d}"
    order = f"{rng.randint(1, 999):03d}"
    first13 = sex + yy + mm + dept + commune + order
    key = nir_key(first13)
    if fmt == "s":
        return f"{sex} {yy} {mm} {dept} {commune} {order} {key}"
    if fmt == "k":  # 13 digits, then the key apart, as on many forms
        return f"{first13} {key}"
    return first13 + key
