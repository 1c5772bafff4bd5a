"""What the cms app offers the other apps: the official documents' settings (cms.OfficialDocumentSettings)
and the date line of a Party document."""

import datetime
from dataclasses import dataclass

from wagtail.models import Site

from .models import OfficialDocumentSettings


@dataclass(frozen=True)
class OfficialDocuments:
    province_name: str
    superior_body: str
    issuing_body: str
    issuing_body_abbreviation: str
    place_name: str
    on_behalf_line: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...]
    certificate_signer_title: str
    certificate_signer_name: str
    seal_image: bytes | None  # PNG or JPEG bytes, read from private storage

    @property
    def certificate_issuer(self) -> str:
        """The body that issues certificates, with the province: 'Ủy ban Kiểm tra Tỉnh ủy Quảng Ninh'."""
        return f"{self.issuing_body} {self.superior_body}"


def official_documents(site: Site | None = None) -> OfficialDocuments:
    """The settings of `site` (the default site when None, as in background tasks). A site without
    saved settings gets the defaults (the demo province); no site at all gives the defaults unsaved."""
    site = site or Site.objects.filter(is_default_site=True).first()
    row = OfficialDocumentSettings.for_site(site) if site else OfficialDocumentSettings()
    seal = None
    if row.seal_image:
        with row.seal_image.open("rb") as file:
            seal = file.read()
    return OfficialDocuments(
        province_name=row.province_name, superior_body=row.superior_body, issuing_body=row.issuing_body,
        issuing_body_abbreviation=row.issuing_body_abbreviation, place_name=row.place_name,
        on_behalf_line=row.on_behalf_line, signer_title=row.signer_title, signer_name=row.signer_name,
        recipients=tuple(line.strip() for line in row.recipients.splitlines() if line.strip()),
        certificate_signer_title=row.certificate_signer_title, certificate_signer_name=row.certificate_signer_name,
        seal_image=seal,
    )


def date_line(place: str, day: datetime.date) -> str:
    """'Quảng Ninh, ngày 05 tháng 01 năm 2026' (Hướng dẫn 36-HD/VPTW): days below 10 and the months
    January and February take a leading zero, the other months do not ('ngày 03 tháng 3')."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
