"""Book I: every worked example of SCHILLINGER.md, plus property tests of the invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schillinger_kernel import rhythm as R
from schillinger_kernel.rhythm import Rhythm

gens = st.integers(min_value=1, max_value=40)


# ----- worked examples -----------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b", "expected"), [
    (3, 2, (2, 1, 1, 2)),
    (4, 3, (3, 1, 2, 2, 1, 3)),
    (5, 2, (2, 2, 1, 1, 2, 2)),
])
def test_interference_examples(a, b, expected):
    assert R.interference(a, b) == expected


def test_interference_product_period_not_lcm():
    assert R.interference(6, 4) == (4, 2, 2, 4, 4, 2, 2, 4)
    assert R.interference(6, 4, period="lcm") == (4, 2, 2, 4)


def test_rhythm_forms():
    r = R.interference(3, 2)
    assert r.attacks == (0, 2, 3, 4)
    assert r.period == 6
    assert r.grid == "101110"
    assert r.accents == (0,)
    assert Rhythm((2, -1, 1)).attacks == (0, 3)


def test_canonical_pairs():
    pairs = R.canonical_pairs()
    assert len(pairs) == 19
    assert pairs == ((3, 2), (4, 3), (5, 2), (5, 3), (5, 4), (6, 5), (7, 2), (7, 3), (7, 4),
                     (7, 5), (7, 6), (8, 3), (8, 5), (8, 7), (9, 2), (9, 4), (9, 5), (9, 7),
                     (9, 8))


def test_grouping_examples():
    r = R.interference(3, 2)
    assert R.group(r, 3) == ((2, 1), (1, 2))
    assert R.group(r, 2) == ((2,), (1, 1), (2,))
    assert R.group(r, 6) == ((2, 1, 1, 2),)


def test_fractioning_examples():
    assert R.fractioning(3, 2) == (2, 1, 1, 1, 1, 1, 2)
    assert R.fractioning(4, 3) == (3, 1, 2, 1, 1, 1, 1, 2, 1, 3)
    # not the plain interference, which some implementations return by mistake
    assert R.fractioning(3, 2) != R.interference(3, 2)


def test_fractioning_closes_with_bars():
    # Grouped by b, a fractioned resultant repeats b/gcd(a², b) times before closing.
    for a, b in [(3, 2), (4, 3), (5, 2), (5, 3), (7, 4), (6, 4), (9, 6)]:
        reps = b // math.gcd(a * a, b)
        r = R.fractioning(a, b)
        assert (r.period * reps) % b == 0
        for k in range(1, reps):
            assert (r.period * k) % b != 0
        # the same through group(): only after `reps` repeats is the last bar full
        for k in range(1, reps + 1):
            bars = R.group(Rhythm(r.durations * k), b)
            assert (sum(bars[-1]) == b) == (k == reps)
    assert len(R.group(Rhythm(R.fractioning(3, 2).durations * 2), 2)) == 9


def test_pairs_of_groups():
    assert R.expansion(3, 2) == (2, 1, 1, 2, 2, 1, 1, 1, 1, 1, 2)
    assert R.contraction(3, 2) == (2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2)
    assert R.balance(3, 2) == (2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 2, 3)


def test_three_generators():
    assert R.complementary_factors(2, 3, 5) == (15, 10, 6)
    assert R.countertheme(2, 3, 5) == (6, 4, 2, 3, 3, 2, 4, 6)
    r = R.interference(2, 3, 5)
    assert len(r) == 22 and r.period == 30
    assert R.summation_triples() == ((2, 3, 5), (3, 5, 8), (3, 4, 7), (4, 5, 9))


def test_distribution():
    r = R.interference(3, 2)
    assert R.distribution_closure(r, 2) == (1, 2)
    d = R.distribute(r, ("kick", "snare"))
    assert d == {"kick": (3, 3), "snare": (-2, 2, 2)}
    # three places on four attacks: the rhythm runs 3 times, the places 4 times
    assert R.distribution_closure(r, 3) == (3, 4)
    d3 = R.distribute(r, 3)
    assert all(x.period == 18 for x in d3.values())
    assert sum(len(x.attacks) for x in d3.values()) == 12


def test_coordination():
    c = R.coordinate(R.interference(3, 2), 5)
    assert (c.attacks, c.period) == (20, 30)
    assert c.bars is None
    assert R.coordinate(R.interference(3, 2), 5, bar=6).bars == 5


def test_permutations():
    assert R.general_permutations("abc") == ("abc", "acb", "cab", "bac", "bca", "cba")
    assert R.circular_permutations("abc") == ("abc", "bca", "cab")
    assert R.circular_permutations("abc", "counterclockwise") == ("acb", "cba", "bac")
    assert R.general_permutations((2, 1, 1)) == ((2, 1, 1), (1, 2, 1), (1, 1, 2))
    assert R.permutations((2, 1, 1), circular=True) == ((2, 1, 1), (1, 1, 2), (1, 2, 1))
    assert len(R.general_permutations("abcd")) == 24


def test_higher_order_and_continuity():
    a2, b2 = R.higher_order((1,), (2,), 2)
    assert (a2, b2) == ((1, 2), (2, 1))
    assert R.higher_order((2, 1), (1, 2), 1) == ((2, 1), (1, 2))
    parts = R.homogeneous_continuity((3, 1, 2))
    assert parts[0][:3] == (3, 1, 2) and parts[1][:3] == (1, 2, 3) and parts[2][:3] == (2, 3, 1)


def test_long_groups_permute_and_continue():
    # r9÷8 (the last canonical pair) has 16 durations: circular permutations and the
    # permutations technique must take it (only general permutations are capped at 10).
    r = R.interference(9, 8)
    assert len(r) == 16
    perms = R.circular_permutations(r)
    assert len(perms) == 16 and perms[1] == r.durations[1:] + r.durations[:1]
    assert R.technique("permutations", [9, 8]).period == 16 * 72
    parts = R.homogeneous_continuity(tuple(range(1, 12)))
    assert len(parts) == 11 and all(len(p) == 121 for p in parts)
    assert R.circular_permutations("abc", "counter-clockwise") == ("acb", "cba", "bac")
    with pytest.raises(ValueError, match="at most 10"):
        R.general_permutations(tuple(range(11)))


def test_higher_order_strings_and_growth():
    assert R.higher_order("a", "b", 3) == ("abba", "baab")
    a4, b4 = R.higher_order("a", "b", 4)
    assert a4 == "abbabaab" and b4 == "baababba"
    assert R.higher_order(2, 1, 2) == ((2, 1), (1, 2))
    assert R.homogeneous_continuity("abc") == ("abcbcacab", "bcacababc", "cababcbca")


def test_countertheme_factors_above_generator_limit():
    r = R.countertheme(20, 30, 40)
    assert r.period == 24000 and r.generators == (1200, 800, 600)
    assert r.attacks[:4] == (0, 600, 800, 1200)


def test_converse_sync_sizes_grow_2_3_5_9_17():
    # Book I ch. 13: a group of n terms synchronised with its converse has 2n - 1 terms
    # (when no attack of the group mirrors another): 2, 3, 5, 9, 17.
    sizes = [2]
    for _ in range(4):
        group = tuple(2 ** i for i in range(sizes[-1]))
        sizes.append(len(R.converse_sync(group)))
    assert sizes == [2, 3, 5, 9, 17]
    # the union of a group and its converse is symmetric
    r = R.converse_sync((1, 2, 4))
    assert r == (1, 2, 1, 2, 1) and r.durations == r.durations[::-1]


def test_spec_signatures():
    import inspect

    spec = {
        "interference": ["generators", "period"], "group": ["rhythm", "bar"],
        "fractioning": ["a", "b"], "expansion": ["a", "b"], "contraction": ["a", "b"],
        "balance": ["a", "b"], "complementary_factors": ["generators"],
        "countertheme": ["generators"], "distribute": ["rhythm", "places"],
        "coordinate": ["rhythm", "attacks", "places", "bar", "attack_group"],
        "general_permutations": ["items"], "circular_permutations": ["items", "direction"],
        "higher_order": ["a", "b", "order"], "homogeneous_continuity": ["elements"],
        "power": ["group", "n"], "synchronize_power": ["group", "low", "high"],
        "converse_sync": ["group"], "accelerate": ["group", "series", "terms"],
        "augment": ["rhythm", "k"], "diminish": ["rhythm", "k"], "retrograde": ["rhythm"],
        "invert": ["rhythm"], "canonical_pairs": [],
    }
    for name, params in spec.items():
        assert list(inspect.signature(getattr(R, name)).parameters) == params, name
    assert R.accelerate(group=(2, 1), series=(1, 2)) == (2, 1, 4, 2)
    c = R.coordinate(rhythm=R.interference(3, 2), attacks=5, places=1, bar=6)
    assert (c.attacks, c.period, c.bars) == (20, 30, 5)


def test_powers():
    assert R.power((2, 1), 2) == (4, 2, 2, 1)
    assert R.power((2, 1), 3) == (8, 4, 4, 2, 4, 2, 2, 1)
    assert R.synchronize_power((2, 1), 1, 2) == (6, 3)
    assert R.synchronize((2, 1), (1, 1, 2))[0].period == 12


def test_styles_and_velocities():
    assert R.converse_sync((5, 3)) == (3, 2, 3)
    assert R.rubato((3, 2), 1) == (4, 1)
    assert R.accelerate((2, 1), "natural", 3) == (2, 1, 4, 2, 6, 3)
    assert R.series("geometric", 4) == (1, 2, 4, 8)
    assert R.series("summation", 5) == (1, 2, 3, 5, 8)
    assert R.series("primes", 4) == (1, 2, 3, 5)  # the book's prime series (Ch. 14)
    assert R.series("prime_numbers", 4) == (2, 3, 5, 7)


def test_seed_variations():
    assert R.augment((2, 1), 2) == (4, 2)
    assert R.diminish((4, 2), 2) == (2, 1)
    assert R.retrograde((3, 1, 2)) == (2, 1, 3)
    assert R.invert((3, 1, 2)) == (1, 3, 2)
    with pytest.raises(ValueError, match="not multiples"):
        R.diminish((3, 2), 2)


def test_seed_api_is_deterministic():
    p1 = R.generate_pattern("4/4", 4, 0.7, "interference", seed=7)
    assert p1 == R.generate_pattern("4/4", 4, 0.7, "interference", seed=7)
    assert p1.period % 16 == 0
    poly = R.generate_polyrhythm(3, 2, length=2)
    assert poly.resultant == (2, 1, 1, 2) * 2
    score = poly.to_score()
    assert len(score.parts) == 3 and all(p.is_drums for p in score.parts)
    v = R.generate_variations(R.interference(3, 2), ("augment", "retrograde", "permute"), 6,
                              seed=3)
    assert len(v) == 6 and v == R.generate_variations(
        R.interference(3, 2), ("augment", "retrograde", "permute"), 6, seed=3)


def test_technique_registry():
    assert R.technique("interference", [5, 3]) == R.interference(5, 3)
    assert R.technique("balance", [3, 2]) == R.balance(3, 2)
    assert R.technique("power", [2, 1]) == (4, 2, 2, 1)
    assert R.technique("countertheme", [2, 3, 5]) == R.countertheme(2, 3, 5)
    assert R.technique("permutations", [3, 2]).period == 24
    with pytest.raises(ValueError, match="technique must be one of"):
        R.technique("bogus", [3, 2])


@pytest.mark.parametrize("bad", [(0, 2), (-3, 2), (3.0, 2), (3,), (5000, 3), (True, 2)])
def test_bad_generators_raise_clear_errors(bad):
    with pytest.raises((ValueError, TypeError), match="generator"):
        R.interference(*bad)


def test_bad_arguments_elsewhere():
    with pytest.raises(ValueError, match="a > b"):
        R.fractioning(2, 3)
    with pytest.raises(ValueError, match="too large"):
        R.interference(999, 998, 997)
    with pytest.raises(ValueError, match="non-zero"):
        Rhythm((2, 0))
    with pytest.raises(ValueError, match="empty"):
        Rhythm(())
    with pytest.raises(ValueError, match="direction"):
        R.circular_permutations("ab", "sideways")


# ----- properties -----------------------------------------------------------------------------
@given(gens, gens)
def test_interference_sums_to_period(a, b):
    r = R.interference(a, b)
    assert sum(r) == r.period == a * b


@given(gens, gens)
def test_two_generator_resultant_is_palindrome(a, b):
    r = R.interference(a, b)
    assert r.durations == r.durations[::-1]


@given(gens, gens)
def test_coprime_generators_give_a_plus_b_minus_one_attacks(a, b):
    if math.gcd(a, b) == 1:
        assert len(R.interference(a, b)) == a + b - 1


@given(st.lists(st.integers(1, 20), min_size=1, max_size=12))
def test_retrograde_twice_is_identity(durs):
    r = Rhythm(durs)
    assert r.retrograde().retrograde() == r
    assert r.invert().invert() == r


@given(st.integers(2, 20), st.integers(1, 19))
def test_fractioning_period_is_a_squared(a, b):
    if b < a:
        assert R.fractioning(a, b).period == a * a
        assert R.balance(a, b).period == 2 * a * a


@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.integers(1, 4))
def test_power_sums_to_power_of_sum(group, n):
    assert sum(R.power(group, n)) == sum(group) ** n
    assert len(R.power(group, n)) == len(group) ** n


@given(st.lists(st.integers(1, 30), min_size=1, max_size=10), st.integers(1, 12))
def test_group_preserves_total(durs, bar):
    bars = R.group(Rhythm(durs), bar)
    assert sum(sum(b) for b in bars) == sum(durs)
    assert all(sum(b) == bar for b in bars[:-1])


@given(st.text(alphabet="abcde", min_size=1, max_size=5))
def test_permutation_counts(items):
    n = len(R.general_permutations(items))
    assert n == len(set(__import__("itertools").permutations(items)))


@given(st.lists(st.integers(1, 9), min_size=1, max_size=6), st.integers(1, 6))
def test_distribution_covers_every_attack(durs, places):
    r = Rhythm(durs)
    d = R.distribute(r, places)
    runs, _ = R.distribution_closure(r, places)
    assert sum(len(x.attacks) for x in d.values()) == len(r.attacks) * runs
    assert all(x.period == r.period * runs for x in d.values())


def test_technique_names_the_options_it_takes() -> None:
    from schillinger_kernel.errors import ParameterError
    from schillinger_kernel.rhythm import technique

    with pytest.raises(ParameterError) as err:
        technique("fractioning", [3, 2], period=4)
    assert err.value.field == "options" and "its options: none" in str(err.value)
    assert technique("interference", [3, 2], period="lcm") == (2, 1, 1, 2)
