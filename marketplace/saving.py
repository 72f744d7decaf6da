"""One unit of work for a view: commit what the block did, or roll it all back and show why.

    if form.validate_on_submit():
        with saving(form, done=_("Your changes are saved.")) as saved:
            listing = listings.save_listing(db.session, ...)
        if saved:
            return redirect(...)
    return form_page("listings/form.html", form, listing=listing)

The block ending cleanly commits, then flashes `done` (when given) as a success. A domain error
the view expects (`catch`, ValidationError by default) rolls back and shows its problems — beside
the form's fields when a form is given (what was typed stays in the form), else as flash messages —
and the view carries on to re-render. Anything else (a bug, a lost database, abort(), NotFound,
PermissionDenied) rolls back and goes up to the error handlers: nothing half-stored, nothing hidden.

A form the page shows again reports every problem in one pass: `submitted(form)` runs the form's
own checks and lets the view go on to the service's (dates, numbers, the commune, choices), whose
problems join them; `raise_if_problems(form)` ends the block, so nothing is stored while the form
found any:

    if submitted(form):
        with saving(form) as saved:
            demand = demand_service.save_demand(db.session, ...)
            raise_if_problems(form)

Around it, what views answer the same way: `posted(form)` checks a form the page does not show
again (buttons, a note, a quick update) and flashes why it was refused, `form_page` for a form's page
(422 while it shows problems), `refuse` to say why not and send the person elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import flash, redirect, render_template
from flask_babel import gettext as _

from marketplace import db
from marketplace.errors import DomainError, ValidationError
from marketplace.forms import attach_errors


class Saved:
    """What became of the block: truthy once committed; `error` is the caught domain error."""

    def __init__(self) -> None:
        self.committed = False
        self.error: Exception | None = None

    def __bool__(self) -> bool:
        return self.committed

    @property
    def status(self) -> int:
        """The status to re-render with: the error's own (422 problems, 409 conflict), else 200."""
        return getattr(self.error, "status_code", 422) if self.error is not None else 200


def problem_messages(error: DomainError) -> list[str]:
    """Every field's message, or the error's own message when it names no field."""
    return [m for messages in error.fields.values() for m in messages] or [error.message]


def flash_problems(error: DomainError) -> None:
    """All of an error's problems in one flash message (for a button that posts, with no form)."""
    flash(" ".join(problem_messages(error)), "error")


def flash_each(error: DomainError, prefix: str = "") -> None:
    """One flash per field problem (for a form the page does not show, or one of many on a page)."""
    for message in problem_messages(error) if error.fields else []:
        flash(prefix + message, "error")


def flash_message(error: DomainError) -> None:
    """The error's own sentence, for a refused state change ("This request is closed.")."""
    flash(error.message, "error")


@contextmanager
def saving(form=None, *, catch: tuple[type[Exception], ...] = (ValidationError,),
           show: Callable[[Exception], None] | None = None, done: str | None = None) -> Iterator[Saved]:
    """Commit the block, or roll it back; a `catch` error is shown by `show` (default: on the
    form's fields, or flashed when there is no form) and swallowed, anything else re-raised.
    `done` is flashed as a success once the block is committed."""
    saved = Saved()
    try:
        yield saved
    except catch as error:
        db.session.rollback()
        saved.error = error
        if show is not None:
            show(error)
        elif form is not None:
            attach_errors(form, error)
        else:
            flash_problems(error)
    except BaseException:
        db.session.rollback()
        raise
    else:
        try:
            db.session.commit()
        except BaseException:
            db.session.rollback()  # a commit refused by the database leaves nothing half-done either
            raise
        saved.committed = True
        if done is not None:
            flash(str(done), "success")


def submitted(form) -> bool:
    """True when the form was posted, after its own field checks ran (their messages wait on the
    fields). Unlike validate_on_submit it is True with problems too, so that the service's checks
    run in the same pass: the person sees every problem at once, not one stage per submit. The
    CSRF token is checked before any view (security.check_csrf)."""
    if not form.is_submitted():
        return False
    form.validate()
    return True


def raise_if_problems(form) -> None:
    """End a `saving` block whose form found problems of its own (the service found none, or it
    would have raised): roll back whatever the service did, and show the form again."""
    if form.errors:
        raise ValidationError(_("Some fields need attention."),
                              fields={name: list(messages) for name, messages in form.errors.items()
                                      if name in form})


def posted(form, prefix: str = "") -> bool:
    """True when the posted form checks out; else flashes why (after `prefix`, e.g. which listing
    of many) and is False. The CSRF token is checked before any view (security.check_csrf), so a
    field's own problem (a note too long) is named with its label; a form of buttons or choices has
    nothing else to get wrong: it expired."""
    if form.validate_on_submit():
        return True
    problems = [f"{form[name].label.text}: {message}" for name, messages in form.errors.items()
                if name != "csrf_token" and name in form for message in messages]
    flash(prefix + (" ".join(problems) or _("The form expired. Please send it again.")), "error")
    return False


def form_page(template: str, form, **context):
    """A form's page with what was typed: 422 while the form shows problems, else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def refuse(message: str, url: str):
    """Say why the person cannot go on here, and send them to `url`."""
    flash(message, "error")
    return redirect(url)
