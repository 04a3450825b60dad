"""lmsctl: collaborative learning as code.

The package is a library first: ``loader`` reads a course repository into an immutable model,
``validate`` and ``lint`` turn it into diagnostics, ``site`` builds the learning site. The click
CLI in ``cli`` is a thin layer over these.
"""

__version__ = "0.1.0"
