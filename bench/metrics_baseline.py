"""Baselines for bench/metrics.sh over the same CSV rows.
  metrics_baseline.py sqlite-insert FILE  -> seconds to bulk-insert the rows into SQLite
  metrics_baseline.py rollup FILE         -> "DUCKDB_SECONDS SQLITE_SECONDS": daily mean/p95/max per
                                             series in DuckDB; daily mean/max in SQLite (median of 5)"""
import csv
import datetime
import sqlite3
import statistics
import sys
import tempfile
import time


def rows(path):
    with open(path) as f:
        reader = csv.reader(f)
        next(reader)
        for metric, system, at, value in reader:
            t = int(datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp())
            yield (f"{metric}/{system}", t, float(value))


def sqlite_insert(path):
    data = list(rows(path))
    with tempfile.TemporaryDirectory() as d:
        db = sqlite3.connect(f"{d}/bare.db")
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE point (series TEXT NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL)")
        start = time.perf_counter()
        db.executemany("INSERT INTO point VALUES (?, ?, ?)", data)
        db.commit()
        print(f"{time.perf_counter() - start:.3f}")


def median_of(run, n=5):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rollup(path):
    import duckdb
    duck = duckdb.connect()
    duck.execute(f"CREATE TABLE point AS SELECT * FROM read_csv('{path}', header=true)")
    duck_s = median_of(lambda: duck.execute(
        "SELECT metric, ai_system, date_trunc('day', time) AS day, avg(value), quantile_cont(value, 0.95), max(value) "
        "FROM point GROUP BY ALL").fetchall())
    lite = sqlite3.connect(":memory:")
    lite.execute("CREATE TABLE point (series TEXT NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL)")
    lite.executemany("INSERT INTO point VALUES (?, ?, ?)", rows(path))
    lite_s = median_of(lambda: lite.execute(
        "SELECT series, t / 86400 AS day, avg(v), max(v) FROM point GROUP BY series, day").fetchall(), 3)
    print(f"{duck_s:.4f} {lite_s:.4f}")


{"sqlite-insert": sqlite_insert, "rollup": rollup}[sys.argv[1]](sys.argv[2])
