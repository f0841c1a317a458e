"""The LRS announces each stored statement; listeners run inside the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: statement (models.Statement), data (dict)
statement_stored = _signals.signal("uprest.xapi.statement-stored")
