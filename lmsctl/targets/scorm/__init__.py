"""Exports of one course as a package for another LMS (DESIGN section 10): SCORM 1.2, SCORM
2004 4th edition, and an xAPI (TinCan) launched package.

``package`` builds the course with the site pipeline in package mode and keeps its pages and
the files they use; ``manifest`` writes ``imsmanifest.xml`` / ``tincan.xml``; ``export`` checks
the content like ``lmsctl build`` and writes each zip atomically.
"""
