"""``imsmanifest.xml`` (SCORM 1.2 and 2004 4th edition) and ``tincan.xml`` for one course.

The manifests are valid against the XSDs shipped in ``xsd/`` (the tests validate every one).
One organization holds one item: the course, a single SCO launched at ``index.html`` (the
package's launch page, which shows the course's start page). Mastery comes from ``pass_mark``:
``adlcp:masteryscore`` (1.2) and ``imsss:minNormalizedMeasure`` with ``satisfiedByMeasure``
(2004).
"""

from __future__ import annotations

from collections.abc import Iterable
from xml.sax.saxutils import escape, quoteattr

from lmsctl.core.ids import course_iri
from lmsctl.core.model import Course

FORMATS = ("scorm12", "scorm2004", "xapi")
LAUNCH = "index.html"
#: Control documents shipped at the root of each SCORM package (ADL's conformance rules).
SCHEMA_FILES = {
    "scorm12": ["adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd",
                "imsmd_rootv1p2p1.xsd"],
    "scorm2004": ["adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd", "datatypes.dtd",
                  "imscp_v1p1.xsd", "imsss_v1p0.xsd", "imsss_v1p0auxresource.xsd",
                  "imsss_v1p0control.xsd", "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd",
                  "imsss_v1p0objective.xsd", "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd",
                  "imsss_v1p0seqrule.xsd", "imsss_v1p0util.xsd", "xml.xsd", "XMLSchema.dtd"],
    "xapi": [],
}
_LOC_12 = " ".join([
    "http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd",
    "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd",
    "http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd"])
_LOC_2004 = " ".join([
    "http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd",
    "http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd",
    "http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd"])
#: SCORM 1.2 limits titles to 200 characters (imscp_rootv1p1p2.xsd).
_TITLE_MAX = 200


def identifier(course: Course) -> str:
    """An xsd:ID for the course (course ids may start with a digit; IDs may not)."""
    return f"lmsctl-{course.id}"


def _title(course: Course) -> str:
    title = course.title.strip() or course.id
    return escape(title if len(title) <= _TITLE_MAX else title[: _TITLE_MAX - 1] + "…")


def _files(files: Iterable[str]) -> str:
    return "".join(f"\n      <file href={quoteattr(f)}/>" for f in files)


def scorm12(course: Course, files: Iterable[str]) -> str:
    ident = identifier(course)
    title = _title(course)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}" version="1.0"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{_LOC_12}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="{ident}-org">
    <organization identifier="{ident}-org">
      <title>{title}</title>
      <item identifier="{ident}-item" identifierref="{ident}-sco" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>{course.pass_mark}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{ident}-sco" type="webcontent" adlcp:scormtype="sco"
              href="{LAUNCH}">{_files(files)}
    </resource>
  </resources>
</manifest>
"""


def _measure(pass_mark: int) -> str:
    """pass_mark (0..100) as a normalized measure (0.0..1.0), without float noise."""
    whole, part = divmod(pass_mark, 100)
    return f"{whole}.{part:02d}".rstrip("0").rstrip(".") if part else f"{whole}.0"


def scorm2004(course: Course, files: Iterable[str]) -> str:
    ident = identifier(course)
    title = _title(course)
    measure = _measure(course.pass_mark)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{ident}" version="1.0"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{_LOC_2004}">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="{ident}-org">
    <organization identifier="{ident}-org">
      <title>{title}</title>
      <item identifier="{ident}-item" identifierref="{ident}-sco">
        <title>{title}</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="{ident}-mastery" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{measure}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
          <imsss:deliveryControls completionSetByContent="true" objectiveSetByContent="true"/>
        </imsss:sequencing>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="{ident}-sco" type="webcontent" adlcp:scormType="sco"
              href="{LAUNCH}">{_files(files)}
    </resource>
  </resources>
</manifest>
"""


def tincan(course: Course, activity_base: str) -> str:
    """``tincan.xml``: the course activity (same IRI as the site's statements) launched at
    ``index.html``; the LMS appends ``endpoint``, ``auth``, ``actor`` and ``registration``."""
    iri = course_iri(activity_base, course.id)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd">
  <activities>
    <activity id={quoteattr(iri)} type="http://adlnet.gov/expapi/activities/course">
      <name>{_title(course)}</name>
      <description lang={quoteattr(course.language or "en")}>{escape(course.summary)}</description>
      <launch lang={quoteattr(course.language or "en")}>{LAUNCH}</launch>
    </activity>
  </activities>
</tincan>
"""


def manifest(fmt: str, course: Course, files: Iterable[str],
             activity_base: str) -> tuple[str, str]:
    """(file name, text) of the package's manifest."""
    if fmt == "scorm12":
        return "imsmanifest.xml", scorm12(course, files)
    if fmt == "scorm2004":
        return "imsmanifest.xml", scorm2004(course, files)
    return "tincan.xml", tincan(course, activity_base)
