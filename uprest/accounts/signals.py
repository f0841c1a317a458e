"""Other domains add their personal data to a user's export and erase it with the account."""

from blinker import Namespace

_signals = Namespace()

# sender: the User; receivers return (section name, JSON-able data)
personal_data_export = _signals.signal("uprest.accounts.personal-data-export")
# sender: the User; receivers delete what they hold about the user (same transaction)
account_erasing = _signals.signal("uprest.accounts.account-erasing")
# sender: the Business about to be deleted with its last member; receivers drop what they
# derived from it (before the cascade removes its rows behind their back)
business_closing = _signals.signal("uprest.accounts.business-closing")
# sender: the Business about to change municipality; a receiver returns why it may not (a
# translatable message) or None
business_moving = _signals.signal("uprest.accounts.business-moving")
# sender: the Business, just confirmed by its municipality; receivers count its answers
business_confirmed = _signals.signal("uprest.accounts.business-confirmed")
