"""Loading files into both stores: accounting, rejections, idempotency, increments, hostility."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from graph.errors import InputError
from graph.store import Store
from loaders import FileReport, Mapping, load_files
from tests.snapshots import snapshot

CUSTOMERS = """\
source,source_customer_id,first_name,last_name,email,phone,birth_date,consent_marketing,country
crm,1,Ann,Lee,ANN@Example.com ,(415) 555-0132,1990-02-03,yes,
crm,2,Bo,Chan,bo@example.com,+44 20 7946 0958,1985-07-30,no,
shop,9,伟,王,wang.wei@163.com,13800138000,1979-12-01,true,CN
"""
CHANNELS = "channel_id,kind,name\nweb,web,Web shop\nstore-1,store,Store 1\n"
MIXED_PURCHASES = (
    "order_id,source,source_customer_id,purchased_at,amount,channel_id,currency\n"
    "o1,crm,1,2024-01-05T10:00:00Z,10.50,web,EUR\n"
    "o2,crm,404,2024-01-05T10:00:00Z,3,web,EUR\n"  # unknown record
    "o3,crm,1,yesterday,3,web,EUR\n"  # bad time
    "o4,crm,1,2024-01-05,abc,web,EUR\n"  # bad amount
    "o5,crm,1,2024-01-05,3,moon,EUR\n"  # unknown channel
    ",crm,1,2024-01-05,3,web,EUR\n"  # missing order id
    "o7,crm,1,2024-01-05,3,web,EURO\n"  # bad currency: an optional field, dropped
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rejects_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_one(store: Store, base: Path, tmp_path: Path, name: str, text: str) -> FileReport:
    """Write ``name`` into the dataset folder, load the folder, and return that file's report."""
    write(base, name, text)
    report = load_files(store, [base], rejects_dir=tmp_path / "rej")
    return next(f for f in report.files if Path(f.path).name == name)


@pytest.fixture
def base(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    write(data, "customers.csv", CUSTOMERS)
    write(data, "channels.csv", CHANNELS)
    return data


def test_every_row_is_loaded_or_rejected_with_line_column_and_reason(
    store: Store, base: Path, tmp_path: Path
) -> None:
    write(base, "purchases.csv", MIXED_PURCHASES)
    report = load_files(store, [base], rejects_dir=tmp_path / "rej")
    purchases = next(f for f in report.files if f.kind == "purchases")
    assert (purchases.rows_read, purchases.rows_loaded, purchases.rows_rejected) == (7, 3, 4)
    assert purchases.rows_warned == 2  # line 6 loads without its unknown channel
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    assert purchases.rejects_path is not None
    rows = rejects_of(Path(purchases.rejects_path))
    rejected, dropped = "row rejected", "field dropped"
    assert [(r["line"], r["column"], r["reason"], r["action"]) for r in rows] == [
        (
            "3",
            "source_customer_id",
            "refers to a record that no loaded customers file has",
            rejected,
        ),
        (
            "4",
            "purchased_at",
            "is not a date-time (ISO-8601, e.g. 2024-03-01T14:05:00Z); set a format in the mapping",
            rejected,
        ),
        ("5", "amount", "is not an amount (expected a number such as 12.50)", rejected),
        (
            "6",
            "channel_id",
            "refers to a channel that no loaded channels file has; load it first",
            dropped,
        ),
        ("7", "order_id", "is required", rejected),
        ("8", "currency", "is not an ISO 4217 code such as EUR", dropped),
    ]
    assert all(r["file"] == "purchases.csv" for r in rows)


def test_rejections_never_quote_the_value(store: Store, base: Path, tmp_path: Path) -> None:
    write(
        base,
        "customers_bad.csv",
        "source,source_customer_id,email,phone\ncrm,7,secret-person-at-mail,12\n",
    )
    report = load_files(store, [base / "customers_bad.csv"], rejects_dir=tmp_path / "rej")
    text = Path(report.files[0].rejects_path or "").read_text(encoding="utf-8")
    assert "secret-person" not in text
    assert "is not an e-mail address" in text


@pytest.mark.parametrize(
    ("name", "header_and_row", "column", "reason"),
    [
        (
            "referrals.csv",
            "referrer_source,referrer_id,referred_source,referred_id\ncrm,1,crm,1\n",
            "referred_id",
            "a record cannot refer itself",
        ),
        (
            "referrals.csv",
            "referrer_source,referrer_id,referred_source,referred_id\ncrm,1,crm,77\n",
            "referred_id",
            "refers to a record that no loaded customers file has",
        ),
        (
            "social_links.csv",
            "from_source,from_id,to_source,to_id,kind\ncrm,1,crm,2,enemy\n",
            "kind",
            "must be one of follows, friend, interacts",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id\ncr:m,5\n",
            "source",
            "must not contain ':' (records are named SOURCE:ID)",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id\ncrm,5,extra\n",
            "",
            "has 3 fields, the header has 2",
        ),
    ],
)
def test_each_rejection_reason(
    store: Store,
    base: Path,
    tmp_path: Path,
    name: str,
    header_and_row: str,
    column: str,
    reason: str,
) -> None:
    target = load_one(store, base, tmp_path, name, header_and_row)
    assert (target.rows_read, target.rows_rejected) == (1, 1)
    rows = rejects_of(Path(target.rejects_path or ""))
    assert [(r["line"], r["column"], r["reason"]) for r in rows] == [("2", column, reason)]


@pytest.mark.parametrize(
    ("name", "header_and_row", "column", "reason"),
    [
        (
            "social_links.csv",
            "from_source,from_id,to_source,to_id,kind,weight\ncrm,1,crm,2,friend,-1\n",
            "weight",
            "must be at least 0",
        ),
        (
            "touchpoints.csv",
            "source,source_customer_id,channel_id,occurred_at,count\n"
            "crm,1,web,2024-01-01T00:00:00Z,0\n",
            "count",
            "must be at least 1",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,birth_date\ncrm,5,2999-01-01\n",
            "birth_date",
            "is in the future",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,consent_marketing\ncrm,5,maybe\n",
            "consent_marketing",
            "is not a yes/no value (expected true/false, yes/no or 1/0)",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,phone\ncrm,5,12\n",
            "phone",
            "is not a phone number (fewer than 5 digits)",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,birth_date\ncrm,5,1956-02-31\n",
            "birth_date",
            "is not a date (YYYY-MM-DD); set a format in the mapping",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,email\ncrm,5,not-an-address\n",
            "email",
            "is not an e-mail address (expected local@domain.tld)",
        ),
        (
            "customers_x.csv",
            "source,source_customer_id,signup_at\ncrm,5,last tuesday\n",
            "signup_at",
            "is not a date-time (ISO-8601, e.g. 2024-03-01T14:05:00Z); set a format in the mapping",
        ),
        (
            "purchases.csv",
            "order_id,source,source_customer_id,purchased_at,amount,quantity\n"
            "o1,crm,1,2024-01-05,3,many\n",
            "quantity",
            "is not a number",
        ),
        (
            "referrals.csv",
            "referrer_source,referrer_id,referred_source,referred_id,referred_at\n"
            "crm,1,crm,2,someday\n",
            "referred_at",
            "is not a date-time (ISO-8601, e.g. 2024-03-01T14:05:00Z); set a format in the mapping",
        ),
        (
            "social_links.csv",
            "from_source,from_id,to_source,to_id,kind,since\ncrm,1,crm,2,friend,2024-13-45\n",
            "since",
            "is not a date-time (ISO-8601, e.g. 2024-03-01T14:05:00Z); set a format in the mapping",
        ),
    ],
)
def test_an_invalid_optional_field_costs_the_field_not_the_row(
    store: Store,
    base: Path,
    tmp_path: Path,
    name: str,
    header_and_row: str,
    column: str,
    reason: str,
) -> None:
    target = load_one(store, base, tmp_path, name, header_and_row)
    assert (target.rows_read, target.rows_loaded, target.rows_rejected) == (1, 1, 0)
    assert target.rows_warned == 1
    rows = rejects_of(Path(target.rejects_path or ""))
    assert [(r["line"], r["column"], r["reason"], r["action"]) for r in rows] == [
        ("2", column, reason, "field dropped")
    ]
    value = header_and_row.splitlines()[1].split(",")[-1]
    assert value not in Path(target.rejects_path or "").read_text(encoding="utf-8")
    if name.startswith("customers"):  # the record loaded without the field
        record = store.frame("identity/records").set_index("uid").loc["crm:5"]
        graph_name = {"birth_date": "birthDate", "email": "email", "phone": "phone"}
        if column in graph_name:
            assert pd.isna(record[graph_name[column]])


def test_a_reload_remembers_the_warned_rows(store: Store, base: Path, tmp_path: Path) -> None:
    write(base, "customers_x.csv", "source,source_customer_id,phone\ncrm,5,12\ncrm,6,\n")
    load_files(store, [base], rejects_dir=tmp_path / "rej")
    again = load_files(store, [base], rejects_dir=tmp_path / "rej")
    target = next(f for f in again.files if Path(f.path).name == "customers_x.csv")
    assert (target.status, target.rows_loaded, target.rows_warned) == ("skipped", 2, 1)


def test_invalid_utf8_rejects_the_row_not_the_file(
    store: Store, base: Path, tmp_path: Path
) -> None:
    path = base / "customers_latin1.csv"
    path.write_bytes(
        "source,source_customer_id,city\ncrm,7,München\n".encode("latin-1") + b"crm,8,Berlin\n"
    )
    report = load_files(store, [path], rejects_dir=tmp_path / "rej")
    f = report.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (2, 1, 1)
    assert rejects_of(Path(f.rejects_path or ""))[0]["reason"].startswith("is not valid UTF-8")


def test_missing_required_columns_fail_before_anything_is_written(
    store: Store, base: Path, tmp_path: Path
) -> None:
    write(base, "referrals.csv", "referrer_source,referred_id\ncrm,1\n")
    with pytest.raises(InputError) as caught:
        load_files(store, [base], rejects_dir=tmp_path / "rej")
    message = str(caught.value)
    assert (
        "referrals.csv (referrals) lacks required columns: referrer_id, referred_source" in message
    )
    assert "expected referrer_source, referrer_id, referred_source, referred_id" in message
    assert store.read("support/existing_customers", uids=["crm:1"]) == []


def test_loading_the_same_files_twice_changes_nothing(
    store: Store, base: Path, tmp_path: Path
) -> None:
    write(
        base,
        "touchpoints.csv",
        "source,source_customer_id,channel_id,occurred_at,count\n"
        "crm,1,web,2024-01-01T00:00:00Z,2\ncrm,1,web,2024-02-01T00:00:00Z,1\n",
    )
    load_files(store, [base], rejects_dir=tmp_path / "rej")
    first = snapshot(store)
    again = load_files(store, [base], rejects_dir=tmp_path / "rej")
    assert {f.status for f in again.files} == {"skipped"}
    assert snapshot(store) == first
    touched = first.get("touched") or first.get("TOUCHED")
    assert touched is not None
    assert len(touched) == 1
    assert json.loads(touched[0])["count"] == 3


def test_a_later_file_updates_records_and_adds_new_ones(
    store: Store, base: Path, tmp_path: Path
) -> None:
    load_files(store, [base], rejects_dir=tmp_path / "rej")
    later = tmp_path / "later"
    later.mkdir()
    write(
        later,
        "customers.csv",
        "source,source_customer_id,first_name,email\ncrm,1,Anne,anne@new.example\ncrm,3,Cy,\n",
    )
    report = load_files(store, [later], rejects_dir=tmp_path / "rej")
    assert report.files[0].status == "loaded"
    assert {
        r["uid"]
        for r in store.read(
            "support/existing_customers", uids=["crm:1", "crm:2", "crm:3", "shop:9"]
        )
    } == {"crm:1", "crm:2", "crm:3", "shop:9"}
    flat = json.dumps(snapshot(store), ensure_ascii=False)
    assert "anne@new.example" in flat
    ids = [
        r
        for r in store.read("support/record_neighborhood", **_depth(store, 1), uid="crm:1")
        if r["label"] == "Identifier"
    ]
    assert [r["key"] for r in ids] == ["email:anne@new.example"]


def test_hostile_values_load_as_plain_text(store: Store, base: Path, tmp_path: Path) -> None:
    write(
        base,
        "customers_hostile.csv",
        "source,source_customer_id,first_name,city\n"
        'crm,h1,"x\'}) DETACH DELETE n //","\'; DROP TABLE customer; --"\n',
    )
    report = load_files(store, [base], rejects_dir=tmp_path / "rej")
    assert report.rows_rejected == 0
    flat = json.dumps(snapshot(store), ensure_ascii=False)
    assert "x'}) DETACH DELETE n //" in flat
    assert "'; DROP TABLE customer; --" in flat
    assert (
        len(store.read("support/existing_customers", uids=["crm:1", "crm:2", "shop:9", "crm:h1"]))
        == 4
    )


def test_normalisation_of_loaded_values(store: Store, base: Path, tmp_path: Path) -> None:
    load_files(store, [base], rejects_dir=tmp_path / "rej", region="US")
    keys = {
        r["key"] for r in store.read("support/record_neighborhood", **_depth(store, 1), uid="crm:1")
    }
    assert {"email:ann@example.com", "phone:+14155550132"} <= keys
    keys9 = {
        r["key"]
        for r in store.read("support/record_neighborhood", **_depth(store, 1), uid="shop:9")
    }
    assert "phone:+8613800138000" in keys9  # the record's country wins over the default region
    keys2 = {
        r["key"] for r in store.read("support/record_neighborhood", **_depth(store, 1), uid="crm:2")
    }
    assert "phone:+442079460958" in keys2


def test_jsonl_parquet_and_gzip_load_alike(store: Store, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"channel_id": "a", "kind": "web"}, {"channel_id": "b", "kind": "app", "name": "App"}]
    (tmp_path / "channels.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(r) for r in rows).encode())
    )
    pq.write_table(
        pa.Table.from_pylist([{"channel_id": "c", "kind": "store", "name": None}]),
        tmp_path / "channels_more.parquet",
    )
    report = load_files(
        store,
        [tmp_path / "channels.jsonl.gz", tmp_path / "channels_more.parquet"],
        rejects_dir=tmp_path / "rej",
    )
    assert [(f.rows_read, f.rows_loaded) for f in report.files] == [(2, 2), (1, 1)]
    assert store.read("load/channel_by_id", channelId="b") == [
        {"channelId": "b", "kind": "app", "name": "App"}
    ]


def test_a_mapping_renames_and_converts_another_layout(store: Store, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "shop_export.csv",
        "Customer No,Email Address,Mobile,Joined\n77,Kim@Shop.example,0151 23456789,31/12/2023\n",
    )
    mapping = Mapping.model_validate(
        {
            "kind": "customers",
            "constants": {"source": "shop"},
            "columns": {
                "Customer No": "source_customer_id",
                "Email Address": "email",
                "Mobile": "phone",
                "Joined": "signup_at",
            },
            "formats": {"signup_at": "%d/%m/%Y"},
            "default_region": "DE",
            "timezone": "Europe/Berlin",
        }
    )
    report = load_files(store, [path], mapping=mapping, rejects_dir=tmp_path / "rej")
    assert (report.rows_loaded, report.rows_rejected) == (1, 0)
    keys = {
        r["key"]
        for r in store.read("support/record_neighborhood", **_depth(store, 1), uid="shop:77")
    }
    assert keys == {"email:kim@shop.example", "phone:+4915123456789"}
    flat = json.dumps(snapshot(store))
    assert "2023-12-30T23:00:00Z" in flat  # midnight in Berlin is 23:00 UTC the day before


def _depth(store: Store, depth: int) -> dict[str, object]:
    return {"slots": {"depth": depth}} if store.kind == "neo4j" else {"depth": depth}


def test_validating_in_a_child_process_loads_exactly_what_inline_does(
    store: Store, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import loaders.load

    write(
        base,
        "purchases.csv",
        MIXED_PURCHASES
        + "o8,crm,1,2024-01-05,3,web\n"  # one field short
        + "o9,crm,2,2024-01-06,7.25,store-1,GBP\n",
    )
    (base / "social_links.csv").write_bytes(
        b"from_source,from_id,to_source,to_id,kind,weight\n"
        b"crm,1,crm,2,friend,1\n"
        b"crm,2,shop,9,follows,\n"
        b"crm,2,shop,9,\xff\xfe,1\n"  # not UTF-8
        b"crm,1,crm,1,friend,1\n"  # a self link
    )

    def load(parallel_bytes: int, rejects: Path) -> tuple[list[tuple[object, ...]], object]:
        monkeypatch.setattr(loaders.load, "PARALLEL_BYTES", parallel_bytes)
        store.write("support/wipe")
        report = load_files(store, [base], rejects_dir=rejects, batch_size=2)
        files = [
            (
                Path(f.path).name,
                f.rows_read,
                f.rows_loaded,
                f.rows_rejected,
                rejects_of(Path(f.rejects_path)) if f.rejects_path else [],
            )
            for f in report.files
        ]
        return files, snapshot(store)

    inline = load(1 << 60, tmp_path / "rej-inline")
    in_child = load(0, tmp_path / "rej-child")
    assert in_child == inline
    purchases = next(f for f in inline[0] if f[0] == "purchases.csv")
    assert purchases[1:4] == (9, 4, 5)  # two load without an invalid optional field


def test_a_child_that_fails_raises_its_error_and_an_early_exit_stops_it(tmp_path: Path) -> None:
    from loaders.rows import RowContext
    from loaders.validate import Plan, in_child

    plan = Plan(tmp_path / "customers.csv", "customers")
    with pytest.raises(InputError, match=r"customers\.csv: no such file"):  # not written yet
        list(in_child(plan, Mapping(), RowContext(), 10))
    rows = "".join(f"crm,{i},Ann,Lee\n" for i in range(20_000))
    write(tmp_path, "customers.csv", "source,source_customer_id,first_name,last_name\n" + rows)
    stream = in_child(plan, Mapping(), RowContext(), 10)
    first = next(stream)
    assert first.rows_read == 10
    assert [line for line, _ in first.ready] == list(range(2, 12))
    assert len(_workers()) == 1
    stream.close()  # leaving early: the generator's cleanup stops and reaps the child
    assert _workers() == []


def _workers() -> list[int]:
    """Pids of this process's live (not zombie) ``loaders.worker`` children."""
    import os

    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (proc / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(stat[1]) == os.getpid() and stat[0] != "Z" and b"loaders.worker" in cmdline:
            found.append(int(proc.name))
    return found


def test_hostile_values_are_rejects_with_a_reason_and_the_load_goes_on(
    store: Store, base: Path, tmp_path: Path
) -> None:
    """Each of these once stopped a load with a traceback; now each is one reject."""
    lines = [
        {
            "order_id": "h1",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "2024-01-05",
            "amount": "1e308",
        },
        {
            "order_id": "h2",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "2024-01-05",
            "amount": "1" * 30,
        },
        {
            "order_id": "h3",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "0001-01-01T00:30:00+01:00",
            "amount": "3",
        },
        {
            "order_id": "h4",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "9999-12-31T23:30:00-05:00",
            "amount": "3",
        },
        {
            "order_id": {"$ne": 1},
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "2024-01-05",
            "amount": "3",
        },
        {
            "order_id": "h6",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "2024-01-05",
            "amount": "1,2,3",
        },
        {
            "order_id": "ok",
            "source": "crm",
            "source_customer_id": "1",
            "purchased_at": "2024-01-05",
            "amount": "3",
        },
    ]
    text = "\n".join(json.dumps(line) for line in lines)
    text += "\n" + "[" * 100_000 + "]" * 100_000 + "\n"
    (base / "purchases.jsonl").write_text(text, encoding="utf-8")
    write(base, "customers_nul.csv", "source,source_customer_id,first_name\ncrm,77,Ann\x00Lee\n")
    report = load_files(store, [base], rejects_dir=tmp_path / "rej")
    purchases = next(f for f in report.files if f.kind == "purchases")
    assert (purchases.rows_read, purchases.rows_loaded, purchases.rows_rejected) == (8, 1, 7)
    reasons = {
        r["line"]: (r["column"], r["reason"])
        for r in rejects_of(Path(purchases.rejects_path or ""))
    }
    assert reasons["1"] == ("amount", "is too large for an amount (more than 10^12)")
    assert reasons["2"] == ("amount", "is too large for an amount (more than 10^12)")
    assert reasons["3"][0] == reasons["4"][0] == "purchased_at"
    assert reasons["5"] == ("order_id", "is a JSON object or list; expected a single value")
    assert reasons["6"] == ("amount", "is not an amount (',' groups thousands in threes)")
    assert reasons["8"] == ("", "is not valid JSON (nested too deeply)")
    nul = next(f for f in report.files if Path(f.path).name == "customers_nul.csv")
    assert nul.rows_rejected == 1
    assert rejects_of(Path(nul.rejects_path or ""))[0]["reason"] == "contains a NUL character"


def test_an_over_long_line_or_field_is_a_reject_and_the_rest_loads(
    store: Store, base: Path, tmp_path: Path
) -> None:
    from loaders.readers import MAX_LINE_CHARS

    huge = "x" * (MAX_LINE_CHARS + 10)
    write(
        base,
        "customers_long.csv",
        "source,source_customer_id,first_name\n"
        f"crm,70,Ann\ncrm,71,{huge}\ncrm,72,{'y' * 600}\ncrm,73,Bo\n",
    )
    report = load_files(store, [base], rejects_dir=tmp_path / "rej")
    f = next(f for f in report.files if Path(f.path).name == "customers_long.csv")
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (4, 2, 2)
    rows = rejects_of(Path(f.rejects_path or ""))
    assert [(r["line"], r["column"], r["reason"]) for r in rows] == [
        ("3", "", f"is longer than {MAX_LINE_CHARS:,} characters"),
        ("4", "first_name", "is longer than 500 characters"),
    ]


def test_an_unterminated_quote_stops_the_load_naming_its_line(
    store: Store, base: Path, tmp_path: Path
) -> None:
    rows = "".join(f"crm,{100 + k},Name{k}\n" for k in range(1000))
    write(
        base,
        "customers_quote.csv",
        'source,source_customer_id,first_name\ncrm,90,Ann\ncrm,91,"Unclosed\n' + rows,
    )
    with pytest.raises(InputError) as caught:
        load_files(store, [base / "customers_quote.csv"], rejects_dir=tmp_path / "rej")
    assert "customers_quote.csv: line 3: a quoted field runs over more than 100 lines" in str(
        caught.value
    )


def test_a_gzip_bomb_is_refused_with_flat_memory(tmp_path: Path) -> None:
    """300 MB of one JSONL line in a few hundred KB of gzip: refused, never held whole."""
    import subprocess
    import sys

    bomb = tmp_path / "customers.jsonl.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        out.write(b'{"source": "crm", "source_customer_id": "1", "first_name": "')
        block = b"a" * (1 << 20)
        for _ in range(300):
            out.write(block)
        out.write(b'"}\n')
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from graph.errors import InputError\n"
        "from graph.store import SqliteStore\n"
        "from loaders import load_files\n"
        "store = SqliteStore(Path(sys.argv[2])); store.ensure_schema()\n"
        "try:\n"
        "    load_files(store, [Path(sys.argv[1])], rejects_dir=Path(sys.argv[3]))\n"
        "    print('loaded')\n"
        "except InputError as exc:\n"
        "    print('refused:', exc)\n"
        # VmHWM is this process's own peak (ru_maxrss would carry pytest's over exec)
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print('rss', int(hwm.split()[1]) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(bomb), str(tmp_path / "b.db"), str(tmp_path / "r")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "refused: customers.jsonl.gz: expands more than 200 times" in done.stdout
    rss = int(done.stdout.split("rss")[1])
    assert rss < 400, f"peak RSS {rss} MiB"


def test_a_case_variant_of_an_erased_record_is_refused_too(
    store: Store, base: Path, tmp_path: Path
) -> None:
    from graph.privacy import erase_record

    write(base, "customers.csv", CUSTOMERS.replace("shop,9,", "shop,S-9,"))
    load_files(store, [base], rejects_dir=tmp_path / "rej0")
    erase_record(store, "shop:S-9", by="test")
    later = tmp_path / "later"
    later.mkdir()
    write(
        later,
        "customers.csv",
        "source,source_customer_id,first_name\nShop,s-9,Wei\nSHOP,S-9,Wei\ncrm,3,Cy\n",
    )
    write(
        later,
        "purchases.csv",
        "order_id,source,source_customer_id,purchased_at,amount\n"
        "o9,shop,s-9,2024-01-05T10:00:00Z,3\n"
        "o10,crm,3,2024-01-05T10:00:00Z,4\n",
    )
    report = load_files(store, [later], rejects_dir=tmp_path / "rej")
    customers, purchases = (
        next(f for f in report.files if f.kind == k) for k in ("customers", "purchases")
    )
    assert (customers.rows_loaded, customers.rows_rejected) == (1, 2)
    assert (purchases.rows_loaded, purchases.rows_rejected) == (1, 1)
    reasons = {r["reason"] for r in rejects_of(Path(str(customers.rejects_path)))}
    assert reasons == {"the record was erased (right to be forgotten)"}
    uids = {r["uid"] for r in store.frame("identity/records").to_dict("records")}
    assert not {u for u in uids if u.lower() == "shop:s-9"}
