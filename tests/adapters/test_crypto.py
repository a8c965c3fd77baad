"""Field encryption (AES-256-GCM tokens) and blind indexes for personal information at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icpflow.adapters.crypto import DecryptionError, FieldCipher, format_setting

K1 = bytes(range(32))
K2 = bytes(range(100, 132))
TOKEN = re.compile(r"^enc:v1:(?P<key>[A-Za-z0-9_-]+):(?P<body>[A-Za-z0-9_-]+=*)$")


def _cipher(*keys: tuple[str, bytes]) -> FieldCipher:
    return FieldCipher(dict(keys), keys[0][0])


def _raw(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.rsplit(":", 1)[1])


# ----- round trip and format --------------------------------------------------------------------------

@given(st.text())
def test_any_text_comes_back_as_it_went_in(text: str) -> None:
    cipher = _cipher(("k1", K1))
    assert cipher.decrypt(cipher.encrypt(text)) == text


def test_a_token_names_its_key_and_holds_a_96_bit_nonce_and_a_tag() -> None:
    token = _cipher(("k1", K1)).encrypt("13800138000")
    match = TOKEN.match(token)
    assert match is not None and match["key"] == "k1"
    assert len(_raw(token)) == 12 + len("13800138000") + 16


def test_equal_values_encrypt_differently() -> None:
    cipher = _cipher(("k1", K1))
    assert cipher.encrypt("13800138000") != cipher.encrypt("13800138000")


def test_is_encrypted_recognises_tokens_only() -> None:
    cipher = _cipher(("k1", K1))
    assert cipher.is_encrypted(cipher.encrypt("x"))
    assert not cipher.is_encrypted("13800138000")
    assert not cipher.is_encrypted(None)


def test_reveal_passes_plaintext_through_for_rows_written_before_encryption() -> None:
    cipher = _cipher(("k1", K1))
    assert cipher.reveal("13800138000") == "13800138000"
    assert cipher.reveal(cipher.encrypt("13800138000")) == "13800138000"


# ----- tampering and unknown keys ---------------------------------------------------------------------

def test_a_tampered_ciphertext_is_refused() -> None:
    cipher = _cipher(("k1", K1))
    token = cipher.encrypt("33010619900307123X")
    raw = bytearray(_raw(token))
    raw[15] ^= 0x01
    tampered = f"enc:v1:k1:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError, match="fails authentication"):
        cipher.decrypt(tampered)


def test_a_token_relabelled_to_another_key_id_is_refused_even_with_the_same_key_bytes() -> None:
    cipher = FieldCipher({"a": K1, "b": K1}, "a")  # only the associated data tells them apart
    token = cipher.encrypt("13800138000")
    with pytest.raises(DecryptionError):
        cipher.decrypt(token.replace("enc:v1:a:", "enc:v1:b:"))


def test_a_token_under_an_unknown_key_id_is_refused_with_its_name() -> None:
    token = _cipher(("k1", K1)).encrypt("13800138000")
    with pytest.raises(DecryptionError, match=r"'k1'.*not configured"):
        _cipher(("k2", K2)).decrypt(token)


def test_a_token_under_the_wrong_key_is_refused() -> None:
    token = _cipher(("k1", K1)).encrypt("13800138000")
    with pytest.raises(DecryptionError):
        _cipher(("k1", K2)).decrypt(token)


@pytest.mark.parametrize("token", ["13800138000", "enc:v1:k1", "enc:v1:k1:", "enc:v1:k1:!!!!", "enc:v1:k1:AAAA",
                                   "enc:v1:k1:" + "A" * 200, "enc:v1:k1:中文"])
def test_malformed_tokens_are_refused(token: str) -> None:
    with pytest.raises(DecryptionError):
        _cipher(("k1", K1)).decrypt(token)


# ----- rotation -------------------------------------------------------------------------------------------

def test_old_tokens_decrypt_after_a_new_current_key_is_added() -> None:
    old = _cipher(("k1", K1)).encrypt("user4@example.com")
    rotated = _cipher(("k2", K2), ("k1", K1))
    assert rotated.decrypt(old) == "user4@example.com"
    new = rotated.encrypt("user4@example.com")
    assert rotated.key_id_of(new) == "k2" and rotated.is_current(new) and not rotated.is_current(old)
    retired = _cipher(("k2", K2))
    assert retired.decrypt(new) == "user4@example.com"
    with pytest.raises(DecryptionError):
        retired.decrypt(old)


# ----- blind indexes ----------------------------------------------------------------------------------

def test_a_blind_index_is_stable_and_differs_per_value() -> None:
    one, again = _cipher(("k1", K1)), _cipher(("k1", K1))
    index = one.blind_index("33010619900307123X")
    assert re.fullmatch(r"[0-9a-f]{64}", index)
    assert again.blind_index("33010619900307123X") == index
    assert one.blind_index("33010619900307124X") != index


def test_a_blind_index_depends_on_the_key_and_is_not_an_hmac_under_the_master_key() -> None:
    index = _cipher(("k1", K1)).blind_index("13800138000")
    assert _cipher(("k1", K2)).blind_index("13800138000") != index
    assert index != hmac.new(K1, b"13800138000", hashlib.sha256).hexdigest()
    assert index != hashlib.sha256(b"13800138000").hexdigest()


def test_lookups_during_a_rotation_use_the_index_under_every_key_current_first() -> None:
    rotated = _cipher(("k2", K2), ("k1", K1))
    assert rotated.blind_indexes("13800138000") == [_cipher(("k2", K2)).blind_index("13800138000"),
                                                    _cipher(("k1", K1)).blind_index("13800138000")]


# ----- the setting ----------------------------------------------------------------------------------------

def test_the_setting_lists_keys_current_first() -> None:
    cipher = FieldCipher.from_setting(format_setting({"k2": K2, "k1": K1}))
    assert cipher.current == "k2" and cipher.key_ids == ("k2", "k1")
    urlsafe = "k1:" + base64.urlsafe_b64encode(K2).decode().rstrip("=")
    assert FieldCipher.from_setting(f" {urlsafe} ,").blind_index("x") == _cipher(("k1", K2)).blind_index("x")


@pytest.mark.parametrize(("setting", "message"), [
    ("", "no encryption key"),
    ("k1", "<key id>:<base64"),
    ("k1:not base64!", "not valid base64"),
    ("k1:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
    ("k1:" + base64.b64encode(K1).decode() + ",k1:" + base64.b64encode(K2).decode(), "given twice"),
    ("bad id:" + base64.b64encode(K1).decode(), "key id"),
])
def test_a_bad_setting_is_refused_without_echoing_the_key(setting: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        FieldCipher.from_setting(setting)
    secret = setting.partition(":")[2]
    assert not secret or secret not in str(caught.value)
