"""Fast schema validators generated from lmsctl/schemas/ by ``python -m lmsctl.core.schema``
(see lmsctl.core.schema.pregenerated); do not edit."""
