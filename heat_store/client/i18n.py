#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Translation for the client's user-facing text (help and messages)."""

import oslo_i18n

_translators = oslo_i18n.TranslatorFactory(domain='heat_store')


def _(msg):
    """Translate now, into the process's locale.

    A command prints its text at once, so it never wants oslo.i18n's lazy
    ``Message``; but importing Heat or Keystone turns lazy mode on for the
    whole process (the server, the dashboard's tests), and a ``Message``
    refuses ``+``. The client's text is therefore always a plain string.
    """
    return oslo_i18n.translate(_translators.primary(msg))
