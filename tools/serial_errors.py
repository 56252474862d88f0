# Copyright 2026 serial_tracking authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one error the plain-Python serial helpers raise."""

from odoo.tools.translate import LazyGettext, LazyTranslate

_lt = LazyTranslate(__name__)


class SerialInputError(ValueError):
    """Input a person must fix (a bad serial, span, format or file).

    ``message`` is a lazy translation: ``str(error)`` gives the English text,
    ``localized(env)`` the text in the user's language.
    """

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def localized(self, env=None):
        lang = (env and env.lang) or "en_US"
        if isinstance(self.message, LazyGettext):
            return self.message._translate(lang)
        return str(self.message)

    def __str__(self):
        return self.localized()
