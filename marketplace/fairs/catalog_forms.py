"""Forms of the staff's catalog pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from marketplace.fairs.catalog_rules import MAX_TEXT
from marketplace.forms import max_length, required


class CatalogForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), max_length(MAX_TEXT["title"])])
    title_en = StringField(_l("Title in English"), validators=[Optional(), max_length(MAX_TEXT["title_en"])])
    fair_id = SelectField(_l("Fair"), choices=[], validate_choice=False,
                          description=_l("Leave empty for a standing catalog."))
    cover_text = TextAreaField(_l("Cover text"), validators=[Optional(), max_length(MAX_TEXT["cover_text"])],
                               render_kw={"rows": 4})
    cover_text_en = TextAreaField(_l("Cover text in English"),
                                  validators=[Optional(), max_length(MAX_TEXT["cover_text_en"])], render_kw={"rows": 4})


class SectionForm(FlaskForm):
    title = StringField(_l("Section title"), validators=[required(), max_length(MAX_TEXT["title"])])
    title_en = StringField(_l("Section title in English"), validators=[Optional(), max_length(MAX_TEXT["title_en"])])


class AddEntryForm(FlaskForm):
    org_id = HiddenField()
    listing_id = HiddenField()
    section_id = SelectField(_l("Section"), choices=[], validate_choice=False)


class EntryForm(FlaskForm):
    section_id = SelectField(_l("Section"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), max_length(MAX_TEXT["note"])], render_kw={"rows": 2})
    note_en = TextAreaField(_l("Note in English"), validators=[Optional(), max_length(MAX_TEXT["note_en"])],
                            render_kw={"rows": 2})
