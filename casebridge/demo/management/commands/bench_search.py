"""Name-search quality on the labelled benchmark (``casebridge.demo.search_benchmark``): recall@1/5/10
and MRR per category, for casebridge's search and for the naive baseline, against the targets.
Run on an empty database (``make bench-search`` makes one)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from casebridge.demo import search_benchmark as benchmark
from casebridge.people.models import Person

TARGETS = {"recall@5 overall": 0.98, "recall@5 each category": 0.95, "recall@1 overall": 0.90}


class Command(BaseCommand):
    help = "Measure name search on the labelled benchmark, beside a naive baseline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=20261201)
        parser.add_argument("--background", type=int, default=benchmark.BACKGROUND)
        parser.add_argument("--per-category", type=int, default=benchmark.PER_CATEGORY)
        parser.add_argument("--output", default="")
        parser.add_argument("--show-misses", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from casebridge.cases.actions import do_open_case
        from casebridge.lib.testing import build_world
        from casebridge.people.actions import clean_identity
        from casebridge.people.search import search_people

        if Person.objects.exists():
            raise CommandError("Run on an empty database: the benchmark registers its own people.")
        data = benchmark.build(options["seed"], options["background"], options["per_category"])
        started = time.monotonic()
        with transaction.atomic():
            world = build_world()
            user, agency = world.social_worker, world.agencies["JPC"]
            for person in data.people:
                case = do_open_case(
                    actor=user,
                    agency=agency,
                    identity=clean_identity(person.identity),
                    province="KH-12",
                    opened_on=timezone.localdate(),
                )
                person.pk = case.survivor_id
        self.stdout.write(f"{len(data.people) + 1} people registered in {time.monotonic() - started:.0f} s")

        everyone = [(p.pk, p.name_variants()) for p in Person.objects.order_by("created_at", "pk")]
        baseline = benchmark.baseline_ranker(everyone)
        ours: dict[str, benchmark.Scores] = {c: benchmark.Scores() for c in ("overall", *benchmark.CATEGORIES)}
        naive: dict[str, benchmark.Scores] = {c: benchmark.Scores() for c in ours}
        timings, misses = [], []
        for query in data.queries:
            began = time.perf_counter()
            found = [h.person.pk for h in search_people(user, query.text, limit=10)]
            timings.append(time.perf_counter() - began)
            rank = benchmark.rank_of(query.target.pk, found)
            base = benchmark.rank_of(query.target.pk, baseline(query.text))
            for scores, value in ((ours, rank), (naive, base)):
                scores["overall"].add(value)
                scores[query.category].add(value)
            if rank != 1:
                misses.append((query, rank, found[:3]))
        self._report(ours, naive, timings)
        if options["show_misses"]:
            names = {p.pk: p.display_name() for p in Person.objects.all()}
            for query, rank, top in misses:
                self.stdout.write(
                    f"  {query.category}: {query.text!r} → {names[query.target.pk]!r} rank {rank};"
                    f" first {[names[pk] for pk in top]}"
                )
        if options["output"]:
            out = Path(options["output"])
            out.parent.mkdir(parents=True, exist_ok=True)
            result = {
                "casebridge": {c: s.as_dict() for c, s in ours.items()},
                "baseline": {c: s.as_dict() for c, s in naive.items()},
            }
            out.write_text(json.dumps(result, indent=2) + "\n")

    def _report(
        self, ours: dict[str, benchmark.Scores], naive: dict[str, benchmark.Scores], timings: list[float]
    ) -> None:
        self.stdout.write(
            f"{'category':32} {'n':>4}  {'R@1':>5} {'R@5':>5} {'R@10':>5} {'MRR':>5}   baseline R@1 R@5 R@10 MRR"
        )
        for category in ours:
            a, b = ours[category].as_dict(), naive[category].as_dict()
            mine, theirs = (a["recall@5"], a["mrr"]), (b["recall@5"], b["mrr"])
            ahead = "ahead" if mine > theirs else "equal" if mine == theirs else "BEHIND"
            self.stdout.write(
                f"{category:32} {a['queries']:>4}  {a['recall@1']:5.3f} {a['recall@5']:5.3f} {a['recall@10']:5.3f}"
                f" {a['mrr']:5.3f}   {b['recall@1']:5.3f} {b['recall@5']:5.3f} {b['recall@10']:5.3f}"
                f" {b['mrr']:5.3f}  {ahead}"
            )
        overall = ours["overall"].as_dict()
        each = min(s.as_dict()["recall@5"] for c, s in ours.items() if c != "overall")
        figures = {
            "recall@5 overall": overall["recall@5"],
            "recall@5 each category": each,
            "recall@1 overall": overall["recall@1"],
        }
        for name, target in TARGETS.items():
            verdict = "met" if figures[name] >= target else "MISSED"
            self.stdout.write(f"{name}: {figures[name]:.3f} (target ≥ {target}) {verdict}")
        timings.sort()
        p50, p95 = timings[len(timings) // 2], timings[int(len(timings) * 0.95)]
        self.stdout.write(
            f"search time (SQLite, {len(timings)} queries): p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
        )
