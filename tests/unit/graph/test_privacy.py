"""Masks never show a whole component of a value (a name, a short number)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.privacy import mask_value


@pytest.mark.parametrize(
    ("name", "value", "masked"),
    [
        ("firstName", "Margaret", "M***"),
        ("firstName", "赵", "***"),  # a one-character given name is whole
        ("lastName", "赵", "***"),
        ("firstName", "洋子", "***"),
        ("lastName", "Li", "***"),
        ("fullName", "王伟", "***"),
        ("fullName", "Ann Lee", "A***"),
        ("email", "ann.lee@example.com", "a***@example.com"),
        ("email", "al@example.com", "***@example.com"),
        ("phone", "+14155550132", "*******0132"),
        ("phone", "12345", "*****"),  # no digit of a five-digit number
        ("phone", "0123456", "*****56"),
        ("postcode", "02131", "02***"),
        ("postcode", "ab", "***"),
        ("birthDate", "1979-07-22", "1979-**-**"),
        ("city", "Lyon", "Lyon"),
    ],
)
def test_a_mask_never_shows_a_whole_component(name: str, value: str, masked: str) -> None:
    assert mask_value(name, value) == masked


def test_an_erased_value_is_in_no_byte_of_the_store_files(tmp_path: Path) -> None:
    """secure_delete zeroes freed pages and the erasure empties the write-ahead log."""
    from graph.privacy import erase_record
    from graph.store import SqliteStore
    from loaders import load_files

    secret = "zephyrine.quennell-7731@example.org"
    rows = "".join(f"crm,{k},Ann{k},Lee{k},ann{k}@x.org\n" for k in range(200))
    (tmp_path / "customers.csv").write_text(
        "source,source_customer_id,first_name,last_name,email\n"
        + rows
        + f"crm,secret,Zephyrine,Quennell,{secret}\n",
        encoding="utf-8",
    )
    store = SqliteStore(tmp_path / "p.db")
    store.ensure_schema()
    load_files(store, [tmp_path / "customers.csv"], rejects_dir=tmp_path / "r")

    def files() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("p.db*"))

    assert secret.encode() in files()
    erase_record(store, "crm:secret", by="test")
    assert secret.encode() not in files()
    assert b"Quennell" not in files()
    store.close()
