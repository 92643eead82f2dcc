"""planhub.lib.params: the strict readers every view uses for numbers, moments and flags."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import BadRequest
from django.http import QueryDict

from planhub.lib.params import (
    MAX_ID,
    InvalidParameter,
    WholeNumberField,
    bool_param,
    datetime_param,
    int_param,
    rejects_invalid_parameters,
)


def query(**values) -> QueryDict:
    result = QueryDict(mutable=True)
    result.update(values)
    return result


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), (" 42 ", 42), ("007", 7), (str(MAX_ID), MAX_ID)]
)
def test_whole_numbers_in_ascii_digits(value, expected):
    assert int_param(query(n=value), "n") == expected


@pytest.mark.parametrize(
    "value",
    ["²", "٣", "１", "1_000", "+1", "-1", "0", "1.0", "1e3", "0x10", "1\x00", str(MAX_ID + 1),
     "9" * 400, "9" * 200_000],
)  # fmt: skip
def test_anything_else_is_an_invalid_parameter(value):
    with pytest.raises(InvalidParameter) as refused:
        int_param(query(n=value), "n")
    assert str(refused.value).startswith("n: ") and len(str(refused.value)) < 200
    assert isinstance(refused.value, BadRequest)  # undecorated views still answer 400


def test_absent_or_empty_is_none_unless_required():
    assert int_param(query(), "n") is None and int_param(query(n=""), "n") is None
    with pytest.raises(InvalidParameter, match="n: missing"):
        int_param(query(), "n", required=True)


def test_ranges_are_the_callers():
    assert int_param(query(n="0"), "n", minimum=0) == 0
    assert int_param(query(n="-5"), "n", minimum=-10) == -5
    with pytest.raises(InvalidParameter, match="out of range: expected 0 to 9"):
        int_param(query(n="10"), "n", minimum=0, maximum=9)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T10:00:00+02:00", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),
        ("2026-12-01T10:00:00 02:00", datetime(2026, 12, 1, 8, 0, tzinfo=UTC)),  # "+" unencoded
        ("2026-12-01T10:00:00Z", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
        ("2026-12-01 10:00:00.5+00:00", datetime(2026, 12, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ],
)
def test_moments_with_an_offset_come_back_in_utc(value, expected):
    assert datetime_param(query(t=value), "t") == expected


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+00:00",
        "0001-01-01T00:00:00+14:00",  # no UTC equivalent
        "9999-12-31T23:59:59-14:00",  # no UTC equivalent
        "1969-12-31T23:59:59+00:00",
        "2026-12-01T10:00:00",  # no offset
        "2026-12-01",
        "2026-13-01T10:00:00+00:00",
        "2026-12-01T10:00:00+00:00\x00",  # fromisoformat() stops reading at the NUL
        "２０２６-12-01T10:00:00+00:00",
        "yesterday",
    ],
)
def test_moments_out_of_range_or_garbled_are_refused(value):
    with pytest.raises(InvalidParameter, match="^t: "):
        datetime_param(query(t=value), "t")


def test_flags():
    assert bool_param(query(f="1"), "f") and bool_param(query(f="on"), "f")
    assert not bool_param(query(f="0"), "f") and not bool_param(query(), "f")
    assert bool_param(query(), "f", default=True)
    with pytest.raises(InvalidParameter, match="^f: expected 1 or 0"):
        bool_param(query(f="²"), "f")


def test_the_decorator_answers_400_with_the_message(rf):
    @rejects_invalid_parameters
    def view(request):
        return int_param(request.GET, "id")

    response = view(rf.get("/", {"id": "²"}))
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == (
        "id: expected a whole number from 1 to 9223372036854775807, got “²”"
    )


@pytest.mark.parametrize(
    ("value", "valid"),
    [("3", True), ("٣", False), ("²", False), ("1_0", False), (str(MAX_ID + 1), False),
     ("9" * 5000, False), ("0", False), (" 3 ", True)],
)  # fmt: skip
def test_whole_number_form_field(value, valid):
    field = WholeNumberField()
    if valid:
        assert field.clean(value) == int(value)
    else:
        with pytest.raises(Exception, match="whole number|less than|greater than"):
            field.clean(value)
