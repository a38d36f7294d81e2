"""Suite-wide settings: Hypothesis profiles.

Profiles (choose with HYPOTHESIS_PROFILE or --hypothesis-profile):
  ci       the default: sized so the property tests together run more than
           20,000 examples within a few minutes on 2 cores; derandomized, so
           a CI run is reproducible and fails only on a real regression
  nightly  ten times as many examples, freshly random each run: the
           exploring profile (a failure it finds is a new bug)
  dev      a quick check (also the ASan run in CI), derandomized too
"""
import os

from hypothesis import HealthCheck, settings

_common = dict(
    deadline=None,  # shared CI machines are noisy: never fail on time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci", max_examples=2500, derandomize=True,
                          **_common)
settings.register_profile("nightly", max_examples=25000, **_common)
settings.register_profile("dev", max_examples=200, derandomize=True,
                          **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
