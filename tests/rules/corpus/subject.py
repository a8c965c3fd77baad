"""Mutations of the subject (主办单位): certificate number, type and validity, nature, business scope, name and
address. Each mutation edits `doc` in place (and may add image facts).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

from icpflow.domain.enums import OrgCertificateType, SubjectNature
from icpflow.domain.regions import RegionTable
from icpflow.testing import make_uscc

from .common import Doc, Facts, _district, _flip_last

SCOPES = [
    "技术开发、技术服务、技术咨询；软件开发；计算机系统服务。",
    "网络技术服务；信息咨询服务（不含许可类信息咨询服务）；广告设计、代理；组织文化艺术交流活动。",
    "餐饮管理；食品销售（仅销售预包装食品）；日用百货销售；互联网销售（除销售需要许可的商品）。",
    "投资管理；资产管理；财务咨询（不含金融业务）；企业管理咨询。",
    "教育咨询服务（不含涉许可审批的教育培训活动）；图书、报刊零售；音像制品零售。",
    "第二类医疗器械销售；保健食品（预包装）销售；化妆品零售；中药饮片零售。",
    "网约车技术服务；汽车租赁；停车场服务；小程序开发。",
    "技术开发；未经金融监管部门批准，不得从事吸收存款、融资担保、代客理财等金融业务。",
    "除依法须经批准的项目外，凭营业执照依法自主开展经营活动；新闻资讯服务；出版物零售。",
    "宗教用品销售；文化艺术交流；广播电视节目制作经营（除外）。",
    "软件开发\n不含教育培训\n网络文化经营",
    "Ｐ２Ｐ网络借贷信息中介；互 联 网 金 融 信息服务；在线\u200b教育",
    "医疗器械经营…药品零售；Ⅱ类医疗器械；𠀀𠀁 网络出版服务；校外培训",
    "",
    "   ",
]


def m_cert_validity(doc: Doc, rng: random.Random, facts: Facts) -> None:
    cert = doc["subject"]["certificate"]
    cert["valid_from"] = rng.choice([None, "2019-05-01", "2027-01-01", "2030-01-01"])
    cert["valid_to"] = rng.choice([None, "long_term", "2026-12-01", "2025-01-01", "2027-03-01", "2040-01-01",
                                   "2018-01-01"])
    if cert["valid_from"] is None:
        del cert["valid_from"]


def m_uscc(doc: Doc, rng: random.Random, facts: Facts) -> None:
    cert = doc["subject"]["certificate"]
    number = str(cert["number"])
    district = _district(rng)
    cert["number"] = rng.choice([
        _flip_last(number),
        number[:5] + "O" + number[6:],
        number[:5] + "I" + number[6:],
        number[:15],
        "330106199001011",
        "Z" + number[1:],
        "94" + number[2:],
        make_uscc("999999", 7),
        make_uscc("100000", 8),
        make_uscc(district, rng.randrange(100), authority="1"),
        make_uscc(district, rng.randrange(100), authority="5"),
        make_uscc(district, rng.randrange(100), authority="9", kind="2"),
        make_uscc(district, rng.randrange(100), authority="N", kind="2"),
        make_uscc(district, rng.randrange(100), authority="Y"),
        make_uscc(district, rng.randrange(100)).lower(),
        "９" + number[1:],
        "",
    ])


def m_nature(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["nature"] = rng.choice(list(SubjectNature)).value


def m_cert_type(doc: Doc, rng: random.Random, facts: Facts) -> None:
    choices = [t.value for t in OrgCertificateType] + ["resident_id", "passport"]
    doc["subject"]["certificate"]["type"] = rng.choice(choices)


def m_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    addr = doc["subject"].get("address")
    if addr is None:
        if rng.random() < 0.5:
            d = _district(rng)
            doc["subject"]["address"] = {"province": d[:2] + "0000", "city": d[:4] + "00", "district": d,
                                         "detail": "某某路 1 号"}
        return
    options: list[Callable[[], None]] = [
        lambda: addr.update(province="999999"),
        lambda: addr.update(province="710000"),
        lambda: addr.update(province="330100"),
        lambda: addr.update(city="320100"),
        lambda: addr.update(district="330101"),
        lambda: addr.update(district="330100"),
        lambda: addr.update(district="330102"),
        lambda: addr.update(province="110000", city="110000", district="110105"),
        lambda: addr.update(province="110000", city="110100", district="110105"),
        lambda: addr.update(province="420000", city="429000", district="429004"),
        lambda: addr.update(province="420000", city="429004", district="429004"),
        lambda: addr.update(province="440000", city="441900", district="441900"),
        lambda: addr.update(province="440000", city="440300", district="440300"),
        lambda: addr.update(detail="浙江省杭州市西湖区文三路 90 号"),
        lambda: addr.update(detail="杭州西湖区文三路 90 号"),
        lambda: addr.update(detail="西湖文化广场 1 号"),
        lambda: addr.update(detail="1-2-03"),
        lambda: addr.update(detail="朝阳路 8 号院 1-2-03 室"),
        lambda: addr.update(detail="某某小区 3 号楼 2 单元 501 室"),
        lambda: addr.update(detail="某某路"),
        lambda: addr.update(detail="  "),
        lambda: addr.update(detail=""),
    ]
    rng.choice(options)()
    if rng.random() < 0.2:
        d = _district(rng)
        addr.update(province=d[:2] + "0000", city=d[:4] + "00", district=d)


@functools.cache
def _regions() -> RegionTable:
    from icpflow.bootstrap import load_regions

    return load_regions()


def m_detail_repeats(doc: Doc, rng: random.Random, facts: Facts) -> None:
    """The detail starts with the selected province, city or district, in full or short (or a near miss)."""
    addr = doc["subject"].get("address")
    if addr is None:
        return
    regions = _regions()
    names = [regions.name(addr[k]) or "" for k in ("province", "city", "district")]
    short = [n[:2] for n in names]
    addr["detail"] = rng.choice([
        "".join(names) + "文三路 90 号", names[1] + names[2] + "某路 1 号", names[2] + "某路 1 号",
        short[0] + short[1] + names[2] + "某路", short[1] + short[2] + "路 1 号", short[2] + "广场 1 号",
        " " + names[0] + "某路", short[0] + "路 3 号",
    ])


def m_tianjin_individual(doc: Doc, rng: random.Random, facts: Facts) -> None:
    if doc["subject"].get("address") is None or "program" not in doc:
        return
    doc["subject"]["address"].update(province="120000", city="120100", district="120101")
    doc["subject"]["address"]["detail"] = rng.choice(
        ["某某路 1 号", "某某小区 2 门 301", "某某里 3 号楼 5 户", "某某路"])
    if rng.random() < 0.7:
        doc["subject"]["nature"] = "individual"


def m_cert_address(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["certificate"]["address"] = rng.choice([
        "", "浙江省杭州市西湖区文三路 90 号", "广东深圳南山区", "内蒙古呼和浩特", "黑龙江哈尔滨", "某区某路",
        "  上海市黄浦区", "台湾省台北市",
    ])


def m_scope(doc: Doc, rng: random.Random, facts: Facts) -> None:
    doc["subject"]["certificate"]["business_scope"] = rng.choice(SCOPES)


def m_subject_name(doc: Doc, rng: random.Random, facts: Facts) -> None:
    subj = doc["subject"]
    subj["name"] = rng.choice([subj["name"] + "教育", "某某网络金融服务有限公司", "新闻出版社", "某某科技有限公司1",
                               "", "王某某", "某某医疗器械有限公司", "ＡＢＣ文化传媒有限公司", subj["name"] + " "])
