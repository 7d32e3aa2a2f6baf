"""tuphap: builds the yearly commune justice report from data files, one notebook per section."""
from tuphap.rollup_section import open_rollup
from tuphap.section import open_section

__version__ = "0.1.0"
__all__ = ["open_rollup", "open_section", "__version__"]
