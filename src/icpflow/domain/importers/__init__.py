"""Importers: a platform's filing body → our filing document (`shared/spec/filing-document.md`).

Two bodies are understood (`shared/reference/platform-filing-apis.md` §2 and §6):

- WeChat third-party `wxa/icp/apply_icp_filing` (`icp_subject` / `icp_applets` / `icp_materials`), in
  `wechat`;
- Douyin `apps/v1/icp_record/submit_record_info` (`corp_info` / `app_info`), in `douyin`.

`import_wechat(body)` and `import_douyin(body)` return an `ImportResult`: the `document` as a plain dict
(validation is the caller's: `parsing.parse_mapping`), `unmapped` — every source value that has no place in
the document, with its source path and a Chinese reason — and `warnings` — every default or inference the
importer made that a person should confirm. They never raise, whatever the body: a value of the wrong
shape is reported in `unmapped` and left out of the document, so that parsing then names the missing field.

The platforms' dictionaries (单位性质, 证件类型, 前置审批, 服务内容, 语种) are fetched at run time and "updated
irregularly — do not hard-code them" (WXDOC queryIcpSubjectTypes 注意事项). The tables in `wechat` and `douyin`
therefore hold only the ids the platforms document; pass the live dictionaries as `PlatformDictionaries` to
map the rest by their Chinese names. What both importers share (results, name matching, the import state) is
in `common`. Pure: no I/O.
"""

from __future__ import annotations

from .common import ImportResult, PlatformDictionaries, Unmapped
from .douyin import DOUYIN_CORP_TYPES, DOUYIN_CREDENTIAL_TYPES, DOUYIN_PRE_APPROVAL_ITEMS, import_douyin
from .wechat import WECHAT_CERTIFICATE_TYPES, WECHAT_NRLX_TYPES, WECHAT_SUBJECT_TYPES, import_wechat

__all__ = [
    "DOUYIN_CORP_TYPES",
    "DOUYIN_CREDENTIAL_TYPES",
    "DOUYIN_PRE_APPROVAL_ITEMS",
    "WECHAT_CERTIFICATE_TYPES",
    "WECHAT_NRLX_TYPES",
    "WECHAT_SUBJECT_TYPES",
    "ImportResult",
    "PlatformDictionaries",
    "Unmapped",
    "import_douyin",
    "import_wechat",
]
