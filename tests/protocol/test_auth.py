"""Access tokens (AUTH-*) and the HTTP POST signature (POST-5)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from onebot_ref.protocol.auth import (
    MISSING_HEADER_ONLY,
    REASONS,
    authorize,
    check_token,
    signature,
    token_from_request,
)


@pytest.mark.parametrize("headers, query, expected", [
    pytest.param({"Authorization": "Bearer abc"}, {}, ("abc", "header"), id="AUTH-2-bearer"),
    pytest.param({"authorization": "Bearer abc"}, {}, ("abc", "header"), id="AUTH-2-header-name-any-case"),
    pytest.param({"Authorization": "bearer abc"}, {}, ("abc", "header"), id="AUTH-6-REC-lowercase-bearer"),
    pytest.param({"Authorization": "Token abc"}, {}, ("abc", "header"), id="AUTH-6-COMPAT-token-koishi"),
    pytest.param({"Authorization": "token abc"}, {}, ("abc", "header"), id="AUTH-6-lowercase-token"),
    pytest.param({"Authorization": "Bearer   abc"}, {}, ("abc", "header"), id="AUTH-6-several-spaces"),
    pytest.param({"Authorization": "Basic abc"}, {}, (None, "header"), id="AUTH-6-other-scheme-is-missing"),
    pytest.param({"Authorization": "Bearer"}, {}, (None, "header"), id="AUTH-6-no-token-is-missing"),
    pytest.param({"Authorization": "Bearer "}, {}, (None, "header"), id="AUTH-6-empty-token-is-missing"),
    pytest.param({"Authorization": ""}, {"access_token": "abc"}, (None, "header"),
                 id="AUTH-5-empty-header-still-wins"),
    pytest.param({"Authorization": "Bearer wrong"}, {"access_token": "abc"}, ("wrong", "header"),
                 id="AUTH-5-header-wins-over-query"),
    pytest.param({"Authorization": "Basic x"}, {"access_token": "abc"}, (None, "header"),
                 id="AUTH-5-malformed-header-wins-over-query"),
    pytest.param({}, {"access_token": "abc"}, ("abc", "query"), id="AUTH-3-query"),
    pytest.param({}, {"access_token": ""}, (None, "none"), id="AUTH-3-empty-query-is-missing"),
    pytest.param({}, {}, (None, "none"), id="AUTH-4-nothing"),
])
def test_token_from_request(headers, query, expected):
    assert token_from_request(headers, query) == expected


def test_header_only_ignores_query_AUTH_12():
    assert token_from_request({}, {"access_token": "abc"}, header_only=True) == (None, "none")
    assert token_from_request({"Authorization": "Bearer abc"}, {}, header_only=True) == ("abc", "header")


@pytest.mark.parametrize("expected, given, status", [
    pytest.param("", None, None, id="AUTH-1-no-token-configured"),
    pytest.param("", "anything", None, id="AUTH-1-any-token-passes"),
    pytest.param("abc", None, 401, id="AUTH-4-missing-401"),
    pytest.param("abc", "abd", 403, id="AUTH-4-wrong-403"),
    pytest.param("abc", "ABC", 403, id="AUTH-7-case-sensitive"),
    pytest.param("abc", "abc ", 403, id="AUTH-7-no-trimming"),
    pytest.param("abc", "abc", None, id="AUTH-4-right-token"),
    pytest.param("令牌", "令牌", None, id="AUTH-7-non-ascii-token"),
    pytest.param("令牌", "x", 403, id="AUTH-7-non-ascii-wrong"),
])
def test_check_token(expected, given, status):
    assert check_token(expected, given) == status


@pytest.mark.parametrize("expected, headers, query, header_only, answer", [
    pytest.param("", {}, {}, False, None, id="AUTH-1-nothing-configured"),
    pytest.param("abc", {"Authorization": "Bearer abc"}, {}, False, None, id="AUTH-2-right-header"),
    pytest.param("abc", {}, {"access_token": "abc"}, False, None, id="AUTH-3-right-query"),
    pytest.param("abc", {}, {}, False, (401, REASONS[401, "none"]), id="AUTH-4-nothing-sent-401"),
    pytest.param("abc", {"Authorization": "Basic abc"}, {"access_token": "abc"}, False,
                 (401, REASONS[401, "header"]), id="AUTH-5-AUTH-6-malformed-header-401"),
    pytest.param("abc", {"Authorization": "Bearer abd"}, {}, False, (403, REASONS[403, "header"]),
                 id="AUTH-4-wrong-header-403"),
    pytest.param("abc", {}, {"access_token": "abd"}, False, (403, REASONS[403, "query"]),
                 id="AUTH-4-wrong-query-403"),
    pytest.param("abc", {}, {"access_token": "abc"}, True, (401, MISSING_HEADER_ONLY),
                 id="AUTH-12-header-only-ignores-the-query"),
    pytest.param("abc", {"Authorization": "Bearer abc"}, {}, True, None,
                 id="AUTH-12-header-passes"),
])
def test_authorize(expected, headers, query, header_only, answer):
    assert authorize(expected, headers, query, header_only=header_only) == answer


def test_refusal_reasons_say_what_was_missing_or_wrong():
    """One wording per case (AUTH-4): 401 reasons start "no token", 403 "wrong token", and
    each names where the token is read from."""
    for (status, how), reason in REASONS.items():
        assert reason.startswith("no token" if status == 401 else "wrong token"), reason
        assert ("Authorization" in reason) if status == 401 else (f"from the {how}" in reason)
    assert "?access_token=" in REASONS[401, "none"] and "access token missing" in MISSING_HEADER_ONLY


def test_signature_POST_5():
    body = '{"post_type":"message","message":"你好"}'.encode("utf-8")
    want = hmac.new(b"s3cret", body, hashlib.sha1).hexdigest()
    assert signature(body, "s3cret") == "sha1=" + want
    assert signature(body, "s3cret") != signature(body + b" ", "s3cret")
    # The published HMAC-SHA1 test vector (Wikipedia, "HMAC").
    fox = b"The quick brown fox jumps over the lazy dog"
    assert signature(fox, "key") == "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
