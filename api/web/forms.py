"""The web's one form layer: declare a form's fields once, read a submission, show it again.

A ``FormSpec`` lists ``Field``s (text, whole number, decimal, dd/mm/yyyy date, choice). Reading
a posted form gives a ``Submission``: what was typed (shown again untouched when something is
wrong), the parsed values, and every error at once, each a Vietnamese message under its field's
name. The domain's own field errors join the same list (``Submission.attempt``), ordered as the
fields are on the page, so the page's error summary (``_macros.error_summary``) links to each
field in turn (the GOV.UK pattern).

Irreversible actions go through ``confirmation``: a page saying what will happen, whose button
posts the same form again with ``confirmed=yes`` (``Submission.confirmed``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from litestar.response import Template

from api.errors import VI_TITLES
from core.errors import Conflict, DomainError, FieldError, InvalidInput
from core.text import format_int, strict_int

DATE_INVALID = "Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2025."
FORM = "form"  # errors about the whole form rather than one field
CONFIRMED = "confirmed"


class FormErrors(dict):
    """Field name -> the Vietnamese message shown beside the field (and in the summary)."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, message)

    def add_domain(self, errors: Iterable[FieldError], fields: dict[str, str] | None = None) -> None:
        """Domain field errors, renamed to the form's fields (``fields``: domain -> form)."""
        for error in errors:
            self.add((fields or {}).get(error.field, error.field), error.message or VI_TITLES[422])

    def ordered(self, names: Iterable[str]) -> FormErrors:
        """The same errors in page order: ``names`` first, any others (such as ``form``) before."""
        order = {name: index for index, name in enumerate(names)}
        return FormErrors(sorted(self.items(), key=lambda item: order.get(item[0], -1)))


def refusal_messages(exc: DomainError) -> list[str]:
    """What a refusal says to a person: each field error's Vietnamese message (the status's
    Vietnamese title for one without), never the English ``detail``, which is the API's."""
    title = VI_TITLES.get(exc.status_code, VI_TITLES[400])
    return [error.message or title for error in exc.errors] or [title]


# --- reading values -------------------------------------------------------------------------


def text(form: Any, name: str, max_length: int = 4000) -> str:
    value = form.get(name)
    return value.strip()[:max_length] if isinstance(value, str) else ""


def parse_day(raw: str) -> date:
    """A date typed as dd/mm/yyyy (one-digit day and month allowed) or yyyy-mm-dd; ValueError
    else. Forms show dd/mm/yyyy whatever the browser's language (a text input, not type=date)."""
    raw = raw.strip()
    if "/" in raw:
        return datetime.strptime(raw, "%d/%m/%Y").date()
    return date.fromisoformat(raw)


def day_text(value: date | None) -> str:
    """A date as a form shows it: dd/mm/yyyy, or empty."""
    return "" if value is None else value.strftime("%d/%m/%Y")


def parse_whole(raw: str, low: int | None = None, high: int | None = None) -> int:
    """A whole number, with Vietnamese thousands dots allowed ("1.200"); ValueError outside
    [low, high]."""
    number = strict_int(raw.replace(".", ""))
    if number is None or (low is not None and number < low) or (high is not None and number > high):
        raise ValueError(raw)
    return number


def parse_int(
    form: Any, name: str, errors: FormErrors, message: str, *, low: int | None = None, high: int | None = None
) -> int | None:
    """One whole-number field outside a ``FormSpec`` (None when empty or wrong)."""
    raw = text(form, name, 32)
    if not raw:
        return None
    try:
        return parse_whole(raw, low, high)
    except ValueError:
        errors.add(name, message)
        return None


def parse_date_field(form: Any, name: str, errors: FormErrors) -> date | None:
    """One dd/mm/yyyy date field outside a ``FormSpec`` (None when empty or wrong)."""
    raw = text(form, name, 32)
    if not raw:
        return None
    try:
        return parse_day(raw)
    except ValueError:
        errors.add(name, DATE_INVALID)
        return None


def parse_decimal(raw: str, low: float, high: float) -> float:
    """A decimal with a comma or a point ("95,5"); ValueError outside [low, high]."""
    try:
        number = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise ValueError(raw) from None
    if not number.is_finite() or not low <= number <= high:
        raise ValueError(raw)
    return float(number)


# --- fields and forms -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One input: how to parse what was typed, and the messages when that fails."""

    name: str
    parse: Callable[[str], Any]  # raises ValueError for a value it refuses
    invalid: str
    required: str = ""  # the message when left empty; empty: the field is optional
    max_length: int = 255
    strip: bool = True  # a password is taken exactly as typed


def too_long(label: str, max_length: int) -> str:
    """The message for text over its length, naming the field ("Mã đơn vị tối đa 32 ký tự."):
    an error summary lists several; ``label`` empty where the summary names the field itself."""
    return (
        f"{label} tối đa {format_int(max_length)} ký tự."
        if label
        else f"Tối đa {format_int(max_length)} ký tự."
    )


def text_field(name: str, label: str = "", *, required: str = "", max_length: int = 255) -> Field:
    return Field(name, str, too_long(label, max_length), required, max_length)


def password_field(name: str, label: str, *, required: str = "") -> Field:
    return Field(name, str, too_long(label, 256), required, 256, strip=False)


def upload_field(name: str) -> Field:
    """A file input: it has its place in the form's order; the handler reads the file itself."""
    return Field(name, str, "")


def whole_field(
    name: str, invalid: str, *, low: int | None = None, high: int | None = None, required: str = ""
) -> Field:
    return Field(name, lambda raw: parse_whole(raw, low, high), invalid, required, 32)


def decimal_field(name: str, invalid: str, *, low: float, high: float, required: str = "") -> Field:
    return Field(name, lambda raw: parse_decimal(raw, low, high), invalid, required, 32)


def date_field(name: str, *, required: str = "") -> Field:
    return Field(name, parse_day, DATE_INVALID, required, 32)


def choice_field(name: str, choices: type[StrEnum], invalid: str, *, required: str = "") -> Field:
    def parse(raw: str) -> str:
        if raw not in set(choices):
            raise ValueError(raw)
        return raw

    return Field(name, parse, invalid, required, 64)


@dataclass
class Submission:
    """A form as the user sent it: ``typed`` (to show again), ``values`` (parsed; None for an
    empty or wrong field), ``errors``, and the raw data (files, repeated fields)."""

    spec: FormSpec
    typed: dict[str, str]
    values: dict[str, Any]
    errors: FormErrors = field(default_factory=FormErrors)
    data: Any = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def confirmed(self) -> bool:
        return self.data is not None and self.data.get(CONFIRMED) == "yes"

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def add_error(self, name: str, message: str) -> None:
        self.errors.add(name, message)
        self.errors = self.errors.ordered(self.spec.names)

    def add_problems(self, problems: Iterable[FieldError], fields: dict[str, str] | None = None) -> None:
        """The domain's complaints about the same data (checked before anything is written)."""
        self.errors.add_domain(problems, fields)
        self.errors = self.errors.ordered(self.spec.names)

    async def attempt(self, action: Awaitable[Any], fields: dict[str, str] | None = None) -> Any | None:
        """Run a domain call; when it refuses the data (422, 409), its field errors join this
        submission's and the result is None."""
        try:
            return await action
        except (InvalidInput, Conflict) as exc:
            self.add_problems(exc.errors, fields)
            if not self.errors:
                self.add_error(FORM, VI_TITLES[exc.status_code])
            return None


class FormSpec:
    """The fields of one form, in the order the page shows them."""

    def __init__(self, *fields: Field) -> None:
        self.fields = fields
        self.names = [f.name for f in fields]

    def read(self, data: Any) -> Submission:
        typed: dict[str, str] = {}
        values: dict[str, Any] = {}
        errors = FormErrors()
        for spec in self.fields:
            raw = data.get(spec.name)
            raw = (raw.strip() if spec.strip else raw) if isinstance(raw, str) else ""
            typed[spec.name] = raw
            values[spec.name] = None
            if not raw.strip():
                if spec.required:
                    errors.add(spec.name, spec.required)
                continue
            if len(raw) > spec.max_length:  # a text field's "invalid" says so; others' do not parse
                errors.add(spec.name, spec.invalid)
                continue
            try:
                values[spec.name] = spec.parse(raw)
            except ValueError:
                errors.add(spec.name, spec.invalid)
        return Submission(self, typed, values, errors, data)

    def blank(self, **shown: Any) -> Submission:
        """The form before anything is sent, showing ``shown`` (dates as dd/mm/yyyy)."""
        typed = {
            name: day_text(value) if isinstance(value, date) else "" if value is None else str(value)
            for name, value in shown.items()
        }
        return Submission(self, {name: typed.get(name, "") for name in self.names} | typed, {})


# --- confirming an irreversible action ------------------------------------------------------


IRREVERSIBLE = "Thao tác này không thể hoàn tác."


def confirmation(
    me: Any,
    *,
    title: str,
    consequences: list[str],
    action: str,
    button: str,
    cancel: str,
    fields: dict[str, str] | None = None,
    details: list[str] | None = None,
    details_title: str = "",
    active: str = "",
    warning: str = IRREVERSIBLE,
) -> Template:
    """The page before an action that cannot simply be taken back: ``warning`` says how far it
    can be undone, then what will happen (``consequences``, and the records affected in
    ``details``), a button posting ``fields`` back to ``action`` with ``confirmed=yes``, and a
    way back (``cancel``)."""
    return Template(
        template_name="confirm.html",
        context={
            "me": me,
            "title": title,
            "consequences": consequences,
            "action": action,
            "button": button,
            "cancel": cancel,
            "fields": fields or {},
            "details": details or [],
            "details_title": details_title,
            "active": active,
            "warning": warning,
        },
    )
