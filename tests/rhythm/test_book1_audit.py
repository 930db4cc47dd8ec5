"""Audit of issue 15 (Book I): the invariants the first round of tests left to examples.

Each property below ties a new name to an independent reading of the book: the charts of
Ch. 12 against brute-force enumeration, fractioning by b against the bars it really fills,
trace_origin against every prefix of a resultant, and identify against every technique it
claims to recognise, under any rotation and through a quantized part.
"""

from __future__ import annotations

import itertools
import math

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.rhythm.identify import durations_of
from schillinger_kernel.score import Note, Part


# ----- Ch. 12: the charts are every composition that is neither uniform nor reducible ---------
def _brute_chart(total: int, parts: int) -> set[tuple[int, ...]]:
    return {c for c in itertools.product(range(1, total), repeat=parts)
            if sum(c) == total and math.gcd(*c) == 1 and len(set(c)) > 1}


def test_quintinomials_book_chart_of_six_and_seven() -> None:
    # 6 = one 2 among four 1s (five places); 7 = a 3 (5 places) or two 2s (10 places)
    assert len(R.quintinomials(6)) == 5
    assert len(R.quintinomials(7)) == 15
    assert (3, 1, 1, 1, 1) in R.quintinomials(7) and (2, 2, 1, 1, 1) in R.quintinomials(7)


@settings(max_examples=30, deadline=None)
@given(st.integers(5, 14))
def test_quintinomials_are_the_whole_chart(period: int) -> None:
    chart = R.quintinomials(period)
    assert set(chart) == _brute_chart(period, 5)
    assert len(set(chart)) == len(chart)
    assert list(chart) == sorted(chart, reverse=True)
    assert all(g[::-1] in chart for g in chart)


@settings(max_examples=30, deadline=None)
@given(st.integers(3, 24))
def test_binomial_and_trinomial_charts_are_complete(d: int) -> None:
    assert set(R.binomials(d)) == _brute_chart(d, 2)
    assert set(R.trinomials(d)) == _brute_chart(d, 3)


# ----- Ch. 4: fractioning grouped by b fills whole bars after ``runs`` runs, not before -------
@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12), st.integers(1, 11))
def test_fractioning_by_b_fills_whole_bars(a: int, b: int) -> None:
    assume(b < a)
    g = R.fractioning_by_b(a, b)
    run = R.fractioning(a, b).durations
    bars = R.group(R.Rhythm(run * g.runs), b)
    assert len(bars) == g.total_bars
    assert all(sum(bar) == b for bar in bars)
    if g.runs > 1:  # one run short, the last bar is left incomplete
        short = R.group(R.Rhythm(run * (g.runs - 1)), b)
        assert sum(short[-1]) < b


# ----- Ch. 6: the practical triples are consecutive terms of the summation series -------------
def test_summation_triples_come_from_series_i_ii_iii() -> None:
    windows = {tuple(s[i:i + 3]) for name in ("summation", "summation2", "summation3")
               for s in [R.series(name, 8)] for i in range(6)}
    assert set(R.summation_triples()) <= windows
    for triple in R.summation_triples():
        assert R.groupings(*triple) == tuple(sorted(
            set(triple) | set(R.complementary_factors(*triple))))


# ----- Ch. 13: a resultant is traced back from any prefix that reaches its major generator ----
@settings(max_examples=80, deadline=None)
@given(st.integers(3, 20), st.integers(2, 19), st.data())
def test_trace_origin_from_every_long_enough_prefix(a: int, b: int, data: st.DataObject) -> None:
    assume(b < a and a % b)
    r = R.interference(a, b).durations
    shortest = a // b + 1          # b, 2b, ... then the first attack of a
    n = data.draw(st.integers(max(2, shortest), len(r)))
    assert R.trace_origin(r[:n]) == (a, b)


@given(st.integers(2, 20))
def test_family_sizes_are_closed_form(n: int) -> None:
    assert R.family_sizes(n) == tuple(2 ** (i - 1) + 1 for i in range(1, n + 1))


# ----- identify: every technique it names, rotated anywhere, comes back -----------------------
def _pairs(low: int, high: int) -> st.SearchStrategy[tuple[int, int]]:
    return st.tuples(st.integers(low, high), st.integers(1, high - 1)).filter(
        lambda p: p[1] < p[0])


_MADE = st.one_of(
    st.tuples(st.just("interference"),
              _pairs(3, 11).filter(lambda p: p[1] >= 2), st.just({})),
    st.tuples(st.just("interference"),
              st.tuples(st.integers(4, 7), st.integers(3, 6), st.integers(2, 5)).filter(
                  lambda g: g[0] > g[1] > g[2]), st.just({})),
    st.tuples(st.just("countertheme"),
              st.tuples(st.integers(4, 7), st.integers(3, 6), st.integers(2, 5)).filter(
                  lambda g: g[0] > g[1] > g[2]), st.just({})),
    st.tuples(st.sampled_from(["fractioning", "expansion", "contraction", "balance"]),
              _pairs(2, 7), st.just({})),
    st.tuples(st.just("power"), st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple),
              st.sampled_from([{"n": 2}, {"n": 3}])),
    st.tuples(st.just("permutations"),
              _pairs(3, 6).filter(lambda p: p[1] >= 2 and math.gcd(*p) == 1), st.just({})),
)


def _rot(durs: tuple[int, ...], k: int) -> tuple[int, ...]:
    k %= len(durs)
    return durs[k:] + durs[:k]


@settings(max_examples=60, deadline=None)
@given(_MADE, st.integers(0, 50))
def test_identify_finds_every_technique_under_any_rotation(made, k: int) -> None:
    name, gens, options = made
    durs = R.technique(name, list(gens), **options).durations
    assume(len(set(durs)) > 1)      # a uniform rhythm has no single origin to find
    given_ = _rot(durs, k)
    found = R.identify(given_)
    assert found and found[0].distance == 0
    assert any(m.technique == name and m.generators == tuple(gens) and m.distance == 0
               for m in found)
    for m in found:  # every answer is a call that makes the given rhythm again
        assert m.distance == 0
        if m.technique in R.TECHNIQUES:
            again = R.technique(m.technique, list(m.generators), **dict(m.options))
            assert _rot(again.durations, m.rotation) == given_


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(R.canonical_pairs()), st.sampled_from([60, 120, 240]),
       st.integers(36, 81))
def test_identify_reads_a_quantized_part(pair: tuple[int, int], unit: int, pitch: int) -> None:
    r = R.interference(*pair)
    notes = tuple(Note(t * unit, unit // 2, pitch, 100) for t in r.attacks)
    part = Part("drum", notes, channel=9)
    assert durations_of(part, period=r.period * unit) == r.durations
    best = R.identify(durations_of(part, period=r.period * unit))[0]
    assert (best.technique, best.generators, best.rotation) == ("interference", pair, 0)
