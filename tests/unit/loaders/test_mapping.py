"""YAML mappings: valid files load, invalid ones report every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import InputError
from loaders.mapping import load_mapping


def test_a_mapping_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "shop.yaml"
    path.write_text(
        "kind: customers\n"
        "columns: {Email Address: email, Mobile: phone}\n"
        "constants: {source: shop}\n"
        "formats: {signup_at: '%d/%m/%Y'}\n"
        "timezone: Europe/Berlin\n",
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    assert mapping.header(["Email Address", "Mobile"]) == ["email", "phone", "source"]
    assert mapping.apply({"Email Address": "a@b.co", "source": ""}) == {
        "email": "a@b.co",
        "source": "shop",
    }


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "kind: orders\ncolumns: {Mail: e_mail}\ntimezone: Mars/Olympus\ncolour: blue\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert "kind: Value error, kind must be one of customers" in message
    assert "maps to unknown canonical columns: e_mail" in message
    assert "is not an IANA time zone" in message
    assert "colour: Extra inputs are not permitted" in message


def test_not_yaml_says_so(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("columns: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="is not valid YAML"):
        load_mapping(path)
