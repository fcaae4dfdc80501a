"""Design-based estimates for a prevalence study (no database here: numbers in, numbers out).

The share of minors among the people available is a ratio of two totals, estimated under a
stratified design with establishments as clusters, each weighted N_h / n_h (n_h: the stratum's
visited establishments). Its variance is by Taylor linearisation with the finite population
correction, as R's ``survey::svyratio`` on ``svydesign(ids = ~establishment, strata = ~stratum,
fpc = ~N_h)``:

    R = sum(w y) / sum(w x),  z = (y - R x) / sum(w x),  d = w z
    V = sum over h of (1 - n_h / N_h) * n_h / (n_h - 1) * sum over i in h of (d_i - mean_h d)^2

A stratum with one visited establishment has no variance of its own: that establishment's d is
compared with the mean of d over the whole sample (zero, for a ratio), with the factor n_h/(n_h-1)
left out, in the manner of R's ``lonely.psu = "adjust"``; the estimate lists such strata.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

Z = 1.96  # the 95% interval is estimate ± 1.96 SE


@dataclass(frozen=True)
class Cluster:
    """One visited establishment: its stratum, the stratum's frame size, and its visits' totals."""

    stratum: object
    frame_size: int
    persons: int
    minors: int
    under_16: int
    borderline: int


@dataclass(frozen=True)
class Ratio:
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    deff: float | None


@dataclass(frozen=True)
class Share:
    estimate: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class Change:
    absolute: float
    relative: float | None
    ci_low: float
    ci_high: float
    relative_ci_low: float | None
    relative_ci_high: float | None


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def lonely_strata(clusters: Sequence[Cluster]) -> list[object]:
    """Strata with one visited establishment that is not the whole stratum (see the module)."""
    counts: dict[object, int] = {}
    for c in clusters:
        counts[c.stratum] = counts.get(c.stratum, 0) + 1
    return [s for s, n in counts.items() if n == 1 and next(c.frame_size for c in clusters if c.stratum == s) > 1]


def ratio(clusters: Sequence[Cluster], count: str) -> Ratio | None:
    """The weighted share of ``count`` (minors, under_16, borderline) among the people observed;
    None when nobody was observed (no division by zero)."""
    if not clusters:
        return None
    strata = np.array([str(c.stratum) for c in clusters])
    frame = np.array([c.frame_size for c in clusters], dtype=float)
    x = np.array([c.persons for c in clusters], dtype=float)
    y = np.array([getattr(c, count) for c in clusters], dtype=float)
    names, sampled = np.unique(strata, return_counts=True)
    n = sampled[np.searchsorted(names, strata)].astype(float)
    w = frame / n
    total_x = float(w @ x)
    if total_x <= 0:
        return None
    r = float(w @ y) / total_x
    d = w * (y - r * x) / total_x
    variance = 0.0
    grand_mean = float(d.mean())
    for name, size in zip(names, sampled, strict=True):
        mask = strata == name
        fpc = 1.0 - float(size) / float(frame[mask][0])
        if size > 1:
            variance += fpc * float(size) / float(size - 1) * float(((d[mask] - d[mask].mean()) ** 2).sum())
        else:
            variance += fpc * float(((d[mask] - grand_mean) ** 2).sum())
    se = math.sqrt(max(variance, 0.0))
    people = float(x.sum())
    simple = r * (1 - r) / people
    deff = variance / simple if simple > 0 else None
    return Ratio(r, se, _clip(r - Z * se), _clip(r + Z * se), deff)


def wilson(successes: int, trials: int) -> Share | None:
    """The unweighted share with its Wilson score interval (None for no trials)."""
    if trials <= 0:
        return None
    p = successes / trials
    centre = (p + Z * Z / (2 * trials)) / (1 + Z * Z / trials)
    half = Z / (1 + Z * Z / trials) * math.sqrt(p * (1 - p) / trials + Z * Z / (4 * trials * trials))
    return Share(p, _clip(centre - half), _clip(centre + half))


def change(current: Ratio, baseline: Ratio) -> Change:
    """The change from an independent baseline study: absolute (with its interval from the two
    variances added) and relative to the baseline (interval by the delta method)."""
    absolute = current.estimate - baseline.estimate
    se = math.sqrt(current.se**2 + baseline.se**2)
    relative = rel_low = rel_high = None
    if baseline.estimate > 0:
        relative = absolute / baseline.estimate
        rel_se = math.sqrt(
            current.se**2 / baseline.estimate**2 + current.estimate**2 * baseline.se**2 / baseline.estimate**4
        )
        rel_low, rel_high = relative - Z * rel_se, relative + Z * rel_se
    return Change(absolute, relative, absolute - Z * se, absolute + Z * se, rel_low, rel_high)


def agreement(pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]]) -> tuple[int, int]:
    """Joint observations that agree, out of all: a pair agrees when both observers counted the
    same minors and the same 15-and-under."""
    return sum(1 for first, second in pairs if first == second), len(pairs)
