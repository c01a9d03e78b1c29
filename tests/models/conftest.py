"""Settings for the core's tests when mutation testing runs them (benchmarks/mutation_score.py).

mutmut traces every call while it learns which tests reach which function, which makes
property tests many times slower: under `--hypothesis-profile=mutation` a slow example
is not a failure, only a wrong one is.
"""

from hypothesis import settings

settings.register_profile("mutation", deadline=None)
