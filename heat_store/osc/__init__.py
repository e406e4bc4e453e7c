"""``openstack orchestration template store ...`` commands.

Registered in ``openstack.orchestration.v1``, the group python-heatclient
fills; they reach Heat through ``client_manager.orchestration``.
"""
