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

"""The process that starts client commands for tests/functional/commands.py.

Run by path (``python command_host.py``), never imported by the tests'
package (whose ``__init__`` turns on oslo.i18n's lazy translation, which a
command must not inherit). It imports what every ``openstack`` and
``heat`` process imports before it runs a command, then reads one request
a line on stdin (JSON: argv, env, cwd, stdout, stderr) and forks a child
per request. The child becomes the command: the request's environment,
working directory and files on fds 0-2, ``sys.argv``, and the installed
script ``argv[0]`` run as ``__main__``; it exits with the script's
status. The host answers ``{"pid": N}`` when the child starts and
``{"status": N}`` when it ends (a negative N is the signal that ended it).

Some of what a command reads is read at import, so the host reads it as
the command would: cliff names the program after ``sys.argv[0]`` (set to
``bin/openstack`` before the imports), and openstacksdk fixes where it
looks for ``clouds.yaml``. commands.py starts the host in an empty
directory with an empty HOME, and runs a command that would find such a
file in a plain subprocess instead.
"""

import os
import sys

# The script's own directory must not shadow anything (tests/functional
# holds a fixtures.py and a keystone.py): a console script has its bin
# directory there instead.
sys.path[0] = os.path.dirname(sys.executable)

import atexit  # noqa: E402
import importlib.metadata  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import runpy  # noqa: E402
import traceback  # noqa: E402

# The entry-point groups whose plugins a command loads through stevedore:
# openstackclient's API plugins and command groups, keystoneauth's auth
# plugins, cliff's formatters.
PLUGIN_GROUP_PREFIXES = ('openstack.', 'keystoneauth1.', 'cliff.')


def warm_up():
    """Import and cache what every command process would do again."""
    from cliff import command
    import openstackclient.shell  # noqa: F401 (the API plugins, on import)
    import stevedore

    import heat_store.cmd.heat  # noqa: F401 (heatclient's shell with it)

    groups = {ep.group for dist in importlib.metadata.distributions()
              for ep in dist.entry_points
              if ep.group.startswith(PLUGIN_GROUP_PREFIXES)}
    for group in sorted(groups):
        # Imports every plugin's module; stevedore keeps the group's list.
        stevedore.ExtensionManager(group)
    # The module-to-distribution map cliff builds for each command's help
    # epilog: ~0.6 s of reading every distribution's metadata.
    command._get_distributions_by_modules()


def become(request, channels):
    """In the child: set up the request's process and run its script."""
    for fd in channels:
        os.close(fd)
    os.chdir(request['cwd'])
    os.environ.clear()
    os.environ.update(request['env'])
    for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request['stdout'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, request['stderr'], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)):
        opened = os.open(path, flags, 0o600)
        os.dup2(opened, fd)
        os.close(opened)
    script = request['argv'][0]
    sys.argv = list(request['argv'])
    sys.path[0] = os.path.dirname(script)
    status = 0
    try:
        runpy.run_path(script, run_name='__main__')
    except SystemExit as exc:
        # What the interpreter does with the script's exit.
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    try:
        atexit._run_exitfuncs()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status & 0xff)


def serve(requests, replies):
    for line in requests:
        request = json.loads(line)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                become(request, (requests.fileno(), replies.fileno()))
            finally:
                # become() exits with the script's status; here only when
                # setting up the process failed (a working directory gone,
                # say): the child must not go on serving.
                traceback.print_exc()
                os._exit(1)
        replies.write(json.dumps({'pid': pid}) + '\n')
        replies.flush()
        _pid, wait_status = os.waitpid(pid, 0)
        replies.write(json.dumps(
            {'status': os.waitstatus_to_exitcode(wait_status)}) + '\n')
        replies.flush()


def main():
    # The protocol gets fds of its own; fds 0-2 are /dev/null so that
    # nothing an import prints lands in the protocol or in a test's output
    # (a failed warm-up is reported through the protocol).
    requests = os.fdopen(os.dup(0), 'r')
    replies = os.fdopen(os.dup(1), 'w')
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    sys.argv = [os.path.join(os.path.dirname(sys.executable), 'openstack')]
    try:
        warm_up()
    except Exception:
        replies.write(json.dumps({'error': traceback.format_exc()}) + '\n')
        replies.flush()
        return 1
    replies.write(json.dumps({'ready': True}) + '\n')
    replies.flush()
    serve(requests, replies)
    return 0


if __name__ == '__main__':
    sys.exit(main())
