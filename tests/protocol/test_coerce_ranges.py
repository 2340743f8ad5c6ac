"""Typed parameters, the readers and the ranges: integers, booleans and decimals written as
text (PARAM-3, PARAM-5, CFG-22), positive ids (PARAM-15), the ranges of the spec's types (BAD-3,
BAD-4; protocol/ranges.py) (communication/http.md, api/README.md#参数). Binding to a signature
(PARAM-1..14) is in test_coerce.py."""

from __future__ import annotations

import pytest

from onebot_ref.protocol.coerce import (
    File,
    Id,
    Int32,
    MessageId,
    Milliseconds,
    Params,
    Seconds,
    bind,
    parse_bool,
    parse_decimal,
    parse_int,
)
from onebot_ref.protocol.response import ActionError


# --- the readers of integers, booleans and decimals written as text (PARAM-3, PARAM-5, CFG-22)
@pytest.mark.parametrize("text, number", [
    ("10001", 10001), (" -42 ", -42), ("+5", 5), ("007", 7),
    ("+-5", None), ("--5", None), ("", None), (" ", None), ("1.0", None), ("1_000", None),
    ("0x10", None), ("1e3", None), ("5a", None), ("9" * 5000, None),
    ("١٢", None), ("²", None), ("\u3000" + "5", None),  # ASCII digits and spaces only
])
def test_parse_int(text, number):
    assert parse_int(text) == number


@pytest.mark.parametrize("text, value", [
    ("true", True), ("YES", True), (" 1 ", True), ("False", False), ("no", False), ("0", False),
    ("", None), ("on", None), ("2", None), ("truth", None),
])
def test_parse_bool(text, value):
    assert parse_bool(text) is value


@pytest.mark.parametrize("text, number", [
    ("0.25", 0.25), (" -3 ", -3.0), ("60", 60.0), ("nan", None), ("inf", None), ("1e3", None),
    ("1_0", None), ("", None), (".5", None), ("5.", None),
])
def test_parse_decimal(text, number):
    assert parse_decimal(text) == number


# --- ids (PARAM-15) --------------------------------------------------------------------------
def two_ids(ctx, group_id: Id, user_id: Id, duration: int = 0):
    return None


@pytest.mark.parametrize("values, message", [
    pytest.param({"group_id": 0, "user_id": 1}, "parameter 'group_id': expected a positive id, "
                 "got 0 (PARAM-15)", id="PARAM-15-zero"),
    pytest.param({"group_id": 1, "user_id": " -3 "}, "parameter 'user_id': expected a positive "
                 "id, got -3 (PARAM-15)", id="PARAM-15-negative-text"),
    pytest.param({"group_id": 0, "user_id": "x"}, "parameter 'user_id': expected an integer, "
                 'got "x" (PARAM-3)', id="PARAM-15-a-wrong-type-is-reported-first"),
    pytest.param({"user_id": 1}, "missing parameter 'group_id' (an integer) (PARAM-14)",
                 id="PARAM-14-a-missing-id"),
])
def test_id_must_be_positive(values, message):
    with pytest.raises(ActionError) as caught:
        bind(two_ids, Params(values))
    assert caught.value.retcode == 100 and caught.value.message == message


def test_id_reads_like_an_int():
    params = Params({"group_id": "20001", "user_id": 10001}, ["group_id"])
    assert bind(two_ids, params) == {"group_id": 20001, "user_id": 10001}
    assert params.notes == ['coerced group_id from "20001"']


# --- the ranges of the spec's types (BAD-3, BAD-4; protocol/ranges.py) ------------------------
def ranged(ctx, i: int = 0, i32: Int32 = 0, uid: Id = 1, mid: MessageId = 1, s: Seconds = 0,
           ms: Milliseconds = 0, f: File = ""):
    return None


@pytest.mark.parametrize("values, message", [
    pytest.param({"i": 2**63}, "parameter 'i': expected an integer within int64 "
                 "(-9223372036854775808 to 9223372036854775807), got 9223372036854775808 (BAD-3)",
                 id="BAD-3-int-is-int64"),
    pytest.param({"i": -2**63 - 1}, "parameter 'i': expected an integer within int64 "
                 "(-9223372036854775808 to 9223372036854775807), got -9223372036854775809 (BAD-3)",
                 id="BAD-3-int64-below"),
    pytest.param({"i32": 2**31}, "parameter 'i32': expected an integer within int32 "
                 "(-2147483648 to 2147483647), got 2147483648 (BAD-3)", id="BAD-3-int32"),
    pytest.param({"uid": str(2**63)}, "parameter 'uid': expected an id within int64 (at most "
                 "9223372036854775807), got 9223372036854775808 (BAD-3)", id="BAD-3-qq-number-int64"),
    pytest.param({"mid": 2**31}, "parameter 'mid': expected a message id within int32 (at most "
                 "2147483647), got 2147483648 (BAD-3)", id="BAD-3-message-id-int32"),
    pytest.param({"mid": 0}, "parameter 'mid': expected a positive id, got 0 (PARAM-15)",
                 id="PARAM-15-message-id-zero"),
    pytest.param({"s": -1}, "parameter 's': expected seconds >= 0, got -1 (PARAM-15)",
                 id="PARAM-15-negative-duration"),
    pytest.param({"s": 10**30}, f"parameter 's': expected at most 2147483647 seconds, got "
                 f"{10**30} (BAD-3)", id="BAD-3-seconds"),
    pytest.param({"ms": 2**31}, "parameter 'ms': expected at most 2147483647 ms, got 2147483648 "
                 "(BAD-3)",
                 id="BAD-3-milliseconds"),
    pytest.param({"f": "x" * 4097}, "parameter 'f': expected at most 4096 characters, got 4097 "
                 "(BAD-4)",
                 id="BAD-4-file"),
])
def test_values_outside_their_spec_type_are_100_naming_the_parameter(values, message):
    with pytest.raises(ActionError) as caught:
        bind(ranged, Params(values))
    assert caught.value.retcode == 100 and caught.value.message == message


def test_the_bounds_themselves_are_accepted():
    values = {"i": -2**63, "i32": 2**31 - 1, "uid": 2**63 - 1, "mid": 2**31 - 1, "s": 2**31 - 1,
              "ms": 0, "f": "x" * 4096}
    assert bind(ranged, Params(values)) == values


def test_waits_fit_what_threading_can_wait():
    """BAD-3: the longest Seconds and Milliseconds are waits threading and time can make (a
    set_restart delay past them used to raise OverflowError in the actions-async thread)."""
    import threading
    assert Seconds.high < threading.TIMEOUT_MAX and Milliseconds.high / 1000 < threading.TIMEOUT_MAX
