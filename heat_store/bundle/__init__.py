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

"""Template bundles, on the server.

A bundle is a root template, ``files`` (relative path -> text) and an
optional environment. Its canonical JSON form is what is stored, sized
and digested, so that the same bundle has the same digest wherever it is
computed and whichever of YAML, JSON or a dict it was sent as.

Callers import the module that holds what they use:

- ``formats``: the section and key names of Heat's two template formats,
  the limits read from Heat's options, the bundle's refusals.
- ``parse``: every text of a bundle through the gate
  (:mod:`heat_store.parsing`): ``parse_template``, ``parse_environment``,
  ``parse_file``, ``check_files``, ``child_template``.
- ``client_body``: publish bodies as Heat's clients send them
  (``relative_body``, ``absolute_keys_made_relative``).
- ``texts``: the texts kept beside the stored form (``kept_texts``,
  ``texts_size``).
- ``canonical``: the stored bytes and the digest (``canonical_bytes``,
  ``digest``).
- ``file_references``: ``files`` keys and the references templates and
  environments make (``normalise_files``, ``template_references``,
  ``resource_types``, ``type_refs``).
- ``type_analysis``: types and group sizes computed by functions
  (``TypeAnalysis``).
- ``engine``: the child templates a bundle's references reach
  (``check_references``) and the bundle as Heat's engine builds it
  (``engine_bundle``).
- ``interface``: parameters and outputs, and what breaks them
  (``interface``, ``interface_breaks``).

Lock rewriting (a reference built from its locked version) is in
:mod:`heat_store.dependencies`.
"""
