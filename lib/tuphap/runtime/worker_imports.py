"""What every build worker needs, imported once by the build's fork server (batch.py) before the workers
fork from it: preloading a module is how a fork server is told what to import."""
from tuphap.runtime.startup import skip_unused_imports

skip_unused_imports()  # before nbformat's jsonschema is imported

from tuphap.runtime import batch  # noqa: E402  (the workers' entry points)
from tuphap.runtime.execute import import_report_modules  # noqa: E402

import_report_modules()
__all__ = ["batch"]
