"""Helpers for the export tests: validating manifests against the XSDs lmsctl ships, unzipping
packages."""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

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
