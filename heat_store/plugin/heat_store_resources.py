"""Heat resource plugin module (the directory is named in ``plugin_dirs``).

Heat imports every module of a plugin directory under its own name
(``heat.engine.plugins.<module>``); this shim keeps the real classes in
``heat_store.resources``, imported once under their own name.
"""

from heat_store.resources import stored_template


def resource_mapping():
    return stored_template.resource_mapping()
