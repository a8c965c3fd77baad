"""Attachments through the REST API: real files made with Pillow, checked by content, stored, owned, and
measured by the pre-check (a photo that displays portrait is portrait, whatever the document says)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from PIL import Image

from .conftest import Api, User, filing_doc

V1 = "/api/v1"
SHANGHAI = "310000"


def jpeg(size: tuple[int, int] = (1600, 1000), *, orientation: int | None = None, noise: bool = False) -> bytes:
    image = Image.effect_noise(size, 60).convert("RGB") if noise else Image.new("RGB", size, (200, 210, 220))
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size: tuple[int, int] = (900, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, 128).save(out, "PNG")
    return out.getvalue()


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels (a decompression bomb's header)."""
    data = png((1, 1))
    ihdr = struct.pack(">II", width, height) + data[24:29]
    chunk = b"IHDR" + ihdr
    return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]


def upload(user: User, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> Any:
    return user.post(f"{V1}/attachments", files={"file": (name, data, content_type)})


def uploaded(user: User, data: bytes, name: str = "photo.jpg") -> dict[str, Any]:
    response = upload(user, data, name)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# ----- what is accepted ----------------------------------------------------------------------------

def test_a_landscape_jpeg_is_stored_and_its_size_measured(api: Api) -> None:
    data = jpeg((1600, 1000))
    body = uploaded(api.users["filer-a"], data)
    assert body["file"].startswith("stored:") and len(body["file"]) == len("stored:") + 64
    assert (body["format"], body["width"], body["height"], body["size_bytes"]) == ("JPEG", 1600, 1000, len(data))


def test_a_jpeg_stored_landscape_with_exif_orientation_6_is_measured_as_it_displays_portrait(api: Api) -> None:
    body = uploaded(api.users["filer-a"], jpeg((1600, 1000), orientation=6))
    assert (body["width"], body["height"]) == (1000, 1600)


def test_a_png_and_a_pdf_are_accepted_by_a_service_provider_key_too(api: Api) -> None:
    provider = api.users["provider"]
    image = uploaded(provider, png((900, 1200)), "scan.png")
    letter = uploaded(provider, PDF, "授权书.pdf")
    assert (image["format"], image["width"], image["height"]) == ("PNG", 900, 1200)
    assert (letter["format"], letter["width"], letter["height"]) == ("PDF", None, None)


def test_the_same_file_uploaded_twice_is_the_same_stored_object(api: Api) -> None:
    data = jpeg()
    assert uploaded(api.users["filer-a"], data)["file"] == uploaded(api.users["filer-a"], data, "again.jpg")["file"]


# ----- what is refused -----------------------------------------------------------------------------

def test_a_gif_renamed_jpg_is_refused_by_its_content_not_its_name(api: Api) -> None:
    out = io.BytesIO()
    Image.new("RGB", (800, 600)).save(out, "GIF")
    response = upload(api.users["filer-a"], out.getvalue(), "photo.jpg", "image/jpeg")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "attachment_refused" and body["reason"] == "unsupported_type"
    assert "JPG、PNG 或 PDF" in body["detail"] and "photo.jpg" in body["detail"]


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(api: Api) -> None:
    limit = api.runtime.settings.max_upload_bytes
    response = upload(api.users["filer-a"], b"\xff\xd8\xff" + b"\0" * limit)
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "attachment_too_large" and body["max_bytes"] == limit
    assert "10 MB" in body["detail"]


def test_a_file_just_over_the_limit_inside_the_envelope_is_refused_by_the_service_too(api: Api) -> None:
    limit = api.runtime.settings.max_upload_bytes
    response = upload(api.users["filer-a"], b"\xff\xd8\xff" + b"\0" * (limit - 2))  # limit + 1 bytes
    assert response.status_code == 413
    assert "超过上限 10 MB" in response.json()["detail"]


def test_a_truncated_jpeg_is_refused_as_undecodable(api: Api) -> None:
    data = jpeg((800, 600), noise=True)
    response = upload(api.users["filer-a"], data[: len(data) // 2])
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["reason"] == "undecodable" and "无法解码" in body["detail"]


def test_an_image_over_the_pixel_cap_is_refused_from_its_header_before_decoding(api: Api) -> None:
    response = upload(api.users["filer-a"], png_claiming(8000, 8000), "scan.png", "image/png")
    assert response.status_code == 422
    body = response.json()
    assert body["reason"] == "too_many_pixels" and "40000000" in body["detail"]


def test_a_decompression_bomb_is_refused_without_being_decoded(api: Api) -> None:
    bomb = png_claiming(60_000, 60_000)  # 3.6 billion pixels in a few dozen bytes
    assert len(bomb) < 100
    response = upload(api.users["filer-a"], bomb, "bomb.png", "image/png")
    assert response.status_code == 422
    assert response.json()["reason"] == "too_many_pixels"


def test_an_upload_without_a_file_field_or_not_multipart_is_a_client_error(api: Api) -> None:
    filer = api.users["filer-a"]
    missing = filer.post(f"{V1}/attachments", files={"other": ("a.pdf", PDF, "application/pdf")})
    assert missing.status_code == 422 and missing.json()["code"] == "invalid_request"
    as_json = filer.post(f"{V1}/attachments", json={"file": "x"})
    assert as_json.status_code == 415


def test_staff_cannot_upload(api: Api) -> None:
    assert upload(api.users["reviewer"], PDF, "a.pdf").status_code == 403


# ----- who may read it -----------------------------------------------------------------------------

def test_the_owner_downloads_the_original_bytes_with_their_content_type(api: Api) -> None:
    data = jpeg()
    file = uploaded(api.users["filer-a"], data)["file"]
    for ref in (file, file.removeprefix("stored:")):
        response = api.users["filer-a"].get(f"{V1}/attachments/{ref}")
        assert response.status_code == 200
        assert response.content == data and response.headers["content-type"] == "image/jpeg"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_another_tenant_cannot_read_it_and_is_not_told_it_exists(api: Api) -> None:
    file = uploaded(api.users["filer-a"], jpeg())["file"]
    for who in ("filer-b", "provider"):
        response = api.users[who].get(f"{V1}/attachments/{file}")
        assert response.status_code == 404, who
    unknown = api.users["filer-b"].get(f"{V1}/attachments/stored:{'0' * 64}")
    assert unknown.status_code == 404 and unknown.json()["code"] == response.json()["code"]


def test_a_reviewer_reads_any_attachment_and_the_read_is_audited_but_an_auditor_may_not(api: Api) -> None:
    data = png()
    file = uploaded(api.users["filer-a"], data, "scan.png")["file"]
    response = api.users["reviewer"].get(f"{V1}/attachments/{file}")
    assert response.status_code == 200 and response.content == data
    assert api.users["auditor"].get(f"{V1}/attachments/{file}").status_code == 403
    audit = api.users["operator"].get(f"{V1}/audit").json()
    assert any(e["action"] == "attachment_read" and e["target"] == file.removeprefix("stored:")
               and e["account_id"] == api.users["reviewer"].account_id for e in audit)


@pytest.mark.parametrize("bad", ["..%2F..%2Fetc%2Fpasswd", "stored:..", "x" * 64, "stored:" + "A" * 64])
def test_a_malformed_id_is_simply_not_found(api: Api, bad: str) -> None:
    assert api.users["reviewer"].get(f"{V1}/attachments/{bad}").status_code == 404


# ----- the pre-check measures the uploaded files ---------------------------------------------------

def _shanghai_with_id_photo(file: str) -> dict[str, Any]:
    doc = filing_doc(seq=7, province=SHANGHAI)
    front = next(a for a in doc["attachments"] if a["kind"] == "id_front")
    front["file"] = file  # the document still declares 1600×1000: the measured file wins
    return doc


def _rules(report: dict[str, Any]) -> set[str]:
    return {f["rule"] for f in report["findings"]}


def test_a_shanghai_filing_whose_id_photo_displays_portrait_is_blocked_by_the_landscape_rule(api: Api) -> None:
    filer = api.users["filer-a"]
    rotated = uploaded(filer, jpeg((1600, 1000), orientation=6))["file"]
    report = filer.post(f"{V1}/precheck", json={"document": _shanghai_with_id_photo(rotated)}).json()
    assert report["verdict"] == "blocked"
    assert "province.attachments.landscape" in _rules(report)
    finding = next(f for f in report["findings"] if f["rule"] == "province.attachments.landscape")
    assert finding["field"] == "attachments[1].file" and "1000×1600" in finding["message"]


def test_the_same_shanghai_filing_with_the_landscape_upload_passes(api: Api) -> None:
    filer = api.users["filer-a"]
    landscape = uploaded(filer, jpeg((1600, 1000)))["file"]
    report = filer.post(f"{V1}/precheck", json={"document": _shanghai_with_id_photo(landscape)}).json()
    assert report["verdict"] == "ready", report["findings"]
    assert not _rules(report) & {"province.attachments.landscape", "nationwide.attachment_readable"}


def test_a_stored_file_that_does_not_exist_is_reported_unreadable(api: Api) -> None:
    doc = _shanghai_with_id_photo(f"stored:{'0' * 64}")
    report = api.users["filer-a"].post(f"{V1}/precheck", json={"document": doc}).json()
    assert "nationwide.attachment_readable" in _rules(report)


def test_a_saved_filing_is_prechecked_and_refused_at_submission_on_its_uploaded_photo(api: Api) -> None:
    filer = api.users["filer-a"]
    rotated = uploaded(filer, jpeg((1600, 1000), orientation=6))["file"]
    created = filer.post(f"{V1}/filings", json={"document": _shanghai_with_id_photo(rotated)}).json()
    stored = filer.get(f"{V1}/filings/{created['id']}/precheck").json()
    assert "province.attachments.landscape" in _rules(stored)
    face = filer.post(f"{V1}/filings/{created['id']}/face")  # the principal's face verification passes
    assert face.status_code == 201, face.text
    filer.get(f"{V1}/filings/{created['id']}/face")
    refused = filer.post(f"{V1}/filings/{created['id']}/submit", json={"version": created["version"]})
    assert refused.status_code == 422, refused.text
    assert refused.json()["code"] == "precheck_blocked"
    assert "province.attachments.landscape" in _rules(refused.json()["report"])
