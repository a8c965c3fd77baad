"""Mutations of the people (负责人): identity documents and their validity, phones, e-mail, principals and the
legal representative. Each mutation edits `doc` in place (and may add image facts).
"""

from __future__ import annotations

import copy
import random

from icpflow.testing import make_person, make_resident_id

from .common import Doc, Facts, _district, _flip_last, _full, _principal, _someone


def m_id_number(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    number = str(p["id_number"])
    choices = [
        _flip_last(number),
        number[:15],
        number[:3] + "\uff11" + number[4:],
        number[:3] + "\u200b" + number[4:],
        number.lower() if number.endswith("X") else number + " ",
        "",
        "  ",
        "abc",
        make_resident_id("999999"),
        make_resident_id("810000"),
        make_resident_id("830000"),
        make_resident_id("990000"),
        make_resident_id(_district(rng), birth="20991231"),
        make_resident_id(_district(rng), birth="18991231"),
        make_resident_id(_district(rng), birth="19900231"),
        make_resident_id("330110", birth="19600101"),
        make_resident_id(_district(rng), seq=rng.randrange(1000)),
        "11010519900307123😀",
    ]
    p["id_number"] = rng.choice(choices)
    if rng.random() < 0.3 and doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["number"] = p["id_number"]


def _fpr(seq: int) -> str:
    body = f"9{156}{11}{19900307}{seq % 100:02d}"[:17]
    total = sum(int(c) * (2 ** (17 - i) % 11) for i, c in enumerate(body))
    check = (12 - total % 11) % 11
    return body + ("X" if check == 10 else str(check))


def m_id_type(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    kind, numbers = rng.choice([
        ("passport", ["E12345678", "G12345678", "EA1234567", "ABCDE", "12345", "X1234567890123456789",
                      make_resident_id("110105"), "e1234567８"]),
        ("taiwan_travel_permit", ["12345678", "1234567890(B)", "1234567890（B）", "1234567", "A1234567"]),
        ("hk_macao_travel_permit", ["H12345678", "M1234567890", "h12345678", "K12345678", "H123"]),
        ("foreign_permanent_residence", [_fpr(1), _fpr(2), "USA123456789012", "812345678901234567", "9123",
                                         _fpr(3)[:-1] + "0"]),
        ("hk_macao_residence_permit", [make_resident_id("810000"), make_resident_id("820000"),
                                       make_resident_id("110105"), make_resident_id("999999"),
                                       make_resident_id("810000", birth="20990101")]),
        ("taiwan_residence_permit", [make_resident_id("830000"), make_resident_id("810000"),
                                     make_resident_id("830000")[:-1] + "Y"]),
        ("resident_id", [make_resident_id("110105"), "123"]),
    ])
    p["id_type"] = kind
    p["id_number"] = rng.choice(numbers)
    if rng.random() < 0.3 and doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["type"] = kind
        doc["subject"]["certificate"]["number"] = p["id_number"]


def m_mobile(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["mobile"] = rng.choice([
        "0571-88889999", "12012345678", "10012345678", "+86 138-0013-8000", "0086 13800138000",
        "8613800138000", "１３８００１３８０００", "", " ", "138001380", "1380013800012", "手机13800138000",
        "(138) 0013 8000", "13800138000\u00a0", "19912345678", "14012345678", "+8613800138000",
    ])


def m_emergency(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["emergency_phone"] = rng.choice([
        p["mobile"], "+86 " + str(p["mobile"]), "0571-88889999", "010-12345678", "88889999", "021 6123 4567",
        "+86 571 8888 9999", "0571-8888", "12012345678", "abc", "", "０５７１-88889999", "400-123-4567",
        "95555", "0086 10 12345678",
    ])
    if rng.random() < 0.3:
        p["emergency_contact_name"] = rng.choice(["张三", "", "  李四 "])


def m_email(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["email"] = rng.choice([
        "a@b", "user@example", "用户@例子.中国", "user＠example.com", "user@@example.com", "", " ",
        "first.last+tag@sub.example.co", "\"quoted\"@example.com", "user@exa--mple.com", "user@xn--fsq.com",
        "user@localhost", "user@example.test", "u@" + "a" * 70 + ".com", "a" * 70 + "@example.com",
        "user@example.com.", "user.@example.com", "user@-example.com", "USER@EXAMPLE.COM",
    ])


def m_person_validity(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["id_valid_from"] = rng.choice(["2018-03-01", "2027-01-01", "2026-11-22", "2026-11-23", "2010-01-01"])
    p["id_valid_to"] = rng.choice(["2038-03-01", "long_term", "长期", "2026-12-01", "2026-11-21", "2027-02-22",
                                   "2027-02-21", "2017-01-01", "2026-11-22"])


def m_id_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is None:
        return
    p["id_address"] = rng.choice(["", "湖南省长沙市芙蓉区", "广东省广州市", "四川成都", "某地"])


def m_move_person_home(doc: Doc, rng: random.Random, facts: Facts) -> None:
    """An individual whose ID was issued in another province (residence proof)."""
    p = _principal(doc)
    if p is None:
        return
    p["id_number"] = make_resident_id(_district(rng), seq=rng.randrange(1000))
    if doc["subject"]["nature"] == "individual":
        doc["subject"]["certificate"]["number"] = p["id_number"]
    if rng.random() < 0.5:
        doc["attachments"].append({"id": "residence", "kind": "residence_proof",
                                   "slot": rng.choice(["subject_supplementary", "program_supplementary"])})


def m_program_principal(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if not _full(doc):
        return
    subj_p = doc["subject"]["principal"]
    d = _district(rng)
    person = make_person(d, name=rng.choice(["李某某", "王某某", subj_p["name"]]), seq=rng.randrange(900),
                         legal_rep=rng.random() < 0.3, phone_seed=rng.randrange(10**6))
    r = rng.random()
    if r < 0.2:
        person["mobile"] = subj_p["mobile"]
    elif r < 0.35:
        person["id_number"] = subj_p["id_number"]
    elif r < 0.45:
        person = copy.deepcopy(subj_p)
    if rng.random() < 0.3:
        person["face_verified"] = False
    doc["program"]["principal"] = person
    if rng.random() < 0.6:
        doc["attachments"] += [
            {"id": "pp-front", "slot": "program_principal_id", "kind": "id_front", "width": 1600, "height": 1000},
            {"id": "pp-back", "slot": rng.choice(["program_principal_id", "subject_principal_id"]),
             "kind": "id_back", "width": 1600, "height": 1000},
        ]
    if rng.random() < 0.5:
        doc["attachments"].append({"id": "pp-auth", "slot": rng.choice(["program_supplementary", "pre_approval"]),
                                   "kind": "program_principal_authorization", "signed_on": "2026-11-12"})


def m_legal_rep(doc: Doc, rng: random.Random, facts: Facts) -> None:
    subj = doc["subject"]
    p = subj.get("principal")
    r = rng.random()
    if r < 0.25:
        subj["legal_representative"] = None
    elif r < 0.5 and p is not None:
        subj["legal_representative"] = {"name": "赵某某", "id_type": "resident_id",
                                        "id_number": make_resident_id("110105", seq=9)}
    elif r < 0.65 and p is not None:
        subj["legal_representative"] = {"name": p["name"], "id_number": ""}
    elif r < 0.8 and p is not None:
        subj["legal_representative"] = {"name": " " + p["name"], "id_number": str(p["id_number"]).lower()}
    elif p is not None:
        p["is_legal_representative"] = not p.get("is_legal_representative", False)
    if rng.random() < 0.3 and _full(doc):
        doc["attachments"].append({"id": "sp-auth", "slot": "subject_supplementary",
                                   "kind": "subject_principal_authorization",
                                   "signed_on": rng.choice(["2026-11-12", "2026-12-01", "2026-01-01"])})


def m_face(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _someone(doc, rng)
    if p is not None:
        p["face_verified"] = False


def m_individual_name(doc: Doc, rng: random.Random, facts: Facts) -> None:
    p = _principal(doc)
    if p is not None:
        p["name"] = rng.choice(["张某", p["name"] + " ", "王某某"])
