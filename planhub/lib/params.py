"""Strict readers of query and form parameters: whole numbers, moments and yes/no flags.

Python's own parsers are too lenient for input from the web: "²".isdigit() is True (and int()
then fails), int("٣") is 3, int() takes "1_000"; datetime.fromisoformat() takes year 1 in a
time zone whose UTC equivalent does not exist. Whatever such a value reaches becomes a 500.
The readers here take ASCII digits within the range of the column a number is compared with,
and moments with a time zone within a range any arithmetic on them survives; anything else is
an InvalidParameter, a BadRequest whose message says what was expected. Views decorated with
`rejects_invalid_parameters` answer it with a plain-text 400 carrying that message.

Absent and empty parameters are the same (an empty form field is "not given").
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial, wraps
from typing import TypeVar

from django import forms
from django.core.exceptions import BadRequest, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict

T = TypeVar("T")

# The largest value of a 64-bit integer column (ids, versions): nothing larger can match a row.
MAX_ID = 2**63 - 1
# Moments outside these are not PlanHub's (nothing happened before 1970) and leave room for
# arithmetic (a cursor minus an overlap, a conversion to UTC) that would otherwise overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9999, 12, 30, tzinfo=UTC)

_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
# A "+" in a query string is decoded as a space: "…T10:00:00 02:00" meant "…T10:00:00+02:00".
_UNENCODED_PLUS = re.compile(r" ([0-9]{2}(?::?[0-9]{2})?)$")
TRUE_WORDS = frozenset({"1", "true", "on", "yes"})
FALSE_WORDS = frozenset({"0", "false", "off", "no"})


class InvalidParameter(BadRequest):
    """A parameter the view cannot take; the message names it and says what was expected."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name


def shown(value: str, limit: int = 40) -> str:
    """`value` quoted for a message: shortened, control characters replaced."""
    text = "".join(char if char.isprintable() else "\N{REPLACEMENT CHARACTER}" for char in value)
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def _too_long(digits: str, minimum: int, maximum: int) -> bool:
    """Whether `digits` has more digits than any number in range (int() is spared 200,000)."""
    return len(digits.lstrip("-").lstrip("0")) > len(str(max(abs(minimum), abs(maximum))))


def whole_number(value: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """`value` as an int: ASCII digits (a leading "-" only where `minimum` is negative),
    surrounding spaces allowed, within minimum..maximum. ValueError says what is wrong."""
    text = value.strip()
    if not _WHOLE_NUMBER.fullmatch(text) or (text.startswith("-") and minimum >= 0):
        raise ValueError(f"expected a whole number from {minimum} to {maximum}, got {shown(value)}")
    if _too_long(text, minimum, maximum) or not minimum <= int(text) <= maximum:
        raise ValueError(f"{shown(value)} is out of range: expected {minimum} to {maximum}")
    return int(text)


def moment(value: str) -> datetime:
    """`value` (ISO 8601 with a UTC offset or Z) as an aware datetime in UTC, between EARLIEST
    and LATEST. ValueError says what is wrong."""
    text = _UNENCODED_PLUS.sub(r"+\1", value.strip())
    example = "such as 2026-12-01T10:00:00+00:00"
    try:
        # fromisoformat() reads up to a NUL and ignores the rest: only printable ASCII.
        if not (text.isascii() and text.isprintable()):
            raise ValueError
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date and time {example}, got {shown(value)}") from None
    if parsed.utcoffset() is None:
        raise ValueError(f"give the time with its UTC offset, {example}")
    try:
        utc = parsed.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc <= LATEST:
        raise ValueError(f"{shown(value)} is out of range: expected a time from 1970 to 9999")
    return utc


def flag(value: str) -> bool:
    """`value` as a yes/no: 1/0, true/false, on/off, yes/no (any case)."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"expected 1 or 0, got {shown(value)}")


def _given(params: QueryDict, name: str, required: bool) -> str | None:
    value = params.get(name, "")
    if value == "":
        if required:
            raise InvalidParameter(name, "missing")
        return None
    return value


def _read(name: str, read: Callable[[str], T], value: str) -> T:
    """read(value), its ValueError turned into an InvalidParameter naming `name`."""
    try:
        return read(value)
    except ValueError as error:
        raise InvalidParameter(name, str(error)) from None


def parse_int(value: str, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """`value`, the parameter `name`, as a whole number (InvalidParameter if it is not one)."""
    return _read(name, partial(whole_number, minimum=minimum, maximum=maximum), value)


def int_param(
    params: QueryDict,
    name: str,
    *,
    required: bool = False,
    minimum: int = 1,
    maximum: int = MAX_ID,
) -> int | None:
    """The parameter `name` of `params` (request.GET or request.POST) as a whole number;
    None when absent or empty (InvalidParameter instead when `required`)."""
    value = _given(params, name, required)
    return None if value is None else parse_int(value, name, minimum=minimum, maximum=maximum)


def datetime_param(params: QueryDict, name: str, *, required: bool = False) -> datetime | None:
    """The parameter `name` as an aware datetime (see `moment`); None when absent or empty."""
    value = _given(params, name, required)
    return None if value is None else _read(name, moment, value)


def bool_param(params: QueryDict, name: str, *, default: bool = False) -> bool:
    """The parameter `name` as a yes/no; `default` when absent or empty."""
    value = _given(params, name, required=False)
    return default if value is None else _read(name, flag, value)


def bad_parameter_response(error: InvalidParameter) -> HttpResponse:
    """400 with the message as plain text: shown as it is by a browser, read by a script, and
    there for the page's HTMX error handler (htmx does not swap a 400 into the page)."""
    return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")


def rejects_invalid_parameters(view: Callable) -> Callable:
    """Decorates a view: an InvalidParameter raised while it runs is answered with a 400 that
    says which parameter and what was expected, instead of Django's bare “Bad Request”."""

    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except InvalidParameter as error:
            return bad_parameter_response(error)

    return checked


class WholeNumberField(forms.IntegerField):
    """forms.IntegerField for ids and versions: ASCII digits only (forms.IntegerField takes
    "٣" and "1_000"), by default from 1 to MAX_ID."""

    def __init__(self, *, min_value: int | None = 1, max_value: int | None = MAX_ID, **kwargs):
        # No bound given (None) is still the column's: a 64-bit integer.
        min_value = -MAX_ID - 1 if min_value is None else min_value
        max_value = MAX_ID if max_value is None else max_value
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if _too_long(text, self.min_value, self.max_value):
            # Out of range either way: the min/max validators say so in their words.
            return self.min_value - 1 if text.startswith("-") else self.max_value + 1
        return int(text)


class IdChoiceField(forms.ModelChoiceField):
    """forms.ModelChoiceField whose value must be an id in ASCII digits: the model field would
    take “٣” for 3."""

    def to_python(self, value):
        if value not in self.empty_values and not _WHOLE_NUMBER.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """forms.ModelMultipleChoiceField whose values must be ids in ASCII digits that fit the
    column (a longer one would reach the database and fail there)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if (
                not _WHOLE_NUMBER.fullmatch(text)
                or _too_long(text, 1, MAX_ID)
                or int(text) > MAX_ID
            ):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": text[:20] + ("…" if len(text) > 20 else "")},
                )
        return super()._check_values(value)
