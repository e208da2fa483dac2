"""Deterministic metric points for bench/metrics.sh: N points over 25 series (the small demo's
first five AI systems x its five metrics), one point a minute per series, ending now (or DAYS_AGO
days ago, to keep them apart from the demo's own recent points).
Usage: metrics_data.py N OUT.csv [DAYS_AGO]"""
import datetime
import random
import sys

SYSTEMS = ["Credit scorer", "Support assistant", "Fraud detector", "Document classifier", "Churn predictor"]
METRICS = [("drift.psi", 0.04, 0.02), ("accuracy", 0.91, 0.01), ("fairness.gap", 0.03, 0.01),
           ("latency.p95", 300.0, 60.0), ("toxicity.rate", 0.002, 0.001)]


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    per_series = n // (len(SYSTEMS) * len(METRICS))
    days_ago = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    end = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    end -= datetime.timedelta(days=days_ago)
    rng = random.Random(20261202)
    stamps = [(end - datetime.timedelta(minutes=per_series - i)).strftime("%Y-%m-%dT%H:%M:%SZ")
              for i in range(per_series)]
    with open(out, "w") as f:
        f.write("metric,ai_system,time,value\n")
        for system in SYSTEMS:
            for key, base, noise in METRICS:
                lines = [f"{key},{system},{t},{base + noise * (2 * rng.random() - 1):.6f}\n" for t in stamps]
                f.writelines(lines)


main()
