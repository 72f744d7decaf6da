"""Forms to enter certificates and codes, and for staff decisions."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.credentials.labels import CERTIFICATE_TYPE_LABELS, CODE_KIND_LABELS
from marketplace.credentials.services import PROBLEM_MESSAGES
from marketplace.forms import choices, date_field, max_length, quantity_field, required
from marketplace.markets import MAIN_MARKETS, market_choices, market_name

SCAN_TYPES = "application/pdf,.pdf,image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"


def market_label(code: str, locale: str) -> str:
    """"Trung Quốc · China (CN)": the reader's language first, the other one beside it."""
    other = "en" if locale == "vi" else "vi"
    first, second = market_name(code, locale), market_name(code, other)
    return f"{first} · {second} ({code})" if second != first else f"{first} ({code})"


def evidence_fields():
    """What staff check a credential against, after the credential's own fields: area, export
    markets (the main ones ticked, any other typed, read by markets.read_markets), and a scan of the
    paper. `scan_key` carries a scan already uploaded back through a form that had other problems,
    so that it is not sent twice. Made anew for each form, so that they come last in its order."""
    return (
        quantity_field(_l("Area (ha)"), optional=True),
        SelectMultipleField(_l("Export markets"), choices=[], validate_choice=True,
                            widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()),
        StringField(_l("Other markets"), validators=[Optional(), max_length(200)],
                    render_kw={"list": "market-names", "autocomplete": "off"}),
        FileField(_l("Scan or photo of the certificate or decision"), render_kw={"accept": SCAN_TYPES}),
        HiddenField(),
    )


class EvidenceFields(FlaskForm):
    """A credential's form: the markets to tick are named in the reader's language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        locale = str(get_locale() or "vi")
        self.markets.choices = [(code, market_label(code, locale)) for code in MAIN_MARKETS]

    def fill_markets(self, codes: list[str]) -> None:
        """Tick the main markets among `codes`; name the others in the text field."""
        locale = str(get_locale() or "vi")
        self.markets.data = [code for code in codes if code in MAIN_MARKETS]
        self.other_markets.data = "; ".join(market_name(code, locale) for code in codes if code not in MAIN_MARKETS)


def datalist_markets(locale: str) -> list[tuple[str, str]]:
    """(value, label) for the type-ahead: every market but the main ones (ticked instead), named in
    the reader's language, with the other language's name and the code as its label."""
    other = "en" if locale == "vi" else "vi"
    return [(name, f"{market_name(code, other)} · {code}") for code, name in market_choices(locale)
            if code not in MAIN_MARKETS]


class CertificateForm(EvidenceFields):
    # WTForms has no Vietnamese: say in our words what its "Not a valid choice." means.
    type = SelectField(_l("Kind"), choices=choices(CERTIFICATE_TYPE_LABELS.items()), validators=[required()],
                       invalid_choice_message=PROBLEM_MESSAGES["type_unknown"])
    number = StringField(_l("Certificate or decision number"), validators=[required(), max_length(60)],
                         render_kw={"autocapitalize": "characters"})
    product_text = StringField(_l("Products covered"), validators=[Optional(), max_length(200)])
    stars = SelectField(_l("OCOP stars"), choices=choices([("", "—")] + [(str(n), "★" * n) for n in range(1, 6)]),
                        validators=[Optional()], invalid_choice_message=PROBLEM_MESSAGES["stars_range"])
    issuer = StringField(_l("Issued by"), validators=[Optional(), max_length(200)])
    issued_on = date_field(_l("Issued on"), optional=True)
    expires_on = date_field(_l("Valid until"), optional=True)
    area_ha, markets, other_markets, scan, scan_key = evidence_fields()


class PlantingCodeForm(EvidenceFields):
    code = StringField(_l("Code"), validators=[required(), max_length(40)],
                       render_kw={"autocapitalize": "characters", "placeholder": "VN-DTOR-0017"})
    kind = SelectField(_l("Kind"), choices=choices(CODE_KIND_LABELS.items()), validators=[required()],
                       invalid_choice_message=PROBLEM_MESSAGES["kind_unknown"])
    crop = StringField(_l("Crop"), validators=[Optional(), max_length(120)])
    variety = StringField(_l("Variety"), validators=[Optional(), max_length(120)])
    issuer = StringField(_l("Issued by"), validators=[Optional(), max_length(200)])
    issued_on = date_field(_l("Issued on"), optional=True)
    valid_until = date_field(_l("Valid until"), optional=True)
    area_ha, markets, other_markets, scan, scan_key = evidence_fields()


class DecisionForm(FlaskForm):
    action = SelectField(choices=choices([("verify", ""), ("suspend", ""), ("revoke", ""), ("reject", "")]))
    reason = TextAreaField(_l("Reason (shown to the organisation)"), validators=[Optional(), max_length(1000)])


class FlagForm(FlaskForm):
    """Staff's resolution of a code-borrowing flag, with a note saying why (required)."""

    resolution = SelectField(choices=choices([("confirmed", ""), ("cleared", "")]), validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(1000)])
