"""Staff verify an organisation: a club or cooperative against its founding decision, a buyer
against its tax code; the badge "verified by staff on …" is set here and nowhere else (issue #19)."""
