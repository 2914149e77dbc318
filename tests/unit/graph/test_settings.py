"""Settings come from the environment once, at the edge; flags win."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import ConfigError
from graph.settings import Settings


def test_defaults_select_the_embedded_store() -> None:
    settings = Settings.from_env({})
    assert settings.store_kind == "sqlite"
    assert settings.db_path == Path("custgraph.db")


def test_environment_selects_neo4j_and_flags_win() -> None:
    env = {
        "CUSTGRAPH_NEO4J_URI": "bolt://h:7687",
        "CUSTGRAPH_NEO4J_PASSWORD": "pw",
        "CUSTGRAPH_DB": "/tmp/x.db",
        "CUSTGRAPH_BATCH_SIZE": "10",
        "CUSTGRAPH_DEFAULT_REGION": "de",
    }
    settings = Settings.from_env(env, db_path=Path("/tmp/y.db"))
    assert settings.store_kind == "neo4j"
    assert (settings.batch_size, settings.default_region, settings.db_path) == (
        10,
        "DE",
        Path("/tmp/y.db"),
    )


def test_password_never_shows_in_repr() -> None:
    assert "pw-secret" not in repr(Settings.from_env({"CUSTGRAPH_NEO4J_PASSWORD": "pw-secret"}))


@pytest.mark.parametrize("value", ["x", "0"])
def test_bad_batch_size_says_what_to_set(value: str) -> None:
    with pytest.raises(ConfigError, match="CUSTGRAPH_BATCH_SIZE"):
        Settings.from_env({"CUSTGRAPH_BATCH_SIZE": value})
