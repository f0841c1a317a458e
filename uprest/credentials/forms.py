"""The verification form: a credential file or its pasted text (shape only)."""

from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField

from uprest.core.forms import UprestForm, max_length
from uprest.i18n import _l


class VerifyForm(UprestForm):
    upload = FileField(_l("Credential file (.jwt, or the badge image .png or .svg)"))
    text = TextAreaField(_l("Or paste the signed credential"), validators=[max_length(100_000)])
    submit = SubmitField(_l("Check the credential"))

    def token(self) -> bytes | None:
        """The uploaded file's bytes, else the pasted text; None when both are empty."""
        if self.upload.data and getattr(self.upload.data, "filename", ""):
            return self.upload.data.read()
        return self.text.data.encode() if (self.text.data or "").strip() else None
