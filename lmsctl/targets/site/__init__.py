"""The learning site: compile the model into an MkDocs docs tree, render it with MkDocs and
mkdocs-material in-process, publish it atomically (DESIGN sections 3 and 5).

``lmsctl.targets.site.pipeline.build_site`` is the entry point; ``lmsctl build`` and
``lmsctl serve`` are thin wrappers around it.
"""
