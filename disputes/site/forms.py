"""Every query parameter of the public pages goes through one of these forms."""

from html import escape

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from disputes.models import DemandType, DisputeStatus, OutcomeKind, Platform
from disputes.vocab import COUNTRY_CODES, country_name

COUNTRY_SET = frozenset(COUNTRY_CODES)

SORTS = [("", "Newest first"), ("oldest", "Oldest first"), ("title", "Title"), ("country", "Country")]


class FastSelect(forms.Select):
    """A <select> rendered in Python: the template-per-option widget costs
    milliseconds on lists of countries, and the list page is rendered often."""

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        # Always flat (value, label) pairs here: Django's normalisation of them ran again on
        # every copy of the form's fields, on every request.
        self._choices = list(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        value = "" if value is None else str(value)
        # The standard library's escape (what Django's wraps) without the lazy
        # and SafeString wrapping per value: the country menu has ~60 options.
        options = "".join(
            f'<option value="{escape(str(v))}"{" selected" if str(v) == value else ""}>{escape(str(label))}</option>'
            for v, label in self.choices
        )
        attr_html = "".join(
            f' {escape(str(k))}="{escape(str(v))}"' for k, v in attrs.items()
            if v not in (None, False) and k not in ("maxlength", "minlength")  # a CharField's, not a menu's
        )
        return mark_safe(f'<select name="{escape(name)}"{attr_html}>{options}</select>')


class FastInput(forms.TextInput):
    """An <input> rendered in Python, like FastSelect; `input_type` comes from attrs."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        attrs.setdefault("type", self.input_type)
        value = self.format_value(value)
        if value is not None:
            attrs["value"] = value
        attr_html = format_html_join("", ' {}="{}"', ((k, v) for k, v in attrs.items() if v not in (None, False)))
        return format_html('<input name="{}"{}>', name, attr_html)


class FastHiddenInput(FastInput):
    input_type = "hidden"


class FastDateInput(FastInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class CodeField(forms.CharField):
    """One of a fixed set of codes, offered as a menu.

    Not a ChoiceField: forms deep-copy their fields on every request, and a ChoiceField
    re-normalises its choices each time (a fifth of a warm list request). The menu's
    choices live on the widget; validation checks a set that copies share.
    """

    def __init__(self, *, choices, blank: str | None = "Any", **kwargs):
        choices = list(choices)
        menu = [("", blank), *choices] if blank else choices
        super().__init__(required=False, max_length=40, widget=FastSelect(choices=menu), **kwargs)
        self.codes = frozenset(str(value) for value, _ in choices)

    def __deepcopy__(self, memo):
        copied = super().__deepcopy__(memo)
        copied.codes = self.codes
        return copied

    def validate(self, value):
        super().validate(value)
        if value and value not in self.codes:
            raise forms.ValidationError(
                "Select a valid choice. %(value)s is not one of the available choices.",
                code="invalid_choice", params={"value": value},
            )


class _Form(forms.Form):
    """Labels without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class DisputeFilterForm(_Form):
    q = forms.CharField(label="Words in the title or summary", required=False, max_length=200,
                        widget=FastInput(attrs={"type": "search"}))
    # A code checked against the set, not a 250-entry ChoiceField: forms deep-copy
    # their fields on every request.
    country = forms.CharField(label="Country", required=False, max_length=2, widget=FastSelect)
    platform = CodeField(label="Platform", choices=Platform.choices)
    demand_type = CodeField(label="Demand", choices=DemandType.choices)
    outcome = CodeField(label="Outcome", choices=OutcomeKind.choices)
    status = CodeField(label="Status", choices=DisputeStatus.choices)
    topic = forms.SlugField(label="Topic", required=False, max_length=40, widget=FastSelect)
    actor = forms.SlugField(required=False, max_length=200, widget=FastHiddenInput)
    date_from = forms.DateField(label="Started from", required=False, widget=FastDateInput)
    date_to = forms.DateField(label="Started until", required=False, widget=FastDateInput)
    sort = CodeField(label="Sort", choices=SORTS, blank=None)
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000, widget=forms.HiddenInput)

    def __init__(self, *args, countries=None, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Validation accepts every country code; the menu offers those with disputes
        # (and the one asked for, so that the menu shows the filter in use).
        countries = list(countries or [])
        asked = str(self.data.get("country", "")).upper() if self.is_bound else ""
        if asked in COUNTRY_SET and asked not in {code for code, _ in countries}:
            countries.append((asked, country_name(asked)))
        self.fields["country"].widget.choices = [("", "Any")] + countries
        self.fields["topic"].widget.choices = [("", "Any")] + list(topics or [])

    def clean_country(self):
        code = self.cleaned_data["country"].upper()
        if code and code not in COUNTRY_SET:
            raise forms.ValidationError("Not a country code.")
        return code

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end of the range is before its start.")
        return data

    def fields_html(self):
        """Each visible field with its label and errors, rendered without
        templates (the list page renders this form on every request)."""
        blocks = []
        for field in self:
            if field.is_hidden:
                continue
            attrs = {"id": field.auto_id}
            if field.errors:
                attrs["aria-describedby"] = f"{field.auto_id}-error"
                attrs["aria-invalid"] = "true"
            # Show the cleaned value ("fr" asked, "FR" selected) when there is one.
            cleaned = getattr(self, "cleaned_data", {})
            value = cleaned[field.name] if field.name in cleaned else field.value()
            widget = field.field.widget.render(field.html_name, value, attrs=attrs)
            errors = (
                format_html('<p class="error" id="{}-error" role="alert">{}</p>', field.auto_id, " ".join(field.errors))
                if field.errors else ""
            )
            css = "field field-wide" if field.name == "q" else "field has-error" if field.errors else "field"
            blocks.append(format_html(
                '<div class="{}"><label for="{}">{}</label> {}{}</div>', css, field.auto_id, field.label, widget, errors
            ))
        return format_html_join("", "{}", ((b,) for b in blocks))

    def filter_data(self) -> dict:
        """The cleaned filters without paging: what exports and feeds reuse."""
        return {k: v for k, v in self.cleaned_data.items() if k != "page" and v not in (None, "")}


class TimelineForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "Everything"), ("demand", "Demands"), ("outcome", "Outcomes"), ("event", "Events"),
                 ("reporting", "Reporting")],
    )


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)


class SearchForm(_Form):
    q = forms.CharField(label="Search", required=False, max_length=200, widget=FastInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(
        label="In", required=False, choices=[("", "Disputes and articles"), ("dispute", "Disputes"), ("article", "Articles")],
        widget=FastSelect,
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class CompareForm(_Form):
    metric = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Disputes"), ("demands", "Demands"), ("compliance", "Compliance rate")],
    )
