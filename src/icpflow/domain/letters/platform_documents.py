"""The three documents the WeChat seed says the platform provides for the filer to confirm (seed 001
§二(三)1): 互联网信息服务承诺书, 反诈自评估报告, 小程序备案真实性核验单. No catalogue rule asks for them.
"""

from __future__ import annotations

from ..enums import label
from .model import BLANK, DATE_BLANK, _Body, _Facts, _person_fields, _program_fields, _signatures, _subject_fields, _v


def _internet_information_service_commitment(f: _Facts) -> _Body:
    paragraphs = [
        f"{f.we}{f.subject}（{f.code_label}：{f.code}）就在{f.platform}开办的{f.kind}《{f.program}》"
        f"（AppID：{f.appid}）提供互联网信息服务，郑重承诺：",
        "一、遵守《中华人民共和国网络安全法》《互联网信息服务管理办法》等法律法规，不制作、复制、发布、传播含有下列内容的信息："
        "反对宪法所确定的基本原则的；危害国家安全，泄露国家秘密，颠覆国家政权，破坏国家统一的；损害国家荣誉和利益的；"
        "煽动民族仇恨、民族歧视，破坏民族团结的；破坏国家宗教政策，宣扬邪教和封建迷信的；散布谣言，扰乱社会秩序，"
        "破坏社会稳定的；散布淫秽、色情、赌博、暴力、凶杀、恐怖或者教唆犯罪的；侮辱或者诽谤他人，侵害他人合法权益的；"
        "含有法律、行政法规禁止的其他内容的。",
        "二、所填报的备案信息真实、准确、完整，发生变化时及时办理变更；",
        "三、从事依法须经有关主管部门审核同意的互联网信息服务的，取得审核同意后方开展；",
        "四、建立健全信息安全管理制度，发现法律法规禁止的信息立即停止传输，保存有关记录，并向国家有关机关报告；",
        "五、按照法律法规的要求留存有关记录，在国家有关机关依法查询时予以提供。",
        f"如违反上述承诺，{f.we}愿承担相应的法律责任。",
    ]
    fields = [*_subject_fields(f), *_program_fields(f), ("服务平台", f.platform_name)]
    notes = ["本承诺书由平台提供，开发者确认（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）"]
    return paragraphs, fields, _signatures(f), notes


def _anti_fraud_self_assessment(f: _Facts) -> _Body:
    types = "、".join(f.doc.program.service_content_types) or BLANK
    yes_no = "□是　□否"
    paragraphs = [
        "一、基本情况",
        f"{f.kind}《{f.program}》（AppID：{f.appid}）由{f.subject}主办，在{f.platform}提供服务。"
        f"提供的服务是：{f.service}。服务内容类型：{types}。",
        "二、涉诈风险自查",
        f"1. 是否提供支付、转账、充值、提现等资金类功能：{yes_no}",
        f"2. 是否提供借贷、理财、投资、虚拟货币等金融类功能：{yes_no}",
        f"3. 是否提供即时通信、社交、交友、直播等互动功能：{yes_no}",
        f"4. 是否提供兼职招聘、刷单返利、账号或虚拟物品交易等功能：{yes_no}",
        f"5. 是否收集身份证件、银行卡等敏感个人信息：{yes_no}",
        f"6. 是否向第三方跳转、导流或引导下载其他应用：{yes_no}",
        "三、风险防范措施",
        "用户真实身份信息登记：□已落实　□不涉及；涉诈信息监测与内容审核：□已落实　□不涉及；"
        "用户举报受理与处置：□已落实　□不涉及；涉诈风险提示：□已落实　□不涉及。",
        f"具体措施：{BLANK}",
        "四、自评估结论",
        f"经自评估，该{f.kind}的涉诈风险等级为：□低　□中　□高。{f.we}将依照《中华人民共和国反电信网络诈骗法》"
        "落实风险防控责任，发现涉诈异常情况及时处置并向有关部门报告。",
    ]
    fields = [*_subject_fields(f), *_program_fields(f),
              ("主办单位负责人", _v(f.sp.name)), ("联系电话", _v(f.sp.mobile))]
    signatures = _signatures(f, signer="主办单位负责人（签字）", stamp="评估单位（盖章）")
    notes = [
        "本报告由平台提供，开发者确认（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）",
        "依据《中华人民共和国反电信网络诈骗法》（004_58a0f6ee9b17c945.txt §一 背景介绍）；请按实际情况勾选并补充＿＿处",
    ]
    return paragraphs, fields, signatures, notes


def _authenticity_verification_sheet(f: _Facts) -> _Body:
    sp, pp = f.sp, f.pp
    cert = f.doc.subject.certificate
    paragraphs = [
        f"根据工业和信息化部移动互联网应用程序备案的要求，{f.platform_name}对以下备案信息进行真实性核验。",
        "主办单位负责人承诺：以上信息真实、准确、完整，所提交的证件为原件拍照或彩色扫描件；"
        "本人知悉并同意平台将上述备案信息报送通信管理局审核。",
    ]
    fields = [
        ("主办单位名称", f.subject), ("主办单位性质", label(f.doc.subject.nature)),
        ("主办单位证件类型", label(cert.type)), ("主办单位证件号码", f.code),
        *_person_fields("主办单位负责人", sp),
        *_program_fields(f),
        *_person_fields("小程序负责人", pp),
        ("人脸核身", "已完成" if pp.face_verified else "未完成"),
        ("接入服务平台", f.platform_name),
        ("核验方式", "平台在线核验（人脸核身）"),
    ]
    signatures = [f"主办单位负责人（签字）：{BLANK}", f"核验人（平台）：{BLANK}", f"核验日期：{DATE_BLANK}"]
    notes = ["本核验单由平台提供（001_edd01ed65df7a799.txt §二(三)1 小程序备案材料）：请核对信息无误后签字"]
    return paragraphs, fields, signatures, notes
