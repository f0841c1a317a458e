"""The LRS's public face for the other domains: recording statements, naming agents and
activities (the app's activity IRIs in ``iris``, verbs and extensions in ``vocabulary``), and
what a cmi5 launch needs (a client per content package, launch tokens, state documents).
Everything else in ``uprest.xapi`` is internal to the LRS."""

from uprest.xapi import iris as iris
from uprest.xapi import vocabulary as vocabulary
from uprest.xapi.agents import agent_key as agent_key
from uprest.xapi.clients import create_client as create_client
from uprest.xapi.documents import get_document as get_document
from uprest.xapi.documents import save_document as save_document
from uprest.xapi.emitter import actor_for as actor_for
from uprest.xapi.emitter import emit as emit
from uprest.xapi.emitter import emit_many as emit_many
from uprest.xapi.emitter import statement_for as statement_for
from uprest.xapi.jsonio import dumps as json_dumps  # noqa: F401 (re-exported)
from uprest.xapi.jsonio import loads as json_loads  # noqa: F401 (re-exported)
from uprest.xapi.privacy import names_person as names_person
from uprest.xapi.tokens import Refused as Refused
from uprest.xapi.tokens import issue as issue_token  # noqa: F401 (re-exported)
from uprest.xapi.tokens import register_guard as register_guard
from uprest.xapi.tokens import revoke as revoke_token  # noqa: F401 (re-exported)
