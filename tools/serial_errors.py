from odoo.tools.translate import LazyGettext, LazyTranslate

_lt = LazyTranslate("serial_tracking")


class SerialInputError(ValueError):
    """Bad serial input. ``localized(env)`` gives the message in the user's
    language, ``str(error)`` in English."""

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
