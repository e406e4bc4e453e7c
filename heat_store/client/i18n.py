"""Translation for the client's user-facing text (help and messages)."""

import oslo_i18n

_translators = oslo_i18n.TranslatorFactory(domain='heat_store')

# The primary translation function using the well-known name "_"
_ = _translators.primary
