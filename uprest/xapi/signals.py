"""The LRS announces each stored statement; listeners run inside the same transaction."""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: stored (list of store.Stored, each with .data, the statement)
statements_stored = _signals.signal("uprest.xapi.statements-stored")
