"""archstats: exact per-layer params, MACs, FLOPs, activation memory and receptive field of CNNs."""

from .errors import ArchstatsError, ModelLoadError, ModelRunError, UncountedOpsError, UsageError
from .profile import CONVENTIONS, Profile, Totals, layer_columns, profile

__version__ = "0.1.0"

__all__ = [
    "ArchstatsError",
    "CONVENTIONS",
    "ModelLoadError",
    "ModelRunError",
    "Profile",
    "Totals",
    "UncountedOpsError",
    "UsageError",
    "layer_columns",
    "profile",
    "__version__",
]
