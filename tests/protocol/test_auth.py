"""Access tokens (AUTH-*) and the HTTP POST signature (POST-5)."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from onebot_ref.protocol.auth import check_token, signature, token_from_request


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


def test_signature_POST_5():
    body = '{"post_type":"message","message":"你好"}'.encode("utf-8")
    want = hmac.new(b"s3cret", body, hashlib.sha1).hexdigest()
    assert signature(body, "s3cret") == "sha1=" + want
    assert signature(body, "s3cret") != signature(body + b" ", "s3cret")
    # The published HMAC-SHA1 test vector (Wikipedia, "HMAC").
    fox = b"The quick brown fox jumps over the lazy dog"
    assert signature(fox, "key") == "sha1=de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
