"""The estimator against a worked example by hand and against an independent implementation
(samplics' Taylor-linearised ratio, the same design as R's svyratio with fpc)."""

from __future__ import annotations

import math
import warnings
from statistics import NormalDist

import numpy as np
import pytest

from casebridge.prevalence.estimate import Cluster, Ratio, change, lonely_strata, ratio, wilson


def _c(stratum: str, frame: int, persons: int, minors: int, under_16: int = 0) -> Cluster:
    return Cluster(stratum, frame, persons, minors, under_16, 0)


def test_it_matches_the_worked_example():
    # Stratum A: 2 of 4 establishments (weight 2); stratum B: all 3 (weight 1, no variance).
    # R = (2*1 + 2*0 + 1 + 0 + 1) / (2*15 + 12) = 4/42. d = w (y - R x) / X: 1/441 and -10/441 in
    # A; deviations from their mean ±5.5/441; V = (1 - 2/4) * 2/(2-1) * 2 * 5.5^2 / 441^2.
    clusters = [_c("A", 4, 10, 1), _c("A", 4, 5, 0), _c("B", 3, 4, 1), _c("B", 3, 6, 0), _c("B", 3, 2, 1)]
    result = ratio(clusters, "minors")
    assert result is not None
    assert result.estimate == pytest.approx(4 / 42, abs=1e-12)
    assert result.se == pytest.approx(math.sqrt(60.5) / 441, abs=1e-12)
    assert result.ci_low == pytest.approx(4 / 42 - 1.96 * math.sqrt(60.5) / 441, abs=1e-12)
    assert result.ci_high == pytest.approx(4 / 42 + 1.96 * math.sqrt(60.5) / 441, abs=1e-12)
    # deff against a simple random sample of the 27 people: V / (R (1 - R) / 27)
    assert result.deff == pytest.approx((60.5 / 441**2) / ((4 / 42) * (38 / 42) / 27), abs=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_it_agrees_with_samplics(seed):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # samplics warns that it is archived
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam

    rng = np.random.default_rng(seed)
    clusters = []
    frames = {}
    for h in range(int(rng.integers(2, 7))):
        sampled = int(rng.integers(2, 15))
        frames[f"s{h}"] = sampled + int(rng.integers(0, 60))
        for _ in range(sampled):
            persons = int(rng.integers(0, 25))
            minors = int(rng.binomial(persons, 0.1))
            clusters.append(_c(f"s{h}", frames[f"s{h}"], persons, minors, int(rng.binomial(minors, 0.3))))
    strata = np.array([c.stratum for c in clusters])
    weights = np.array([c.frame_size / (strata == c.stratum).sum() for c in clusters])
    fpc = {h: 1 - (strata == h).sum() / n for h, n in frames.items()}
    for count in ("minors", "under_16"):
        ours = ratio(clusters, count)
        assert ours is not None
        theirs = TaylorEstimator(PopParam.ratio)
        theirs.estimate(
            y=np.array([getattr(c, count) for c in clusters], dtype=float),
            x=np.array([c.persons for c in clusters], dtype=float),
            samp_weight=weights,
            stratum=strata,
            psu=np.arange(len(clusters)),
            fpc=fpc,
        )
        assert ours.estimate == pytest.approx(float(theirs.point_est), abs=1e-9)
        assert ours.se == pytest.approx(float(theirs.stderror), abs=1e-9)


def test_a_stratum_with_one_establishment_is_centred_at_the_grand_mean():
    clusters = [_c("A", 4, 10, 1), _c("A", 4, 5, 0), _c("L", 5, 8, 2), _c("C", 1, 3, 0)]
    assert lonely_strata(clusters) == ["L"]  # C is its whole stratum: a census, no variance
    result = ratio(clusters, "minors")
    assert result is not None
    w = [2, 2, 5, 1]
    x = [10, 5, 8, 3]
    y = [1, 0, 2, 0]
    total = sum(a * b for a, b in zip(w, x, strict=True))
    r = sum(a * b for a, b in zip(w, y, strict=True)) / total
    d = [a * (b - r * c) / total for a, b, c in zip(w, y, x, strict=True)]
    mean = sum(d) / 4
    variance = 0.5 * 2 * ((d[0] - (d[0] + d[1]) / 2) ** 2 + (d[1] - (d[0] + d[1]) / 2) ** 2)
    variance += (1 - 1 / 5) * (d[2] - mean) ** 2
    assert abs(mean) < 1e-15  # a ratio's linearised totals sum to zero
    assert result.se == pytest.approx(math.sqrt(variance), abs=1e-12)


def test_nobody_observed_gives_no_estimate_rather_than_a_division_by_zero():
    assert ratio([], "minors") is None
    assert ratio([_c("A", 3, 0, 0), _c("A", 3, 0, 0)], "minors") is None
    assert wilson(0, 0) is None


def test_the_interval_is_clipped_to_zero_and_one():
    result = ratio([_c("A", 10, 20, 0), _c("A", 10, 30, 0), _c("B", 10, 5, 5), _c("B", 10, 5, 5)], "minors")
    assert result is not None and 0.0 <= result.ci_low <= result.estimate <= result.ci_high <= 1.0
    everyone = ratio([_c("A", 10, 4, 4), _c("A", 10, 2, 2)], "minors")
    assert everyone is not None and (everyone.estimate, everyone.se, everyone.ci_high) == (1.0, 0.0, 1.0)
    assert everyone.deff is None  # p (1 - p) is zero: no simple-random-sample variance to compare with


@pytest.mark.parametrize(("successes", "trials"), [(38, 2014), (0, 50), (50, 50), (1, 3)])
def test_wilson_agrees_with_statsmodels(successes, trials):
    from statsmodels.stats.proportion import proportion_confint

    alpha = 2 * (1 - NormalDist().cdf(1.96))
    low, high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    share = wilson(successes, trials)
    assert share is not None
    assert share.estimate == successes / trials
    assert (share.ci_low, share.ci_high) == (pytest.approx(low, abs=1e-12), pytest.approx(high, abs=1e-12))


def test_the_change_against_a_baseline():
    now, before = Ratio(0.022, 0.004, 0, 0, None), Ratio(0.0816, 0.01, 0, 0, None)
    result = change(now, before)
    assert result.absolute == pytest.approx(-0.0596)
    assert result.relative == pytest.approx(-0.0596 / 0.0816)
    half = 1.96 * math.sqrt(0.004**2 + 0.01**2)
    assert (result.ci_low, result.ci_high) == (pytest.approx(-0.0596 - half), pytest.approx(-0.0596 + half))
    rel_se = math.sqrt(0.004**2 / 0.0816**2 + 0.022**2 * 0.01**2 / 0.0816**4)
    assert result.relative_ci_low == pytest.approx(-0.0596 / 0.0816 - 1.96 * rel_se)
    assert change(now, Ratio(0.0, 0.0, 0, 0, None)).relative is None  # no division by a zero baseline
