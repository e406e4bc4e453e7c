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

"""Templates, files and environments shown with syntax highlighting.

Pygments renders on the server, so the page needs no script of its own;
the colours are one small style sheet (:func:`style`) scoped to the
panel's ``.ts-code`` blocks.
"""

from django.utils import safestring
import pygments
from pygments import formatters
from pygments import lexers
from pygments import util as pygments_util

CSS_CLASS = 'ts-code'
_FORMATTER = formatters.HtmlFormatter(cssclass=CSS_CLASS, linenos=False)


def _lexer(path, text):
    try:
        return lexers.get_lexer_for_filename(path or 'file.yaml', text)
    except pygments_util.ClassNotFound:
        return lexers.TextLexer()


def code(text, path='template.yaml'):
    """``text`` as highlighted HTML, the language guessed from ``path``."""
    html = pygments.highlight(text or '', _lexer(path, text), _FORMATTER)
    return safestring.mark_safe(html)


def style():
    """The style sheet of the highlighted blocks."""
    return safestring.mark_safe(_FORMATTER.get_style_defs('.' + CSS_CLASS))
