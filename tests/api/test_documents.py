"""Letters for a filing's case, and the platform importers, through the API."""

from __future__ import annotations

from .conftest import Api, filing_doc

V1 = "/api/v1"


def test_a_filing_lists_the_letters_its_case_needs_and_renders_them(api: Api) -> None:
    doc = filing_doc(province="440000")
    doc["subject"]["certificate"]["business_scope"] = "投资管理；技术开发。"
    app = api.users["filer-a"].post(f"{V1}/filings", json={"document": doc}).json()
    listed = api.users["filer-a"].get(f"{V1}/filings/{app['id']}/letters").json()
    templates = [item["template"] for item in listed]
    assert "non_involvement_commitment" in templates  # the finance keyword, not yet answered
    pdf = api.users["filer-a"].get(f"{V1}/filings/{app['id']}/letters/guangdong_filing_commitment.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = api.users["filer-a"].get(f"{V1}/filings/{app['id']}/letters/non_involvement_commitment.docx")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    unknown = api.users["filer-a"].get(f"{V1}/filings/{app['id']}/letters/no_such_letter.pdf")
    assert unknown.status_code == 422 and "subject_principal_authorization" in unknown.json()["detail"]
    log = api.users["auditor"].get(f"{V1}/audit").json()
    assert any(entry["action"] == "letter_generated" for entry in log)


def test_a_wechat_body_imports_into_a_filing_document_with_a_report_of_what_did_not_map(api: Api) -> None:
    body = {
        "icp_subject": {
            "base_info": {"type": 5, "name": "张三", "province": "110000", "city": "110100", "district": "110105",
                          "address": "高碑店路181号1栋12345室", "comment": ""},
            "organize_info": {"certificate_type": 2, "certificate_number": "110105199001011234"},
            "principal_info": {"name": "张三", "mobile": "13012344321", "email": "zhangsan@example.com",
                               "emergency_contact": "17743211234", "certificate_type": 2,
                               "certificate_number": "110105199001011234"},
        },
        "icp_applets": {"base_info": {"nrlx_details": [{"type": 6}]}},
        "icp_materials": {},
    }
    result = api.users["provider"].post(f"{V1}/import/wechat", json=body)
    assert result.status_code == 200, result.text
    data = result.json()
    assert data["document"]["subject"]["nature"] == "individual"
    assert any("nrlx_details" in item["path"] for item in data["unmapped"])
