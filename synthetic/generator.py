"""A synthetic multi-source customer dataset with ground truth, for demos, tests and benchmarks.

``generate_dataset(out, GenerateParams(customers=10_000, seed=7))`` writes the six input files
of DESIGN.md §4 into ``out`` and a ``truth/`` folder that no job reads: which person each
record is, each person's planted community, household, churn date and referral propensity,
and the planted influencers. The same seed gives the same files, byte for byte.

What it plants: people in 1-3 of four sources (crm, shop, app, store), each source with its
own formats; typos, nicknames, swapped first/last names, missing fields, moved addresses,
second e-mail addresses; the errors real exports carry (``synthetic.noise``):
phonetic respellings, OCR and keyboard errors in names, one wrong or two swapped digits in
national ids, phones, postcodes and house numbers, e-mail typos, birth dates that do not
exist or have day and month swapped, missing cities; households sharing a phone and an
address; junk identifiers shared by many records (``test@test.com``, ``0000000000``); Chinese
names in characters and in pinyin; purchases with repeat buying and churn; referral cascades
with a few big referrers and a few self-referrals; social links with planted communities
whose mixing is a parameter.

Examples
--------
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> summary = generate_dataset(out, GenerateParams(customers=300, seed=1))
>>> summary.rows["customers"], (out / "truth" / "records.csv").exists()
(300, True)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from loaders.kinds import KINDS
from synthetic import noise, vocab
from synthetic.journeys import plant_journeys

__all__ = ["SOURCES", "DatasetSummary", "GenerateParams", "assign_communities", "generate_dataset"]

SOURCES = ("crm", "shop", "app", "store")
_SOURCE_WEIGHT = np.array([0.35, 0.30, 0.20, 0.15])
_PREFIX = {"crm": "C", "shop": "S-", "app": "A", "store": "P"}
CHANNELS = [
    ("web", "web", "Web shop"),
    ("app", "app", "Mobile app"),
    ("email", "email", "E-mail"),
    ("call-center", "phone", "Call center"),
    ("social-ig", "social", "Instagram"),
    ("social-wechat", "social", "WeChat"),
] + [(f"store-{i:02d}", "store", f"Store {i:02d}") for i in range(1, 11)]
CATEGORIES = (
    "books",
    "electronics",
    "fashion",
    "home",
    "beauty",
    "sports",
    "toys",
    "grocery",
    "garden",
    "music",
    "health",
    "travel",
)


@dataclass(frozen=True, slots=True)
class GenerateParams:
    """What to generate.

    Parameters
    ----------
    customers
        Customer records (rows of ``customers``); people are about ``customers / 1.6``.
    seed
        Everything random comes from this seed.
    mixing
        Share of a person's social links that leave its planted community (0..1).
    fmt
        ``csv``, ``jsonl`` or ``parquet``.
    start, end
        The period that signups, touchpoints and purchases fall in.
    """

    customers: int
    seed: int = 7
    mixing: float = 0.3
    fmt: str = "csv"
    start: date = date(2023, 1, 1)
    end: date = date(2026, 6, 30)


@dataclass(slots=True)
class DatasetSummary:
    """Rows written per file, people, communities, and how long it took."""

    out: Path
    rows: dict[str, int] = field(default_factory=dict)
    persons: int = 0
    communities: int = 0
    seconds: float = 0.0


def generate_dataset(out: Path, params: GenerateParams) -> DatasetSummary:
    """Write the dataset described by ``params`` into ``out`` (created if missing)."""
    if params.customers < 1:
        raise ValueError("customers must be at least 1")
    if not 0.0 <= params.mixing <= 1.0:
        raise ValueError("mixing must be between 0 and 1")
    if params.fmt not in ("csv", "jsonl", "parquet"):
        raise ValueError("fmt must be csv, jsonl or parquet")
    started = time.perf_counter()
    rng = np.random.default_rng(params.seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    summary = DatasetSummary(out=out)
    people = _people(rng, params)
    records = _records(rng, people, params)
    writer = _Writer(out, params.fmt, summary)
    writer.write(
        "channels",
        {
            "channel_id": [c[0] for c in CHANNELS],
            "kind": [c[1] for c in CHANNELS],
            "name": [c[2] for c in CHANNELS],
        },
    )
    # each kind is written, then let go, before the next is made, and the large ones are
    # made as NumPy and Arrow arrays, not a Python object per value: 4M records peak at
    # 10.6 GB (a dataset held whole took 7.7 GB per million records)
    writer.write("customers", records.columns)
    purchases, o_person, o_sec = _purchases(rng, people, records, params)
    writer.write("purchases", purchases)
    del purchases
    touchpoints, effects = _touchpoints(people, records, params, o_person, o_sec)
    del o_person, o_sec
    writer.write("touchpoints", touchpoints)
    del touchpoints
    community = assign_communities(rng, people.n)
    referrals, self_refs = _referrals(rng, people, records, params, community)
    writer.write("referrals", referrals)
    del referrals
    social, communities = _social(rng, people, records, params, community)
    writer.write("social_links", social)
    del social
    _write_truth(out, people, records, communities, self_refs)
    _write_effects(out, effects)
    summary.persons = people.n
    summary.communities = int(communities.max()) + 1 if people.n else 0
    summary.seconds = time.perf_counter() - started
    return summary


# -- people ---------------------------------------------------------------------------------
@dataclass(slots=True)
class _People:
    n: int
    k: np.ndarray  # records per person
    cn: np.ndarray  # Chinese name
    first: list[str]
    last: list[str]
    first_py: list[str]  # pinyin given name (Chinese) or the name itself
    last_py: list[str]
    birth: np.ndarray  # days since 1970
    phone: list[str]  # national digits
    email: list[str]
    street: list[str]
    city: list[str]
    postcode: list[str]
    country: list[str]
    national: list[str | None]
    signup: np.ndarray  # days since params.start
    churn: np.ndarray  # days since params.start (may be past the end: still active)
    rate: np.ndarray  # purchases per day while active
    spend: np.ndarray  # mean spend per order
    propensity: np.ndarray  # referral / influence propensity
    household: np.ndarray  # household id (the head person's index)
    consent: np.ndarray


def _people(rng: np.random.Generator, params: GenerateParams) -> _People:
    guess = params.customers // 1.6 + 16
    k = rng.choice([1, 2, 3], size=int(guess) + params.customers // 10 + 16, p=[0.55, 0.30, 0.15])
    total = np.cumsum(k)
    n = int(np.searchsorted(total, params.customers)) + 1
    k = k[:n].copy()
    k[-1] -= int(total[n - 1] - params.customers)
    cn = rng.random(n) < 0.25
    fi = rng.integers(0, len(vocab.LATIN_FIRST), n)
    li = rng.integers(0, len(vocab.LATIN_LAST), n)
    si = rng.integers(0, len(vocab.CN_SURNAMES), n)
    g1 = rng.integers(0, len(vocab.CN_GIVEN), n)
    g2 = rng.integers(-len(vocab.CN_GIVEN) // 2, len(vocab.CN_GIVEN), n)  # <0: one character
    first, last, first_py, last_py = [], [], [], []
    for i in range(n):
        if cn[i]:
            given = vocab.CN_GIVEN[g1[i]] + (vocab.CN_GIVEN[g2[i]] if g2[i] >= 0 else "")
            sur = vocab.CN_SURNAMES[si[i]]
            first.append(given)
            last.append(sur)
            first_py.append("".join(vocab.PINYIN[ch] for ch in given).capitalize())
            last_py.append(vocab.PINYIN[sur].capitalize())
        else:
            first.append(vocab.LATIN_FIRST[fi[i]])
            last.append(vocab.LATIN_LAST[li[i]])
            first_py.append(first[-1])
            last_py.append(last[-1])
    birth = rng.integers(-7300, 12800, n)  # 1950 .. 2005
    area = rng.integers(201, 990, n)
    line = rng.integers(0, 10_000_000, n)
    cn_mobile = rng.integers(130_0000_0000, 199_9999_9999, n)
    phone = [str(cn_mobile[i]) if cn[i] else f"{area[i]}{line[i]:07d}" for i in range(n)]
    num = rng.integers(1, 1000, n)
    use_num = rng.random(n) < 0.6
    latin_domains = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me")
    cn_domains = ("qq.com", "163.com", "126.com", "sina.com")
    dom = rng.integers(0, 4, n)
    email = []
    issued: set[str] = set()  # a mail provider never gives one address to two people
    for i in range(n):
        suffix = str(num[i]) if use_num[i] else ""
        if cn[i]:
            local, domain = f"{first_py[i]}{last_py[i]}".lower(), cn_domains[dom[i]]
        else:
            local, domain = f"{first[i]}.{last[i]}".lower(), latin_domains[dom[i] + (i % 2)]
        address = f"{local}{suffix}@{domain}"
        if address in issued:
            address = f"{local}{suffix}{i}@{domain}"
        issued.add(address)
        email.append(address)
    street, city, postcode, country = _addresses(rng, cn)
    has_national = rng.random(n) < 0.4
    nat_us = rng.integers(100_000_000, 899_999_999, n)
    nat_cn = rng.integers(10**17, 9 * 10**17, n)
    national: list[str | None] = [
        (str(nat_cn[i]) if cn[i] else str(nat_us[i])) if has_national[i] else None for i in range(n)
    ]
    horizon = (params.end - params.start).days
    signup = rng.integers(0, max(horizon - 60, 1), n)
    churn = signup + rng.exponential(540.0, n).astype(np.int64) + 30
    rate = rng.gamma(1.0, 1 / 150.0, n)
    spend = rng.gamma(2.0, 30.0, n) + 5.0
    propensity = rng.pareto(1.2, n) + 0.05
    household = np.arange(n)
    heads = rng.random(n) < 0.06
    if n > 1:
        members = np.flatnonzero(heads)
        head_of = rng.integers(0, n, members.size)
        ok = (head_of != members) & ~heads[head_of] & (cn[head_of] == cn[members])
        for m, h in zip(members[ok], head_of[ok], strict=True):
            household[m] = h
            phone[m] = phone[h]
            street[m], city[m], postcode[m], country[m] = (
                street[h],
                city[h],
                postcode[h],
                country[h],
            )
            last[m], last_py[m] = last[h], last_py[h]
    consent = rng.random(n) < 0.8
    return _People(
        n,
        k,
        cn,
        first,
        last,
        first_py,
        last_py,
        birth,
        phone,
        email,
        street,
        city,
        postcode,
        country,
        national,
        signup,
        churn,
        rate,
        spend,
        propensity,
        household,
        consent,
    )


def _addresses(
    rng: np.random.Generator, cn: np.ndarray
) -> tuple[list[str], list[str], list[str], list[str]]:
    n = cn.size
    house = rng.integers(1, 999, n)
    st = rng.integers(0, 1000, n)
    ci = rng.integers(0, 1000, n)
    pc = rng.integers(0, 100, n)
    street, city, postcode, country = [], [], [], []
    for i in range(n):
        if cn[i]:
            c, prefix = vocab.CN_CITIES[ci[i] % len(vocab.CN_CITIES)]
            street.append(f"{vocab.CN_STREETS[st[i] % len(vocab.CN_STREETS)]}{house[i]}号")
            postcode.append(f"{prefix}0{pc[i]:02d}")
            country.append("CN")
        else:
            c, prefix = vocab.US_CITIES[ci[i] % len(vocab.US_CITIES)]
            street.append(f"{house[i]} {vocab.US_STREETS[st[i] % len(vocab.US_STREETS)]}")
            postcode.append(f"{prefix}{pc[i]:02d}")
            country.append("US")
        city.append(c)
    return street, city, postcode, country


# -- records --------------------------------------------------------------------------------
@dataclass(slots=True)
class _Records:
    person: np.ndarray  # person index of each record
    source: list[str]
    sid: list[str]
    first_of: np.ndarray  # index of each person's first record
    columns: dict[str, Any]

    def pick(self, rows: np.ndarray) -> tuple[pa.Array, pa.Array]:
        """The source and source id of each given record, as Arrow strings."""
        return _take(self.source, rows), _take(self.sid, rows)


def _records(rng: np.random.Generator, people: _People, params: GenerateParams) -> _Records:
    n = people.n
    keys = rng.random((n, 4)) ** (1.0 / _SOURCE_WEIGHT)  # weighted sampling without replacement
    order = np.argsort(-keys, axis=1)
    person = np.repeat(np.arange(n), people.k)
    rank = np.arange(person.size) - np.repeat(np.cumsum(people.k) - people.k, people.k)
    src_idx = order[person, rank]
    first_of = np.cumsum(people.k) - people.k
    m = person.size
    u = rng.random((m, 12))
    # the errors real exports carry, from a stream of their own (the other files stay as
    # they were): see _dirty_names / _dirty_fields
    dirt = np.random.default_rng([params.seed, 15]).random((m, 16))
    counters = dict.fromkeys(SOURCES, 0)
    perm = {s: rng.permutation(int((src_idx == i).sum())) for i, s in enumerate(SOURCES)}
    cols: dict[str, list[Any]] = {c: [] for c in KINDS["customers"].columns}
    genders = ("f", "m", "x")
    occupations = (
        "engineer",
        "teacher",
        "nurse",
        "student",
        "designer",
        "manager",
        "retired",
        "sales",
        "doctor",
        "artist",
    )
    bands = ("<25k", "25-50k", "50-100k", "100k+")
    gender_of = rng.integers(0, 3, n)
    occ_of = rng.integers(0, len(occupations), n)
    band_of = rng.integers(0, len(bands), n)
    interest_of = rng.integers(0, len(CATEGORIES), (n, 2))
    loyalty_of = rng.integers(10_000_000, 99_999_999, n)
    device_of = rng.integers(0, 2**62, n)
    epoch = date(1970, 1, 1)
    start = params.start
    for r in range(m):
        p = int(person[r])
        source = SOURCES[src_idx[r]]
        ur = u[r]
        counters[source] += 1
        number = int(perm[source][counters[source] - 1]) + 1
        cols["source"].append(source)
        cols["source_customer_id"].append(f"{_PREFIX[source]}{number:08d}")
        first, last = people.first[p], people.last[p]
        cn = bool(people.cn[p])
        if cn and source in ("app", "shop") and ur[0] < 0.35:
            first, last = people.first_py[p], people.last_py[p]  # romanised record
        elif not cn:
            if ur[1] < 0.12 and first in vocab.NICKNAMES:
                first = vocab.NICKNAMES[first]
            if ur[2] < 0.08:
                last = _typo(last, ur[3])
            elif ur[2] < 0.12:
                first = _typo(first, ur[3])
        if ur[4] < 0.03:
            first, last = last, first
        if not cn:
            first, last = _dirty_names(first, last, dirt[r])
        romanised = first.isascii()
        if source == "shop":
            full = (last + first) if not romanised else f"{first} {last}"
            cols["first_name"].append(None)
            cols["last_name"].append(None)
            cols["full_name"].append(full)
        else:
            cols["first_name"].append(first)
            cols["last_name"].append(last)
            cols["full_name"].append(None)
        email: str | None = people.email[p]
        if ur[5] < 0.08:
            email = f"{people.first_py[p][:1]}{people.last_py[p]}.{p}@work-mail.com".lower()
        if ur[6] < (0.5 if source == "store" else 0.12):
            email = None
        if ur[7] < 0.004:
            email = "test@test.com"
        if email is not None and dirt[r, 8] < 0.02:
            local, _, domain = email.partition("@")
            email = f"{noise.keyboard_slip(local, dirt[r, 9])}@{domain}"
        if email is not None and source == "shop" and ur[8] < 0.3:
            email = f"  {email.upper()} "
        cols["email"].append(email)
        digits = people.phone[p]
        if dirt[r, 6] < 0.03:
            digits = noise.digit_typo(digits, dirt[r, 7])
        phone: str | None = _phone_format(digits, cn, source)
        if ur[9] < 0.15:
            phone = None
        if ur[9] > 0.996:
            phone = "0000000000"
        cols["phone"].append(phone)
        birth = epoch + timedelta(days=int(people.birth[p]))
        cols["birth_date"].append(
            _dirty_date(birth.isoformat(), dirt[r, 10]) if ur[10] >= 0.25 else None
        )
        cols["gender"].append(genders[gender_of[p]] if ur[10] < 0.8 else None)
        street, city, pc = people.street[p], people.city[p], people.postcode[p]
        if ur[11] < 0.08 and people.household[p] == p:  # moved
            street = _moved(street, cn, p)
        has_address = source != "app"
        if dirt[r, 11] < 0.02:  # another house number
            street = noise.digit_typo(street, dirt[r, 12])
        if dirt[r, 11] > 0.98:
            pc = noise.digit_typo(pc, dirt[r, 12])
        cols["street"].append(street if has_address else None)
        cols["city"].append(city if dirt[r, 13] >= 0.03 else None)
        cols["postcode"].append(pc if source != "app" else None)
        cols["region"].append(None)
        cols["country"].append(people.country[p])
        national = people.national[p]
        if national is not None and dirt[r, 14] < 0.08:
            national = noise.digit_typo(national, dirt[r, 15])
        on_file = source == "crm" or (source == "shop" and dirt[r, 5] < 0.3)  # invoices
        cols["national_id"].append(national if on_file else None)
        cols["loyalty_id"].append(f"L{loyalty_of[p]}" if source == "store" else None)
        cols["device_id"].append(f"{device_of[p]:016x}" if source == "app" else None)
        cols["occupation"].append(occupations[occ_of[p]] if source == "crm" else None)
        cols["income_band"].append(bands[band_of[p]] if source == "crm" else None)
        signup = start + timedelta(days=int(people.signup[p]) + int(rank[r]) * 17)
        cols["signup_at"].append(f"{signup.isoformat()}T{(p * 7 + r) % 24:02d}:00:00Z")
        cols["consent_marketing"].append("true" if people.consent[p] else "false")
        i1, i2 = interest_of[p]
        cols["interests"].append(f"{CATEGORIES[i1]};{CATEGORIES[i2]}")
    return _Records(person, cols["source"], cols["source_customer_id"], first_of, cols)


def _dirty_names(first: str, last: str, u: np.ndarray) -> tuple[str, str]:
    """Phonetic respellings, OCR confusions and keyboard slips in Latin names."""
    if u[0] < 0.03:
        last = noise.phonetic(last, u[1])
    elif u[0] < 0.045:
        first = noise.phonetic(first, u[1])
    if u[2] < 0.015:
        last = noise.ocr_error(last, u[3])
    elif u[2] < 0.03:
        first = noise.keyboard_slip(first, u[3])
    return first, last


def _dirty_date(iso: str, u: float) -> str:
    """A birth date as exports hold it: now and then one that does not exist, day and month
    swapped, or one wrong digit."""
    if u < 0.007:
        return noise.impossible_date(iso, u / 0.007)
    if u < 0.022:
        return noise.swap_day_month(iso)
    if u < 0.037:
        return noise.digit_typo(iso, (u - 0.022) / 0.015)
    return iso


def _typo(word: str, u: float) -> str:
    if len(word) < 4:
        return word
    i = 1 + int(u * (len(word) - 2))
    kind = int(u * 1000) % 3
    if kind == 0:  # transpose
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:  # drop
        return word[:i] + word[i + 1 :]
    return word[:i] + "aeiou"[int(u * 10_000) % 5] + word[i + 1 :]  # substitute


def _moved(street: str, cn: bool, p: int) -> str:
    if cn:
        return f"{vocab.CN_STREETS[(p * 3) % len(vocab.CN_STREETS)]}{(p % 900) + 1}号"
    return f"{(p % 900) + 1} {vocab.US_STREETS[(p * 3) % len(vocab.US_STREETS)]}"


def _phone_format(digits: str, cn: bool, source: str) -> str:
    if cn:
        return {
            "crm": f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}",
            "shop": f"+86{digits}",
            "app": digits,
            "store": f"{digits[:3]}-{digits[3:7]}-{digits[7:]}",
        }[source]
    a, b, c = digits[:3], digits[3:6], digits[6:]
    return {
        "crm": f"({a}) {b}-{c}",
        "shop": f"+1 {a} {b} {c}",
        "app": digits,
        "store": f"{a}.{b}.{c}",
    }[source]


# -- activity -------------------------------------------------------------------------------
def _record_of(
    rng: np.random.Generator, people: _People, records: _Records, persons: np.ndarray
) -> np.ndarray:
    """A random record of each given person."""
    offset = (rng.random(persons.size) * people.k[persons]).astype(np.int64)
    chosen: np.ndarray = records.first_of[persons] + offset
    return chosen


def _take(values: list[str] | list[str | None], rows: np.ndarray) -> pa.Array:
    """``[values[r] for r in rows]`` as Arrow strings, without a Python object per row."""
    return pa.array(values, pa.string()).take(pa.array(rows, pa.int64()))


def _iso(seconds: np.ndarray) -> pa.Array:
    """Timestamps (``datetime64[s]``) as ISO 8601 text in UTC: ``2023-01-01T05:00:00Z``."""
    return pc.strftime(pa.array(seconds.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%SZ")


def _stamp(start: date, days: np.ndarray, seconds: np.ndarray) -> pa.Array:
    base = np.datetime64(start.isoformat(), "s")
    return _iso(base + days.astype("timedelta64[D]") + seconds.astype("timedelta64[s]"))


def _touchpoints(
    people: _People,
    records: _Records,
    params: GenerateParams,
    o_person: np.ndarray,
    o_sec: np.ndarray,
) -> tuple[dict[str, Any], dict[str, dict[str, float]]]:
    """Planted journeys (``synthetic.journeys``) as touchpoint rows, each touch from a random
    record of its person (so only identity-resolved persons show whole journeys), and each
    channel's planted effect. Their own random stream: the other files do not change."""
    rng = np.random.default_rng([params.seed, 19])
    horizon = (params.end - params.start).days
    start = people.signup.astype(np.int64) * 86_400
    stop = np.minimum(people.churn, horizon).astype(np.int64) * 86_400
    store_of = 1 + np.arange(people.n) % 10
    planted = plant_journeys(
        rng,
        order_person=o_person,
        order_sec=o_sec,
        start_sec=start,
        stop_sec=np.maximum(stop, start),
        store_of=store_of,
    )
    rec = _record_of(rng, people, records, planted.person)
    base = np.datetime64(params.start.isoformat(), "s")
    order = np.argsort(planted.seconds, kind="stable")  # files come in time order
    source, sid = records.pick(rec[order])
    return {
        "source": source,
        "source_customer_id": sid,
        "channel_id": _take(planted.channel, order),
        "occurred_at": _iso(base + planted.seconds[order].astype("timedelta64[s]")),
        "event": _take(planted.event, order),
        "count": planted.count[order],
    }, planted.effects


def _purchases(
    rng: np.random.Generator, people: _People, records: _Records, params: GenerateParams
) -> tuple[dict[str, Any], np.ndarray, np.ndarray]:
    """Order lines, and each order's person and time (seconds since the start)."""
    horizon = (params.end - params.start).days
    active = np.maximum(np.minimum(people.churn, horizon) - people.signup, 0)
    orders = rng.poisson(people.rate * active)
    o_person = np.repeat(np.arange(people.n), orders)
    o_day = people.signup[o_person] + (rng.random(o_person.size) * active[o_person]).astype(
        np.int64
    )
    o_rec = _record_of(rng, people, records, o_person)
    o_lines = 1 + rng.binomial(2, 0.25, o_person.size)
    line_order = np.repeat(np.arange(o_person.size), o_lines)
    n_products = 300
    product = rng.integers(0, n_products, line_order.size)
    base_price = np.round(np.exp(rng.normal(3.2, 0.8, n_products)), 2) + 1.0
    qty = 1 + rng.binomial(3, 0.2, line_order.size)
    scale = people.spend[o_person[line_order]] / 60.0
    price = np.round(base_price[product] * scale + 0.5, 2)
    amount = np.round(price * qty, 2)
    channel_of = {"crm": "call-center", "shop": "web", "app": "app", "store": None}
    o_seconds = rng.integers(0, 86_400, o_person.size)
    stamps = _stamp(params.start, o_day, o_seconds)
    recs = o_rec[line_order]
    source, sid = records.pick(recs)
    # a store's orders go to the person's own store; every other source has one channel
    names = [channel_of[x] or "" for x in SOURCES] + [f"store-{i:02d}" for i in range(1, 11)]
    number = {x: i for i, x in enumerate(SOURCES)}
    src_no = np.asarray([number[x] for x in records.source], dtype=np.int64)[recs]
    in_store = np.asarray([channel_of[x] is None for x in SOURCES])[src_no]
    channel = np.where(in_store, len(SOURCES) + records.person[recs] % 10, src_no)
    order_no = pc.utf8_lpad(pa.array(line_order + 1).cast(pa.string()), 9, "0")
    return (
        {
            "order_id": pc.binary_join_element_wise("O", order_no, ""),
            "source": source,
            "source_customer_id": sid,
            "purchased_at": stamps.take(pa.array(line_order)),
            "amount": amount,
            "channel_id": _take(names, channel),
            "product_id": _take([f"P{x:04d}" for x in range(n_products)], product),
            "category": _take(list(CATEGORIES), product % len(CATEGORIES)),
            "quantity": qty,
            "unit_price": price,
            "currency": _take(["USD", "CNY"], people.cn[o_person[line_order]].astype(np.int64)),
        },
        o_person,
        o_day.astype(np.int64) * 86_400 + o_seconds,
    )


def assign_communities(rng: np.random.Generator, n: int) -> np.ndarray:
    """Planted communities: sizes from a Pareto tail between 20 and 1000 people."""
    sizes: list[int] = []
    while sum(sizes) < n:
        sizes.append(int(min(20 + rng.pareto(1.5) * 40, 1000)))
    sizes[-1] -= sum(sizes) - n
    return rng.permutation(np.repeat(np.arange(len(sizes)), sizes))


def _earlier_pick(
    rng: np.random.Generator,
    order: np.ndarray,
    weights: np.ndarray,
    block: np.ndarray,
    position: np.ndarray,
) -> np.ndarray:
    """For each ``position`` in ``order``, a propensity-weighted pick among the earlier
    members of its ``block`` (blocks are contiguous in ``order``); -1 where there is none."""
    cum = np.cumsum(weights[order])
    start = np.searchsorted(block, block[position], side="left")
    low = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    high = np.where(position > 0, cum[np.maximum(position - 1, 0)], 0.0)
    pick = np.searchsorted(cum, low + rng.random(position.size) * (high - low), side="right")
    pick = np.clip(pick, start, np.maximum(position - 1, start))
    return np.where(position > start, order[pick], -1)


def _referrals(
    rng: np.random.Generator,
    people: _People,
    records: _Records,
    params: GenerateParams,
    community: np.ndarray,
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Referral cascades: a few big referrers (Pareto propensity), most refer nobody. The
    referrer signed up earlier and, with probability 1 - mixing, is in the same community."""
    n = people.n
    referred = np.flatnonzero(rng.random(n) < 0.35)
    inside = rng.random(referred.size) >= params.mixing
    by_signup = np.argsort(people.signup, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[by_signup] = np.arange(n)
    anyone = _earlier_pick(
        rng, by_signup, people.propensity, np.zeros(n, dtype=np.int64), rank[referred]
    )
    by_block = np.lexsort((people.signup, community))
    block_rank = np.empty(n, dtype=np.int64)
    block_rank[by_block] = np.arange(n)
    same = _earlier_pick(
        rng, by_block, people.propensity, community[by_block], block_rank[referred]
    )
    referrer = np.where(inside & (same >= 0), same, anyone)
    keep = referrer >= 0
    src_p = referrer[keep]
    dst_p = referred[keep]
    src_r = _record_of(rng, people, records, src_p)
    dst_r = _record_of(rng, people, records, dst_p)
    multi = np.flatnonzero(people.k >= 2)
    selfs = multi[rng.random(multi.size) < 0.01]
    self_pairs = [(records.first_of[p], records.first_of[p] + 1) for p in selfs]
    pairs = list(zip(src_r.tolist(), dst_r.tolist(), strict=True)) + self_pairs
    campaigns = ("spring-promo", "friends-get-10", "vip-invite", None)
    camp = rng.integers(0, len(campaigns), len(pairs))
    signup_day = people.signup[[records.person[b] for _, b in pairs]] if pairs else np.array([])
    stamps = _stamp(
        params.start, np.asarray(signup_day, dtype=np.int64), rng.integers(0, 86_400, len(pairs))
    )
    truth = [
        (f"{records.source[a]}:{records.sid[a]}", f"{records.source[b]}:{records.sid[b]}")
        for a, b in self_pairs
    ]
    referrer = np.asarray([a for a, _ in pairs], dtype=np.int64)
    referred_r = np.asarray([b for _, b in pairs], dtype=np.int64)
    referrer_source, referrer_id = records.pick(referrer)
    referred_source, referred_id = records.pick(referred_r)
    return {
        "referrer_source": referrer_source,
        "referrer_id": referrer_id,
        "referred_source": referred_source,
        "referred_id": referred_id,
        "referred_at": stamps,
        "campaign": _take(list(campaigns), camp),
    }, truth


def _social(
    rng: np.random.Generator,
    people: _People,
    records: _Records,
    params: GenerateParams,
    community: np.ndarray,
) -> tuple[dict[str, Any], np.ndarray]:
    n = people.n
    sizes = np.bincount(community).tolist()
    members = np.argsort(community, kind="stable")
    start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    size = np.asarray(sizes, dtype=np.int64)
    prop_sorted = people.propensity[members]
    cum = np.cumsum(prop_sorted)
    degree = 1 + rng.poisson(np.clip(rng.lognormal(2.15, 0.5, n), 1, 60))  # ~10 links each
    src = np.repeat(np.arange(n), degree)
    c = community[src]
    outside = rng.random(src.size) < params.mixing
    kind = rng.choice(3, size=src.size, p=[0.5, 0.3, 0.2])  # friend, interacts, follows
    inside_pos = start[c] + (rng.random(src.size) * size[c]).astype(np.int64)
    # follows lean towards the community's high-propensity members (the planted influencers)
    lo = np.where(start[c] > 0, cum[np.maximum(start[c] - 1, 0)], 0.0)
    hi = cum[start[c] + size[c] - 1]
    biased = np.searchsorted(cum, lo + rng.random(src.size) * (hi - lo), side="right")
    biased = np.clip(biased, start[c], start[c] + size[c] - 1)
    inside = members[np.where(kind == 2, biased, inside_pos)]
    anywhere = rng.integers(0, n, src.size)
    dst = np.where(outside, anywhere, inside)
    keep = src != dst
    src, dst, kind = src[keep], dst[keep], kind[keep]
    pair = src.astype(np.int64) * n + dst
    _, first = np.unique(pair, return_index=True)
    first.sort()
    src, dst, kind = src[first], dst[first], kind[first]
    src_r = _record_of(rng, people, records, src)
    dst_r = _record_of(rng, people, records, dst)
    names = ("friend", "interacts", "follows")
    weight = np.where(kind == 1, rng.integers(1, 11, src.size), 1)
    since_day = np.maximum(people.signup[src], people.signup[dst])
    platforms = ("instagram", "wechat", "x", "facebook")
    plat = rng.integers(0, len(platforms), src.size)
    from_source, from_id = records.pick(src_r)
    to_source, to_id = records.pick(dst_r)
    return {
        "from_source": from_source,
        "from_id": from_id,
        "to_source": to_source,
        "to_id": to_id,
        "kind": _take(list(names), kind),
        "weight": weight.astype(float),
        "platform": _take(list(platforms), plat),
        "since": _stamp(params.start, since_day, rng.integers(0, 86_400, src.size)),
    }, community


# -- output ---------------------------------------------------------------------------------
class _Writer:
    def __init__(self, out: Path, fmt: str, summary: DatasetSummary) -> None:
        self.out, self.fmt, self.summary = out, fmt, summary

    def write(self, name: str, columns: dict[str, Any], folder: Path | None = None) -> None:
        """Write one file; ``columns`` (lists, NumPy or Arrow arrays) is emptied as each
        column becomes Arrow, so its Python objects go as soon as they are copied."""
        table = pa.table({key: columns.pop(key) for key in list(columns)})
        target = (folder or self.out) / f"{name}.{self.fmt}"
        if self.fmt == "csv":
            import pyarrow.csv as pacsv

            pacsv.write_csv(table, target)
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            pq.write_table(table, target)
        else:
            table.to_pandas().to_json(target, orient="records", lines=True, force_ascii=False)
        if folder is None:
            self.summary.rows[name] = table.num_rows


def _write_effects(out: Path, effects: dict[str, dict[str, float]]) -> None:
    """truth/channel_effects.csv: each channel's planted lift, presence and share."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = sorted(effects)
    pacsv.write_csv(
        pa.table(
            {
                "channel_id": names,
                "lift": [effects[c]["lift"] for c in names],
                "presence": [effects[c]["presence"] for c in names],
                "planted_share": [round(effects[c]["planted_share"], 6) for c in names],
            }
        ),
        out / "truth" / "channel_effects.csv",
    )


def _write_truth(
    out: Path,
    people: _People,
    records: _Records,
    community: np.ndarray,
    self_refs: list[tuple[str, str]],
) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    truth = out / "truth"
    pid = [f"T{p:08d}" for p in range(people.n)]
    pacsv.write_csv(
        pa.table(
            {
                "source": records.source,
                "source_customer_id": records.sid,
                "person_id": [pid[p] for p in records.person],
            }
        ),
        truth / "records.csv",
    )
    ranks = np.empty(people.n, dtype=np.int64)
    ranks[np.argsort(-people.propensity, kind="stable")] = np.arange(1, people.n + 1)
    pacsv.write_csv(
        pa.table(
            {
                "person_id": pid,
                "community_id": community.tolist(),
                "household_id": [pid[h] for h in people.household],
                "signup_day": people.signup.tolist(),
                "churn_day": people.churn.tolist(),
                "purchase_rate": people.rate.tolist(),
                "referral_propensity": people.propensity.tolist(),
                "influence_rank": ranks.tolist(),
            }
        ),
        truth / "persons.csv",
    )
    top = np.argsort(-people.propensity, kind="stable")[: max(1, people.n // 100)]
    pacsv.write_csv(
        pa.table(
            {
                "person_id": [pid[p] for p in top],
                "rank": list(range(1, top.size + 1)),
            }
        ),
        truth / "influencers.csv",
    )
    pacsv.write_csv(
        pa.table(
            {
                "referrer_uid": [a for a, _ in self_refs] or pa.array([], pa.string()),
                "referred_uid": [b for _, b in self_refs] or pa.array([], pa.string()),
            }
        ),
        truth / "self_referrals.csv",
    )
