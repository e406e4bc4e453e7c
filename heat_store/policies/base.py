"""Persona check strings of the store's default policies.

They follow Heat's reader/member/admin model. Each also names the roles it
implies, because Keystone's role implication (admin > member > reader) is
absent under the embedded no-auth mode, where every caller is ``admin``.
"""

PROJECT_READER = ('(role:reader or role:member or role:admin) and '
                  'project_id:%(project_id)s')
PROJECT_MEMBER = '(role:member or role:admin) and project_id:%(project_id)s'
ADMIN = 'role:admin'
