"""Disclosure control under attack: nothing a reviewer or a consortium user can see, taken
together, lets them solve for a withheld group or for fewer than ``threshold`` businesses.

The attacker's model: every published figure is a known sum over a known set of businesses
(a mean times its count). A set of businesses is given away when its indicator lies in the
row space of the published sets; this is checked here with exact rational arithmetic,
independently of the product's own audit (``core.disclosure.Audit``).
"""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uprest.accounts.models import Business, Role, Sector, SizeBand
from uprest.core import disclosure
from uprest.core.time import utcnow
from uprest.extensions import db

THRESHOLD = 5
SECTORS = [Sector.ACCOMMODATION, Sector.EVENTS, Sector.TRANSPORT]
SIZES = [SizeBand.MICRO, SizeBand.SMALL]


# --- the attacker's solver -----------------------------------------------------------------


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [r[:] for r in rows]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def solvable(published: list[frozenset], target: frozenset, universe: list) -> bool:
    """Can the sum over ``target`` be computed from the sums over the ``published`` sets?"""

    def vector(members):
        return [Fraction(1 if u in members else 0) for u in universe]

    rows = [vector(p) for p in published if p]
    if not rows:
        return False
    return _rank(rows + [vector(target)]) == _rank(rows)


def small_unions(groups: dict, threshold: int = THRESHOLD) -> list[frozenset]:
    """Every union of the finest groups that holds 1 to ``threshold - 1`` businesses."""
    small = [g for g, members in groups.items() if 0 < len(members) < threshold]
    found = []
    for size in range(1, len(small) + 1):
        for chosen in combinations(small, size):
            members = frozenset().union(*(groups[g] for g in chosen))
            if len(members) < threshold:
                found.append(members)
    return found


# --- the product's pattern, checked by the solver on random tables ---------------------------

atom_counts = st.dictionaries(
    st.tuples(st.sampled_from(range(4)), st.sampled_from(range(3))),
    st.integers(min_value=1, max_value=6),
    min_size=1,
    max_size=12,
)


@given(atom_counts)
@settings(max_examples=300, deadline=None)
def test_no_withheld_cell_nor_small_group_is_solvable(counts):
    cells = disclosure.two_way_cells(counts)
    hidden = disclosure.protect(counts, cells, THRESHOLD, frozenset({"total"}))
    # businesses, named per atom
    members = {a: frozenset((a, i) for i in range(n)) for a, n in counts.items()}
    universe = [b for group in members.values() for b in group]

    def businesses(cell):
        return frozenset().union(*(members[a] for a in cell))

    published = [businesses(cells[k]) for k in cells if k not in hidden]
    total = sum(counts.values())
    if total < THRESHOLD:
        return  # the summary then withholds everything (tested end to end below)
    for key in hidden:
        assert not solvable(published, businesses(cells[key]), universe), (counts, key)
    for group in small_unions(members):
        assert not solvable(published, group, universe), (counts, sorted(group))
    for key, cell in cells.items():
        if 0 < len(businesses(cell)) < THRESHOLD:
            assert key in hidden  # primary suppression


def test_sector_minus_size_band_margin_no_longer_gives_a_group_away():
    """Accommodation: 5 small; events: 5 micro; transport: 3 micro. Withholding transport and
    accommodation in the sector table alone left micro (8) − events (5) = transport (3)."""
    counts = {("acc", "small"): 5, ("ev", "micro"): 5, ("tr", "micro"): 3}
    cells = disclosure.two_way_cells(counts)
    hidden = disclosure.protect(counts, cells, THRESHOLD, frozenset({"total"}))
    audit = disclosure.Audit(list(counts), [c for k, c in cells.items() if k not in hidden])
    assert ("row", "tr") in hidden
    assert audit.determined([cells[("row", "tr")], frozenset({("tr", "micro")})]) == [
        False,
        False,
    ]


# --- end to end: every table each person can download ----------------------------------------


@pytest.fixture
def scenario(open_wave, close_wave, answer_survey, create_business):
    """A closed wave with Cervia's businesses in the given (sector, size) groups and other
    municipalities with the given numbers of businesses; returns the wave and the groups."""

    def make(cervia: dict, others: dict, seed: int):
        rng = random.Random(seed)
        wave = open_wave(f"Wave {seed}")
        groups: dict = {}
        for (sector, size), n in cervia.items():
            for _ in range(n):
                business = create_business(place="cervia", sector=sector, size_band=size)
                answer_survey(wave, business, required=rng.randint(1, 5), current=[1])
                groups.setdefault(("cervia", sector.value, size.value), set()).add(business.id)
        for place, n in others.items():
            for _ in range(n):
                business = create_business(
                    place=place, sector=Sector.EVENTS, size_band=SizeBand.MICRO
                )
                answer_survey(wave, business, required=rng.randint(1, 5), current=[1])
                groups.setdefault((place, "events", "micro"), set()).add(business.id)
        close_wave(wave)
        return wave, {k: frozenset(v) for k, v in groups.items()}

    return make


def _csv_rows(client, place_id, wave_id, code="DIG-01"):
    body = client.get(f"/reports/{place_id}/waves/{wave_id}/summary.csv").get_data(as_text=True)
    return [r for r in csv.DictReader(io.StringIO(body)) if r["competence"] == code]


def _members(row, place, groups, threshold=THRESHOLD):
    """The businesses behind a CSV row, as the published rule describes them."""
    if row["scope"] == "consortium":
        sizes: dict = {}
        for (where, _s, _z), members in groups.items():
            sizes[where] = sizes.get(where, frozenset()) | members
        return frozenset().union(*(m for m in sizes.values() if len(m) >= threshold))
    local = {k: v for k, v in groups.items() if k[0] == place}
    if row["breakdown"] == "all":
        return frozenset().union(*local.values())
    index = 1 if row["breakdown"] == "sector" else 2
    return frozenset().union(*(v for k, v in local.items() if k[index] == row["group"]))


def _attack(tables: list[tuple[str, list[dict]]], groups: dict) -> None:
    """Every hidden row and every small group stays unsolvable from all published rows."""
    universe = sorted(b for members in groups.values() for b in members)
    published, hidden = [], []
    for place, rows in tables:
        for row in rows:
            members = _members(row, place, groups)
            (hidden if row["suppressed"] == "true" else published).append(members)
            if row["suppressed"] == "false":
                assert row["businesses"] == str(len(members)), row
    for members in hidden:
        if members:
            assert not solvable(published, members, universe), sorted(members)
    for members in small_unions(groups):
        assert not solvable(published, members, universe), sorted(members)


SCENARIOS = [
    # the linked-table leak of the old rule, with a small other municipality
    ({(Sector.ACCOMMODATION, SizeBand.SMALL): 5, (Sector.EVENTS, SizeBand.MICRO): 5,
      (Sector.TRANSPORT, SizeBand.MICRO): 3}, {"tartu": 2}),
    # one sector of one business beside a big one; another municipality of exactly 5
    ({(Sector.ACCOMMODATION, SizeBand.MICRO): 6, (Sector.ACCOMMODATION, SizeBand.SMALL): 2,
      (Sector.EVENTS, SizeBand.SMALL): 1}, {"tartu": 5, "ravenna": 4}),
    # a random mix of groups of 1 to 6
    (None, {"tartu": 3, "ravenna": 6}),
]  # fmt: skip


@pytest.mark.parametrize("index", range(len(SCENARIOS)))
def test_reviewer_and_consortium_user_cannot_solve_for_a_hidden_group(
    index, scenario, client, login_as, login, create_user, municipality
):
    cervia, others = SCENARIOS[index]
    if cervia is None:
        rng = random.Random(index)
        cervia = {(s, z): rng.randint(1, 6) for s in SECTORS for z in SIZES if rng.random() < 0.7}
    wave, groups = scenario(cervia, others, seed=index)
    places = {slug: municipality(slug) for slug in ("cervia", *others)}
    # the reviewer: their municipality's tables and the consortium comparison
    login_as(Role.REVIEWER, place="cervia", locale="en")
    _attack([("cervia", _csv_rows(client, places["cervia"].id, wave.id))], groups)
    # a consortium user (administrator): every municipality's tables at once
    login(create_user(Role.ADMIN))
    tables = [(slug, _csv_rows(client, place.id, wave.id)) for slug, place in places.items()]
    _attack(tables, groups)


def test_consortium_minus_own_municipality_never_isolates_a_small_one(
    scenario, client, login_as, municipality
):
    """Ravenna has 3 businesses: the consortium without them is still shown, and Cervia's
    reviewer can no longer subtract Cervia from it to get Ravenna."""
    wave, groups = scenario({(Sector.EVENTS, SizeBand.MICRO): 6}, {"ravenna": 3}, seed=7)
    login_as(Role.REVIEWER, place="cervia", locale="en")
    rows = _csv_rows(client, municipality("cervia").id, wave.id)
    consortium = next(r for r in rows if r["scope"] == "consortium")
    local = next(r for r in rows if r["scope"] == "municipality" and r["breakdown"] == "all")
    assert consortium["businesses"] == local["businesses"] == "6"
    assert consortium["mean_required"] == local["mean_required"]


# --- time: open waves publish nothing, closed waves never change -----------------------------


def _figures(client, place_id, wave_id):
    rows = _csv_rows(client, place_id, wave_id)
    return [(r["scope"], r["breakdown"], r["group"], r["businesses"], r["mean_gap"]) for r in rows]


def test_an_open_wave_publishes_no_figure_so_no_newcomer_can_be_subtracted(
    client, login_as, open_wave, answer_survey, create_business, municipality
):
    wave = open_wave()
    for _ in range(10):
        answer_survey(wave, create_business(), required=4, current=[2])
    login_as(Role.REVIEWER, locale="en")
    cervia = municipality("cervia")
    html = client.get(f"/reports/{cervia.id}/waves/{wave.id}").get_data(as_text=True)
    assert "published once it has closed" in html and "summary.csv" not in html
    before = _figures(client, cervia.id, wave.id)
    answer_survey(wave, create_business(), required=1, current=[5])
    assert before == _figures(client, cervia.id, wave.id) == []
    for suffix in ("/print", ""):
        body = client.get(f"/reports/{cervia.id}/waves/{wave.id}{suffix}").get_data(as_text=True)
        assert "2.000" not in body and "+2.00" not in body


def test_a_closed_waves_figures_survive_late_confirmation_and_erasure(
    client, login_as, open_wave, close_wave, answer_survey, create_business, municipality
):
    from uprest.accounts import business_services, services

    wave = open_wave()
    businesses = [create_business() for _ in range(6)]
    late = create_business(confirmed=False)
    for business in [*businesses, late]:
        answer_survey(wave, business, required=4, current=[2])
    close_wave(wave)
    login_as(Role.REVIEWER, locale="en")
    cervia = municipality("cervia")
    published = _figures(client, cervia.id, wave.id)
    assert ("municipality", "all", "all", "6", "2.000") in published
    business_services.confirm_business(late)
    leaving = businesses[0].staff[0]
    services.delete_account(leaving)  # a sole manager: the business goes with the account
    db.session.commit()
    assert db.session.get(Business, businesses[0].id) is None
    assert _figures(client, cervia.id, wave.id) == published


def test_a_closed_wave_cannot_be_reopened(client, login_as, open_wave, close_wave):
    from uprest.core.errors import ServiceError
    from uprest.surveys import services as survey_services

    wave = close_wave(open_wave())
    later = utcnow().date() + timedelta(days=10)
    with pytest.raises(ServiceError):
        survey_services.update_wave(wave, title=wave.title, opens_on=wave.opens_on, closes_on=later)
    survey_services.update_wave(
        wave, title="Renamed", opens_on=wave.opens_on, closes_on=wave.closes_on
    )


# --- counts that identify ----------------------------------------------------------------


def test_registered_counts_withhold_small_sectors_and_their_complements(
    client, login_as, create_business
):
    for _ in range(7):
        create_business(sector=Sector.ACCOMMODATION, size_band=SizeBand.MICRO)
    create_business(sector=Sector.TRANSPORT, size_band=SizeBand.SMALL)
    login_as(Role.REVIEWER, locale="en")
    html = client.get("/municipality").get_data(as_text=True)
    assert "8 businesses are registered." in html
    rows = {
        label: cells
        for label, cells in (
            (line.split("</th>")[0].rsplit(">", 1)[-1], line)
            for line in html.splitlines()
            if '<th scope="row">' in line
        )
    }
    for label in ("Accommodation", "Transport", "Micro (fewer than 10 people)"):
        assert "withheld" in rows[label], label
    assert ">7<" not in html and ">1<" not in html


# --- sybil businesses -----------------------------------------------------------------------


def test_a_self_registered_business_counts_only_once_confirmed(
    client, login_as, login, create_user, open_wave, close_wave, answer_survey, create_business,
    municipality,
):  # fmt: skip
    wave = open_wave()
    for _ in range(4):
        answer_survey(wave, create_business(), required=4, current=[2])
    # four fake businesses push the group over the threshold, each with known answers
    fakes = [create_business(confirmed=False) for _ in range(4)]
    for fake in fakes:
        answer_survey(wave, fake, required=1, current=[1])
    reviewer = create_user(Role.REVIEWER, locale="en")
    login(reviewer)
    page = client.get("/business/pending").get_data(as_text=True)
    assert all(f.name in page for f in fakes)
    # a reviewer of another municipality can neither see nor confirm them
    tartu = create_user(Role.REVIEWER, place="tartu", locale="en")
    login(tartu)
    assert fakes[0].name not in client.get("/business/pending").get_data(as_text=True)
    assert client.post(f"/business/{fakes[0].id}/confirm").status_code == 403
    # a learner cannot confirm either
    login_as(Role.LEARNER)
    assert client.post(f"/business/{fakes[0].id}/confirm").status_code == 403
    close_wave(wave)
    login(reviewer)
    rows = _csv_rows(client, municipality("cervia").id, wave.id)
    local = next(r for r in rows if r["scope"] == "municipality" and r["breakdown"] == "all")
    assert local["suppressed"] == "true" and local["businesses"] == ""
    assert all(db.session.get(Business, f.id).confirmed_at is None for f in fakes)


def test_the_reviewer_confirms_from_the_queue(client, login, create_user, create_business):
    pending = create_business(name="Hotel Nuovo", confirmed=False)
    reviewer = create_user(Role.REVIEWER, locale="it")
    login(reviewer)
    page = client.get("/business/pending").get_data(as_text=True)
    assert "Hotel Nuovo" in page and 'lang="it"' in page
    response = client.post(f"/business/{pending.id}/confirm")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Business, pending.id).confirmed_at is not None
    page = client.get("/business/pending").get_data(as_text=True)
    assert '<th scope="row">Hotel Nuovo' not in page
