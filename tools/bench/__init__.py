"""`make bench`: understanding quality against two baselines, REST latency and throughput, resources.

One concern per module: data (phrasings, folds, training files), noise (noisy test copy), systems (the
three compared pipelines), scores and quality (part 1), load and scenarios.yml (part 2), plain_bot
(the overhead reference), resources (part 3), profiling and analysis (part 4), machine, report, run.
"""
