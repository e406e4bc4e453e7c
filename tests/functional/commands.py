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

"""Client commands in processes of their own, without the start-up cost.

An ``openstack`` process spends about 1.5 s of CPU before its command
runs: openstackclient imports the API plugins Heat's dependencies install
(14), stevedore imports every command module of every group, and cliff
reads every distribution's metadata for the help epilog. The command
tests run a few hundred commands; on CI's two cores that start-up was the
largest single share of the run.

``run()`` pays it once per test process: ``command_host.py`` imports all
of that once, then forks a child per command, and the child runs the
installed script (``bin/openstack``, ``bin/heat``) as ``__main__`` with
the test's argv, environment and working directory, its stdout and stderr
captured. The command, its process, its HTTP requests and its exit status
are real; only the interpreter's start and the imports are shared. The
executables as a shell starts them are run by test_cli's ReadmeTourTest,
test_quiet_tools, test_keystone's CLI test and test_packaging.

What a command reads at import is the host's: openstacksdk fixes there
where it looks for ``clouds.yaml`` (the working directory, HOME's and the
XDG directories). The host imports in an empty directory with an empty
HOME, so it finds none; a command that would find one, or a program that
is not a Python console script of this virtualenv, runs in a plain
subprocess instead (``forkable``).
"""

import atexit
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

BIN = os.path.dirname(sys.executable)
HOST = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    'command_host.py')
# What openstacksdk reads at import to find its configuration files, and
# those files' names.
IMPORT_ENVIRONMENT = ('HOME', 'XDG_CONFIG_HOME', 'XDG_CONFIG_DIRS',
                      'SNAP_REAL_HOME')
CONFIG_FILE_PREFIXES = ('clouds.', 'secure.', 'clouds-public.')
# The host's warm-up imports everything once: seconds on a busy machine.
READY_TIMEOUT = 120

_lock = threading.Lock()
_host = {}


class CommandHost(object):
    """One ``command_host.py`` process; one command at a time."""

    def __init__(self):
        # An empty working directory and HOME: no clouds.yaml found by the
        # imports (site-wide ones are the same for every command).
        self.home = tempfile.mkdtemp(prefix='heat-store-command-host-')
        env = {name: value for name, value in os.environ.items()
               if name not in IMPORT_ENVIRONMENT}
        self.proc = subprocess.Popen(
            [sys.executable, HOST], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=self.home,
            env=dict(env, HOME=self.home))
        ready = self._expect('its warm-up')
        if not ready.get('ready'):
            self.close()
            raise RuntimeError('the command host did not start:\n%s' %
                               ready.get('error', ready))

    @staticmethod
    def forkable(argv, env, cwd):
        """Whether the host's imports are the ones ``argv`` would do: a
        console script of this virtualenv that finds no ``clouds.yaml``
        (nor ``secure.yaml``, ``clouds-public.yaml``) of a user's own.
        """
        script = argv[0]
        if os.path.dirname(script) != BIN:
            return False
        with open(script, 'rb') as f:
            if f.readline(4096).strip() != b'#!' + os.fsencode(
                    sys.executable):
                return False
        home = env.get('HOME', '')
        places = [cwd, os.path.join(
            env.get('XDG_CONFIG_HOME') or os.path.join(home, '.config'),
            'openstack')]
        if env.get('SNAP_REAL_HOME'):
            places.append(os.path.join(env['SNAP_REAL_HOME'], '.config',
                                       'openstack'))
        if env.get('XDG_CONFIG_DIRS'):
            # Site-wide places other than the host's /etc/xdg/openstack.
            places += [os.path.join(top, 'openstack') for top in
                       env['XDG_CONFIG_DIRS'].split(os.pathsep) + ['/etc/xdg']]
        for place in places:
            if os.path.isdir(place) and any(
                    name.startswith(CONFIG_FILE_PREFIXES)
                    for name in os.listdir(place)):
                return False
        return True

    def _expect(self, what):
        """The host's next answer, which it owes within READY_TIMEOUT."""
        reply = self._reply(READY_TIMEOUT)
        if reply is None:
            raise RuntimeError('the command host gave no answer on %s in '
                               '%d s' % (what, READY_TIMEOUT))
        return reply

    def _reply(self, timeout):
        """The host's next answer, or None if none came in ``timeout``."""
        readable, _w, _x = select.select([self.proc.stdout], [], [],
                                         timeout)
        if not readable:
            return None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError('the command host exited (status %s)' %
                               self.proc.poll())
        return json.loads(line)

    def run(self, argv, env, cwd, timeout):
        """(status, stdout, stderr) of ``argv`` run in a child process."""
        with tempfile.TemporaryDirectory(prefix='command-') as scratch:
            out = os.path.join(scratch, 'stdout')
            err = os.path.join(scratch, 'stderr')
            self.proc.stdin.write(json.dumps({
                'argv': list(argv), 'env': dict(env), 'cwd': cwd,
                'stdout': out, 'stderr': err}) + '\n')
            self.proc.stdin.flush()
            pid = self._expect('a fork')['pid']
            finished = self._reply(timeout)
            if finished is None:
                os.kill(pid, signal.SIGKILL)
                self._expect('a killed command')
                raise subprocess.TimeoutExpired(argv, timeout)
            return (finished['status'], self._read(out), self._read(err))

    @staticmethod
    def _read(path):
        with open(path, errors='replace') as f:
            return f.read()

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)
        shutil.rmtree(self.home, ignore_errors=True)


@atexit.register
def _close():
    host = _host.pop('host', None)
    if host is not None and host.proc.poll() is None:
        host.close()


def run(argv, env, cwd, timeout=120):
    """``subprocess.run(argv, ...)`` of a console script of this virtualenv,
    as (status, stdout, stderr), through the process-wide command host.
    """
    if CommandHost.forkable(argv, env, cwd):
        with _lock:
            host = _host.get('host')
            if host is None or host.proc.poll() is not None:
                host = _host['host'] = CommandHost()
            return host.run(argv, env, cwd, timeout)
    proc = subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr
