"""archstats: exact per-layer params, MACs, FLOPs, activation memory and receptive field of CNNs."""

from .errors import ArchstatsError, ModelLoadError, ModelRunError, UncountedOpsError, UsageError
from .profile import CONVENTIONS, Profile, Totals, layer_columns, profile
from .rules import Count, Rule, register_rule, registered_ops, unregister_rule

__version__ = "0.1.0"

__all__ = [
    "CONVENTIONS",
    "ArchstatsError",
    "Count",
    "ModelLoadError",
    "ModelRunError",
    "Profile",
    "Rule",
    "Totals",
    "UncountedOpsError",
    "UsageError",
    "__version__",
    "layer_columns",
    "profile",
    "register_rule",
    "registered_ops",
    "unregister_rule",
]
