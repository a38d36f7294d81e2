"""Suite-wide settings: Hypothesis profiles.

Profiles (choose with HYPOTHESIS_PROFILE or --hypothesis-profile):
  ci       the default: sized so the property tests together run more than
           20,000 examples within a few minutes on 2 cores
  nightly  ten times as many examples, no deadline
  dev      a quick local check
"""
import os

from hypothesis import HealthCheck, settings

_common = dict(
    deadline=None,  # shared CI machines are noisy: never fail on time
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=False,
    print_blob=True,
)
settings.register_profile("ci", max_examples=2500, **_common)
settings.register_profile("nightly", max_examples=25000, **_common)
settings.register_profile("dev", max_examples=200, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
