"""Extension objects, created unbound and attached to the app in create_app."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import FlaskForm

from marketplace.csrf_masking import MaskedCSRFProtect, MaskedFormCSRF

login_manager = LoginManager()
csrf = MaskedCSRFProtect()
compress = Compress()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Every form of the app derives from FlaskForm directly; its CSRF field writes a masked token
# and unmasks the one posted (BREACH: marketplace/csrf_masking.py). WTForms' Meta.csrf_class is the
# documented place to change that, here once for all of them.
FlaskForm.Meta.csrf_class = MaskedFormCSRF
