"""Book I, issue 15: fractioned grouping, three-generator groupings, the series, coordination
with attack groups, permutation counts, the charts of groups, families, and identification."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.errors import ParameterError
from schillinger_kernel.rhythm import Rhythm


# ----- Ch. 4: fractioning grouped by b ---------------------------------------------------------
def test_fractioning_by_b_book_example():
    g = R.fractioning_by_b(3, 2)  # a²/b = 4½, 2(4½) = 9
    assert g.period == 9
    assert g.bars == Fraction(9, 2)
    assert g.runs == 2
    assert g.total_bars == 9


@given(st.integers(2, 30), st.integers(1, 29))
def test_fractioning_by_b_closes_on_a_bar_line(a, b):
    if b >= a:
        with pytest.raises(ParameterError):
            R.fractioning_by_b(a, b)
        return
    g = R.fractioning_by_b(a, b)
    assert g.period == R.fractioning(a, b).period == a * a
    assert g.runs == b // math.gcd(a * a, b)
    assert (g.runs * g.period) % b == 0
    assert all((k * g.period) % b for k in range(1, g.runs))
    assert g.bars * g.runs == g.total_bars


# ----- Ch. 6: groupings and summation series ----------------------------------------------------
def test_groupings_book_example():
    assert R.groupings(2, 3, 5) == (2, 3, 5, 6, 10, 15)
    assert R.groupings(3, 4, 7) == (3, 4, 7, 12, 21, 28)
    assert R.groupings(3, 2) == (2, 3)


@given(st.lists(st.integers(2, 12), min_size=2, max_size=3))
def test_groupings_divide_the_period(gens):
    p = math.prod(gens)
    bars = R.groupings(*gens)
    assert list(bars) == sorted(set(bars))
    assert all(p % g == 0 for g in bars)
    r = R.interference(*gens)
    assert all(sum(b) == g for g in bars for b in R.group(r, g))


def test_summation_series():
    assert R.series("summation", 6) == (1, 2, 3, 5, 8, 13)
    assert R.series("summation1", 6) == R.series("summation", 6)
    assert R.series("summation2", 6) == (1, 3, 4, 7, 11, 18)
    assert R.series("summation3", 6) == (1, 4, 5, 9, 14, 23)
    assert R.series("primes", 7) == (1, 2, 3, 5, 7, 11, 13)
    # the practical triples come from consecutive terms of the series
    assert {R.series(n, 5)[1:4] for n in ("summation", "summation2", "summation3")} >= {
        (2, 3, 5), (3, 4, 7), (4, 5, 9)}
    with pytest.raises(ParameterError, match="series must be one of"):
        R.series("fibonacci", 3)


@given(st.sampled_from(["summation", "summation2", "summation3"]), st.integers(3, 30))
def test_summation_property(name, n):
    s = R.series(name, n)
    assert all(s[i] == s[i - 1] + s[i - 2] for i in range(2, n))


# ----- Ch. 8: coordination with attack groups ---------------------------------------------------
def test_coordination_book_example_closes_after_20_bars():
    c = R.coordinate(R.interference(5, 2), 8, places=4, bar=8, attack_group=(3, 2, 3))
    assert c.bars == 20
    assert c.period == 160 and c.attacks == 96 and c.rhythm_runs == 16
    for attacks in (1, 3, 8):
        assert R.coordinate(R.interference(5, 2), attacks, 4, 8, (3, 2, 3)).bars == 20


def test_coordination_without_attack_group_unchanged():
    c = R.coordinate(R.interference(3, 2), 5)
    assert (c.attacks, c.period, c.attack_group_runs) == (20, 30, None)
    with pytest.raises(ParameterError):
        R.coordinate(R.interference(3, 2), 5, attack_group=())
    with pytest.raises(ParameterError):
        R.coordinate(R.interference(3, 2), 5, attack_group=(2, 0))


@given(st.lists(st.integers(1, 6), min_size=1, max_size=6), st.integers(1, 8),
       st.integers(1, 6), st.lists(st.integers(1, 4), min_size=1, max_size=4))
def test_coordination_closes_everything(durs, attacks, places, ag):
    r = Rhythm(durs)
    c = R.coordinate(r, attacks, places, bar=8, attack_group=ag)
    assert c.attacks % len(r.attacks) == 0 and c.attacks % attacks == 0
    assert c.attacks % sum(ag) == 0
    groups_run = c.attacks // sum(ag)
    assert (groups_run * len(ag)) % places == 0  # group places close with instrument places
    assert c.period == r.period * c.rhythm_runs
    assert (c.bars * 8) % c.period == 0


# ----- Ch. 9: counting permutations ------------------------------------------------------------
def test_permutation_count_book_examples():
    assert R.permutation_count("aabc") == 12
    assert R.permutation_count("abcd") == 24
    assert R.permutation_count("aabc", circular=True) == 4
    assert R.permutation_count("abab", circular=True) == 2
    assert R.permutation_count((3, 3, 3), circular=True) == 1


@given(st.text(alphabet="abc", min_size=1, max_size=7))
def test_permutation_count_matches_enumeration(items):
    assert R.permutation_count(items) == len(set(itertools.permutations(items)))
    assert R.permutation_count(items, circular=True) == len(
        set(R.circular_permutations(items)))
    if len(items) <= 6:
        assert R.permutation_count(items) == len(R.general_permutations(items))


# ----- Ch. 12: charts of groups ----------------------------------------------------------------
def test_binomial_and_trinomial_charts():
    assert R.binomials(3) == ((2, 1), (1, 2))
    assert R.binomials(4) == ((3, 1), (1, 3))
    assert R.binomials(5) == ((4, 1), (3, 2), (2, 3), (1, 4))
    assert R.binomials(6) == ((5, 1), (1, 5))
    assert len(R.binomials(9)) == 6
    assert R.trinomials(4) == ((2, 1, 1), (1, 2, 1), (1, 1, 2))
    assert R.trinomials(3) == ()
    assert set(R.trinomials(5)) == {(3, 1, 1), (1, 3, 1), (1, 1, 3), (2, 2, 1), (2, 1, 2),
                                    (1, 2, 2)}
    assert (2, 1, 2, 1, 2) in R.quintinomials(8)
    assert R.quintinomials(5) == ()


@given(st.integers(2, 20), st.sampled_from([2, 3]))
def test_charts_are_irreducible_non_uniform_groups(d, k):
    if d < k:
        return
    chart = R.binomials(d) if k == 2 else R.trinomials(d)
    assert len(set(chart)) == len(chart)
    for g in chart:
        assert len(g) == k and sum(g) == d
        assert math.gcd(*g) == 1 and len(set(g)) > 1
        assert g[::-1] in chart  # with every group comes its converse
    assert list(chart) == sorted(chart, reverse=True)


# ----- Ch. 13: evolution of families ------------------------------------------------------------
def test_family_sizes_book_example():
    assert R.family_sizes(5) == (2, 3, 5, 9, 17)


@given(st.integers(2, 20))
def test_family_sizes_recurrence(n):
    s = R.family_sizes(n)
    assert all(s[i] == 2 * s[i - 1] - 1 for i in range(1, n))


def test_trace_origin_book_rule():
    assert R.trace_origin((3, 2)) == (5, 3)
    assert R.trace_origin((4, 1)) == (5, 4)
    assert R.trace_origin((2, 2, 1, 1)) == (5, 2)
    with pytest.raises(ParameterError):
        R.trace_origin((2, 2))  # uniform: no single origin
    with pytest.raises(ParameterError):
        R.trace_origin((3, 2, 3))  # r5÷3 goes 3, 2, 1


@given(st.integers(2, 30), st.integers(1, 29))
def test_trace_origin_round_trip(p, q):
    if q >= p:
        return
    a, b = R.trace_origin((p, q))
    assert (a, b) == (p + q, p)
    assert R.interference(a, b)[:2] == (p, q)


@given(st.integers(3, 25), st.integers(2, 24))
def test_trace_origin_of_whole_resultants(a, b):
    if b >= a or a % b == 0:
        return
    assert R.trace_origin(R.interference(a, b)) == (a, b)


# ----- generate_variations: fraction and diminish -------------------------------------------------
def test_fraction_fractions_the_given_rhythm():
    v = R.generate_variations(R.interference(4, 3), ("fraction",), 1)[0]
    assert v == R.fractioning(4, 3)
    assert R.generate_variations((3, 1, 2, 2, 1, 3), ("fraction",), 1)[0] == R.fractioning(4, 3)
    assert R.generate_variations((2, 1), ("fraction",), 1)[0] == (4, 2, 2, 1)
    assert R.generate_variations((1, 1, 2), ("fraction",), 1)[0] != R.fractioning(3, 2)


def test_diminish_skips_when_there_is_no_common_factor():
    assert R.generate_variations((4, 2, 6), ("diminish",), 1) == ((2, 1, 3),)
    assert R.generate_variations((3, 2), ("diminish", "retrograde"), 2) == ((2, 3), (2, 3))
    with pytest.raises(ParameterError, match="no common factor"):
        R.generate_variations((3, 2), ("diminish",), 1)


@given(st.lists(st.integers(1, 9), min_size=1, max_size=8))
def test_fraction_keeps_proportions(durs):
    v = R.generate_variations(durs, ("fraction",), 1)[0]
    try:
        a, b = R.trace_origin(durs)
    except ParameterError:
        a = b = 0
    if a and R.interference(a, b) == durs:
        assert v == R.fractioning(a, b)
    else:
        assert v == R.power(durs, 2) and sum(v) == sum(durs) ** 2


# ----- identify ---------------------------------------------------------------------------------
def _rot(durs: tuple[int, ...], k: int) -> tuple[int, ...]:
    k %= len(durs)
    return durs[k:] + durs[:k]


@pytest.mark.parametrize(("name", "gens", "options"), [
    ("interference", (3, 2), {}), ("interference", (7, 4), {}), ("interference", (5, 3, 2), {}),
    ("fractioning", (5, 3), {}), ("expansion", (4, 3), {}), ("contraction", (5, 2), {}),
    ("balance", (4, 3), {}), ("countertheme", (5, 3, 2), {}), ("power", (2, 1), {"n": 3}),
    ("power", (3, 1, 2), {"n": 2}), ("permutations", (3, 2), {}),
])
@pytest.mark.parametrize("rotation", [0, 1, 3])
def test_identify_round_trip(name, gens, options, rotation):
    made = R.technique(name, list(gens), **options).durations
    given = _rot(made, rotation)
    found = R.identify(given)
    assert found, (name, gens)
    assert all(m.distance == 0 for m in found)
    assert found[0].distance == 0
    # the technique that made it is among the answers, and every answer reproduces it
    assert any(m.technique == name and m.generators == gens for m in found)
    for m in found:
        if m.technique in R.TECHNIQUES:
            again = R.technique(m.technique, list(m.generators), **dict(m.options))
            assert _rot(again.durations, m.rotation) == given


def test_identify_tolerance_and_nothing():
    assert R.identify((3, 1, 2, 2, 2, 3)) == ()
    near = R.identify((3, 1, 2, 2, 2, 3), tolerance=1)
    assert near[0].generators == (4, 3) and near[0].distance == 1
    assert R.identify((5, -1, 2)) == ()


def test_identify_group_permutations():
    found = R.identify((2, 1, 1, 1, 2, 1, 1, 1, 2))
    assert any(m.technique == "circular_permutations" and m.generators == (2, 1, 1)
               for m in found)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(R.canonical_pairs()), st.integers(0, 20))
def test_identify_every_canonical_rotation(pair, k):
    given_ = _rot(R.interference(*pair).durations, k)
    best = R.identify(given_)[0]
    assert best.technique == "interference" and best.generators == pair
