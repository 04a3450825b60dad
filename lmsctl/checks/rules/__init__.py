"""The lint rule groups, one module each: LMS3xx ``content``, LMS4xx ``quiz``, LMS5xx
``accessibility``, LMS6xx ``safety``, LMS7xx ``governance``, LMS8xx ``freshness``. The validation
rules (LMS1xx files and schemas, LMS2xx references) are data of ``lmsctl.core.spine``, since the
loader reports them. ``lmsctl.checks.registry`` lists every group explicitly."""
