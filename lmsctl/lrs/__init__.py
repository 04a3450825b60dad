"""The embedded LRS (``lmsctl lrs``): Ralph with lmsctl's file backend.

``server`` (lmsctl's side) prepares a data folder, accounts and Ralph's environment and starts
Ralph; ``ralph_backend`` and ``ralph_boot`` run inside Ralph's own environment and import nothing
else from lmsctl. Keep this file free of imports: Ralph imports the package too.
"""
