"""Helpers for the export tests: validating manifests against the XSDs lmsctl ships, unzipping
packages, playing a package's course in a browser page."""

from __future__ import annotations

import functools
import json
import zipfile
from pathlib import Path
from typing import Any

XSD = Path(__file__).resolve().parent.parent / "lmsctl" / "targets" / "scorm" / "xsd"

#: namespace -> schema file, per format (what xsi:schemaLocation of the manifests names).
_SCHEMAS = {
    "scorm12": {
        "http://www.imsproject.org/xsd/imscp_rootv1p1p2": "imscp_rootv1p1p2.xsd",
        "http://www.adlnet.org/xsd/adlcp_rootv1p2": "adlcp_rootv1p2.xsd",
        # imsmd_rootv1p2p1.xsd is not loaded: libxml2 rejects its content model as not
        # deterministic, and lmsctl's manifests have no IMS metadata records.
    },
    "scorm2004": {
        "http://www.imsglobal.org/xsd/imscp_v1p1": "imscp_v1p1.xsd",
        "http://www.adlnet.org/xsd/adlcp_v1p3": "adlcp_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlseq_v1p3": "adlseq_v1p3.xsd",
        "http://www.adlnet.org/xsd/adlnav_v1p3": "adlnav_v1p3.xsd",
        "http://www.imsglobal.org/xsd/imsss": "imsss_v1p0.xsd",
    },
}


@functools.cache
def schema(fmt: str):  # type: ignore[no-untyped-def]
    """One XMLSchema that imports every namespace a manifest of ``fmt`` uses (lxml validates a
    document against one schema object)."""
    from lxml import etree

    folder = XSD / fmt
    # The xml: namespace (xml:lang) comes first from W3C's xml.xsd (shipped with the 2004
    # schemas): libxml2 rejects SCORM 1.2's ims_xml.xsd, which declares that namespace as its
    # default, and imports each namespace once, so the 1.2 schemas use the same definition.
    imports = (f'<xs:import namespace="http://www.w3.org/XML/1998/namespace" '
               f'schemaLocation="{(XSD / "scorm2004" / "xml.xsd").as_uri()}"/>')
    imports += "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(folder / f).as_uri()}"/>'
        for ns, f in _SCHEMAS[fmt].items())
    driver = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" '
              f'targetNamespace="urn:lmsctl:driver">{imports}</xs:schema>')
    parser = etree.XMLParser(no_network=True, load_dtd=True, resolve_entities=False)
    doc = etree.fromstring(driver.encode(), parser, base_url=(folder / "driver.xsd").as_uri())
    return etree.XMLSchema(doc)


def manifest_errors(fmt: str, xml: bytes) -> list[str]:
    """Every problem of the manifest against the SCORM XSDs ([] when it is valid)."""
    from lxml import etree

    doc = etree.fromstring(xml, etree.XMLParser(no_network=True, resolve_entities=False))
    s = schema(fmt)
    if s.validate(doc):
        return []
    return [f"{e.line}:{e.column}: {e.message}" for e in s.error_log]


def unzip(zip_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(dest)
    return dest


def package_data(folder: Path) -> dict[str, Any]:
    """The course data an unzipped package's launch page carries (lessons, questions)."""
    launch = (folder / "index.html").read_text(encoding="utf-8")
    blob = launch.split('id="lmsctl-package">', 1)[1].split("</script>", 1)[0]
    data: dict[str, Any] = json.loads(blob.replace("<\\/", "</"))
    return data


def content(page: Any) -> Any:
    """The course's frame inside the launch page's frame."""
    for _ in range(100):
        for frame in page.frames:
            if frame.parent_frame is not None and "/courses/" in frame.url:
                return frame
        page.wait_for_timeout(50)
    raise AssertionError("the course did not open inside the launch page")


def answer_all(page: Any, data: dict[str, Any], right: bool) -> None:
    frame = content(page)
    launch_url = frame.url.rsplit("/courses/", 1)[0] + "/"
    for lesson in data["lessons"]:
        questions = [q for q in data["questions"] if q["lesson"] == lesson["id"]]
        if not questions:
            continue
        frame.goto(launch_url + lesson["url"])
        frame.wait_for_load_state("load")
        for q in questions:
            wanted = q["correct"] if right else [
                next(c for c in q["choices"] if c not in q["correct"])]
            fs = frame.locator(f'[data-lmsctl-lesson="{lesson["id"]}"]'
                               f'[data-lmsctl-question="{q["question"]}"]')
            for i, choice in enumerate(q["choices"]):
                box = fs.locator(f'input[value="{i}"]')
                if (choice in wanted) != box.is_checked():
                    box.click()
            fs.locator("[data-lmsctl-check]").click()
            expected = "correct" if right else "incorrect"
            assert fs.get_attribute("data-lmsctl-result") == expected
