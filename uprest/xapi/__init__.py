"""The learning record: xAPI statement validation and storage, the LRS API, emitter and forwarder.

It knows nothing of courses: it announces each stored statement with ``statements_stored``.
"""
