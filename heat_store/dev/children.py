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

"""The child processes of the development stack: start, wait, stop.

Keystone and Horizon run in children of ``heat-store-dev``; the functional
tests run ``heat-store-dev`` itself as a child. Each child writes its
output to a log file, is ready when a probe says so, and is stopped with
SIGTERM, then SIGKILL if it lingers.

Every child is recorded as it starts, so that an interrupted start can
stop what it had started (:func:`stop_started`). A signal handler calls
:func:`interrupt` rather than raising KeyboardInterrupt itself: raised
inside ``subprocess.Popen``, after the fork, it would leave a child that
no one knows of.
"""

import subprocess
import time
import urllib.error
import urllib.request

_started = []
_starting = 0
_interrupt_pending = False


def interrupt():
    """Raise KeyboardInterrupt, for a signal handler.

    While a child is starting, the interrupt waits until the child is
    recorded, and is raised then.
    """
    global _interrupt_pending
    if _starting:
        _interrupt_pending = True
    else:
        raise KeyboardInterrupt


def _spawn(command, **kwargs):
    global _starting, _interrupt_pending
    _starting += 1
    try:
        process = subprocess.Popen(command, **kwargs)
        _started.append(process)
    finally:
        _starting -= 1
    if _interrupt_pending and not _starting:
        _interrupt_pending = False
        raise KeyboardInterrupt
    return process


def start(command, log_path, env=None, append=False):
    """Start ``command``, its stdout and stderr in ``log_path``.

    The log is written afresh, or added to with ``append``.
    """
    with open(log_path, 'ab' if append else 'wb') as log:
        return _spawn(command, stdout=log, stderr=subprocess.STDOUT, env=env)


def run(command, env=None):
    """Run ``command`` to its end: (status, stdout, stderr) as text.

    Interrupted, the child is killed before the interrupt goes on.
    """
    process = _spawn(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                     text=True, env=env)
    try:
        out, err = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, out, err


def stop_started(grace):
    """Stop every child started here that still runs, newest first."""
    for process in reversed(_started):
        stop(process, grace)
    _started.clear()


def answers(url, timeout):
    """Whether ``url`` answers 200 within ``timeout`` seconds."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            resp.read()
            return resp.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def wait(process, ready, timeout, name, details, interval=0.1, grace=15):
    """Return once ``ready()`` is true.

    RuntimeError if the child ends first, or when ``timeout`` seconds have
    passed (the child is stopped then, see :func:`stop`); its message ends
    with ``details()``: the child's output, or where to read it.
    """
    deadline = time.monotonic() + timeout
    while not ready():
        if process.poll() is not None:
            raise RuntimeError('%s exited with status %s:\n%s' % (
                name, process.returncode, details()))
        if time.monotonic() > deadline:
            text = details()
            stop(process, grace)
            raise RuntimeError('%s was not ready in %d s:\n%s' % (
                name, timeout, text))
        time.sleep(interval)


def stop(process, grace):
    """SIGTERM a child still running; SIGKILL it after ``grace`` seconds."""
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
