"""pelx.bench — the benchmark demo: ``python -m pelx.bench``.

Times pelx against NumPy and numexpr on the same work (elementwise math,
fused expressions, reductions) over array sizes and thread counts, measures
the machine's memory-bandwidth ceiling in the same run, and writes a table,
a JSON file and a PNG plot. The pytest-benchmark suites in ``benchmarks/``
reuse the cases defined in :mod:`pelx.bench.cases`.

Modules
-------
cases    the benchmark cases as data
runner   timing (warm-up, calibrated loops, median of repeats), thread control
stream   the bandwidth ceiling (STREAM-like copy and triad through the pool)
report   rows, the text table, the JSON file
machine  CPU, cores, versions and pelx configuration for the JSON
suite    helpers for the pytest-benchmark suites in benchmarks/
plot     the PNG (matplotlib, imported only when a plot is drawn)
"""
