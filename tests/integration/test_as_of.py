"""One point in time for every job: with ``as_of``, influence, communities and profiles read
only the orders, referrals, links and touchpoints of that date. Data after the date would
change every answer below if it were read (both stores)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graph.identity import IdentityParams
from graph.identity.job import run_identity
from graph.influence import CommunityParams, InfluenceParams, run_communities, run_influence
from graph.profiles import ProfileParams, run_profiles
from graph.store import Store
from loaders import load_files

AS_OF = date(2026, 3, 31)

FILES = {
    "customers.csv": "source,source_customer_id,first_name,last_name,email\n"
    "crm,1,Ada,Lovelace,ada@example.org\n"
    "crm,2,Alan,Turing,alan@example.org\n"
    "crm,3,Grace,Hopper,grace@example.org\n"
    "crm,4,Edsger,Dijkstra,edsger@example.org\n",
    "channels.csv": "channel_id,kind\nweb,web\nstore,store\n",
    "touchpoints.csv": "source,source_customer_id,channel_id,occurred_at\n"
    "crm,2,web,2026-01-05T10:00:00Z\n"
    "crm,2,store,2026-04-10T10:00:00Z\n"  # later: would add a channel
    "crm,2,store,2026-04-11T10:00:00Z\n",
    "purchases.csv": "order_id,source,source_customer_id,purchased_at,amount\n"
    "o1,crm,2,2026-02-01T10:00:00Z,10\n"
    "o2,crm,2,2026-03-01T10:00:00Z,12\n"
    "o3,crm,1,2026-01-20T10:00:00Z,30\n"
    "o4,crm,1,2026-03-20T10:00:00Z,20\n"
    "o5,crm,3,2026-05-02T10:00:00Z,1000\n"  # later: would make Grace a buyer
    "o6,crm,4,2026-01-15T10:00:00Z,5\n"
    "o7,crm,4,2026-02-15T10:00:00Z,5\n",
    "referrals.csv": "referrer_source,referrer_id,referred_source,referred_id,referred_at\n"
    "crm,1,crm,2,2026-01-10T00:00:00Z\n"
    "crm,1,crm,3,2026-05-01T00:00:00Z\n",  # later: would double Ada's reach
    "social_links.csv": "from_source,from_id,to_source,to_id,kind,since\n"
    "crm,2,crm,3,follows,2026-06-01T00:00:00Z\n"  # later: would tie Grace to the rest
    "crm,3,crm,4,friend,2026-06-01T00:00:00Z\n"
    "crm,4,crm,1,friend,2026-01-01T00:00:00Z\n",
}


@pytest.fixture
def loaded(store: Store, tmp_path: Path) -> Store:
    data = tmp_path / "data"
    data.mkdir()
    for name, text in FILES.items():
        (data / name).write_text(text, encoding="utf-8")
    load_files(store, [data], rejects_dir=tmp_path / "rej")
    run_identity(store, IdentityParams(random_pairs=200))
    return store


def person_of(store: Store) -> dict[str, str]:
    ids = store.frame("identity/export")
    return dict(zip(ids["source_customer_id"], ids["person_id"], strict=True))


def influence_of(store: Store, as_of: date | None) -> dict[str, dict[str, object]]:
    run_influence(store, InfluenceParams(as_of=as_of))
    rows = store.read("influence/influencers")
    return {str(r["person_id"]): r for r in rows}


def test_influence_reads_only_the_referrals_links_and_orders_of_the_date(loaded: Store) -> None:
    person = person_of(loaded)
    ada, grace = person["1"], person["3"]
    then = influence_of(loaded, AS_OF)
    assert then[ada]["referral_reach"] == 1
    assert then[ada]["referred_revenue"] == pytest.approx(22.0)  # Alan's two orders
    assert then[grace]["in_degree"] == 0  # referred, followed and befriended only later
    now = influence_of(loaded, None)
    assert now[ada]["referral_reach"] == 2
    assert now[ada]["referred_revenue"] == pytest.approx(1022.0)
    assert now[grace]["in_degree"] in (2, 3)  # friendships count both ways


def test_communities_read_only_the_links_and_touchpoints_of_the_date(loaded: Store) -> None:
    person = person_of(loaded)
    ranked = run_influence(loaded, InfluenceParams(as_of=AS_OF))
    summary = run_communities(
        loaded, CommunityParams(as_of=AS_OF), projection=ranked.projection
    ).set_index("communityId")
    then = {r["personId"]: r["communityId"] for r in loaded.read("influence/memberships")}
    assert then[person["1"]] == then[person["2"]] == then[person["4"]]
    assert then[person["3"]] != then[person["1"]]  # Grace had no link yet: alone
    assert summary.loc[then[person["2"]], "dominantChannel"] == "web"
    assert summary.loc[then[person["2"]], "revenue"] == pytest.approx(82.0)
    assert summary.loc[then[person["3"]], "revenue"] == 0

    run_communities(loaded, CommunityParams())
    now = {r["personId"]: r["communityId"] for r in loaded.read("influence/memberships")}
    assert len(set(now.values())) < len(set(then.values()))  # Grace's links join her in
    with pytest.raises(ValueError, match="cannot serve a job as of"):
        run_communities(loaded, CommunityParams(), projection=ranked.projection)


def test_profiles_read_only_the_touchpoints_and_referrals_of_the_date(loaded: Store) -> None:
    person = person_of(loaded)
    run_influence(loaded, InfluenceParams(as_of=AS_OF))
    profiles = run_profiles(loaded, ProfileParams(as_of=AS_OF, horizon_days=30))
    table = profiles.table
    assert json.loads(table.loc[person["2"], "channel_mix"]) == {"web": 1.0}
    assert table.loc[person["3"], "frequency"] == 0  # Grace's order came later
    later = run_profiles(loaded, ProfileParams(horizon_days=30))
    assert set(json.loads(later.table.loc[person["2"], "channel_mix"])) == {"web", "store"}
