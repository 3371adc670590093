#!/usr/bin/python3
# test-a11y.py: Liao as a screen reader sees it, over AT-SPI
#
# Starts the real `liao` (LIAO_EXE) against the fake server
# (LIAO_FAKE_SERVER) with GTK's AT-SPI backend on, waits for it on the
# accessibility bus, then checks that every button and text entry has a
# name, that the main controls are there, and that a message sent from the
# keyboard shows in the transcript.  Exit status 77 (skip) without pyatspi.
#
# Copyright 2026 The Liao developers
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# Liao runs with the test environment's G_DEBUG=fatal-warnings; libatspi,
# the screen reader's side, warns about applications it finds half-started
# and is not what is tested.
LIAO_ENV = dict(os.environ)
os.environ.pop('G_DEBUG', None)

try:
    import pyatspi
except ImportError:
    print('pyatspi is not installed (python3-pyatspi)')
    sys.exit(77)

TIMEOUT = 20
# ASCII: xdotool cannot type Chinese into an X server without an input method.
MESSAGE = 'Accessible hello from the keyboard'

CONTROL_ROLES = {
    pyatspi.ROLE_PUSH_BUTTON: 'push button',
    pyatspi.ROLE_TOGGLE_BUTTON: 'toggle button',
    pyatspi.ROLE_ENTRY: 'text entry',
    pyatspi.ROLE_PASSWORD_TEXT: 'text entry',
}
if hasattr(pyatspi, 'ROLE_PUSH_BUTTON_MENU'):
    CONTROL_ROLES[pyatspi.ROLE_PUSH_BUTTON_MENU] = 'menu button'

# GTK 4.8 names a control nothing else names after its class (or its
# icon's, "GtkImage"); a tooltip does not name it.
TYPE_NAME = re.compile(r'^(Gtk|Adw|Chat)[A-Z]\w*$')

# What must be reachable: (description, roles, pattern its name matches).
MAIN_CONTROLS = [
    ('New Conversation', CONTROL_ROLES, r'^New Conversation$'),
    ('Search', CONTROL_ROLES, r'^Search'),
    ('Send', (pyatspi.ROLE_PUSH_BUTTON,), r'^Send'),
    ('the profile switcher', CONTROL_ROLES, r'Profile'),
    ('the model switcher', CONTROL_ROLES, r'^Model$'),
    ('the main menu', CONTROL_ROLES, r'^Main Menu$'),
]


def wait_for(what, condition):
    """Polls @condition until it returns something true; fails after TIMEOUT s."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception as error:  # the tree changes under us while it loads
            print(f'# waiting for {what}: {error}')
            found = None
        if found:
            return found
        time.sleep(0.2)
    sys.exit(f'FAIL: timed out after {TIMEOUT} s waiting for {what}')


def find_application(pid):
    desktop = pyatspi.Registry.getDesktop(0)
    for i in range(desktop.childCount):
        application = desktop.getChildAtIndex(i)
        if application is not None and application.get_process_id() == pid:
            return application
    return None


def walk(accessible, depth=0):
    """Yields (accessible, depth) below @accessible, itself first."""
    yield accessible, depth
    for i in range(accessible.childCount):
        child = accessible.getChildAtIndex(i)
        if child is not None:
            yield from walk(child, depth + 1)


def is_editable(accessible):
    return accessible.getState().contains(pyatspi.STATE_EDITABLE)


def text_of(accessible):
    try:
        text = accessible.queryText()
    except NotImplementedError:
        return ''
    return text.getText(0, -1) or ''


def path_of(accessible):
    """Role and name of each ancestor, for reports."""
    parts = []
    node = accessible
    while node is not None and node.getRole() != pyatspi.ROLE_APPLICATION:
        parts.append(f'{node.getRoleName()}:{node.name!r}')
        node = node.parent
    return ' < '.join(parts)


def check_names(application):
    """Prints every control; returns the ones without a name."""
    unnamed = []
    for accessible, depth in walk(application):
        role = accessible.getRole()
        if role not in CONTROL_ROLES and not (role == pyatspi.ROLE_TEXT and is_editable(accessible)):
            continue
        kind = CONTROL_ROLES.get(role, 'editable text')
        name = accessible.name.strip()
        print(f'# {"  " * depth}{kind} {name!r}')
        if not name or TYPE_NAME.match(name):
            unnamed.append(path_of(accessible))
    return unnamed


def find(application, predicate):
    for accessible, _ in walk(application):
        if predicate(accessible):
            return accessible
    return None


def named(pattern, roles):
    return lambda a: a.getRole() in roles and re.search(pattern, a.name or '') is not None


def composer(accessible):
    return accessible.getRole() == pyatspi.ROLE_TEXT and is_editable(accessible)


def check_main_controls(application):
    missing = []
    for description, roles, pattern in MAIN_CONTROLS:
        if find(application, named(pattern, roles)) is None:
            missing.append(description)
    if find(application, composer) is None:
        missing.append('the composer (an editable text)')
    return missing


def send_message(application):
    """Types into the composer and presses Enter, as a keyboard user would."""
    text = wait_for('the composer', lambda: find(application, composer))
    # A new window starts in its composer (GTK 4.8 cannot grab focus over AT-SPI).
    wait_for('the composer to have the focus',
             lambda: text.getState().contains(pyatspi.STATE_FOCUSED))
    subprocess.run(['xdotool', 'type', '--delay', '20', MESSAGE], check=True, timeout=TIMEOUT)
    wait_for('the typed text', lambda: MESSAGE in text_of(text))
    subprocess.run(['xdotool', 'key', 'Return'], check=True, timeout=TIMEOUT)
    wait_for('the message in the transcript',
             lambda: find(application, lambda a: a is not text and not is_editable(a)
                          and (MESSAGE in (a.name or '') or MESSAGE in text_of(a))))
    print(f'# the transcript shows {MESSAGE!r}')


def start_fake_server():
    server = subprocess.Popen([os.environ['LIAO_FAKE_SERVER'], '--stdin-lifetime'],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    port = server.stdout.readline().strip()
    if not port.isdigit():
        sys.exit('FAIL: the fake server printed no port')
    return server, f'http://127.0.0.1:{port}/api/paas/v4'


def liao_environment(home, base_url):
    env = dict(LIAO_ENV)
    # The test environment turns GTK's accessibility off; this test needs it.
    env['GTK_A11Y'] = 'atspi'
    env.update(XDG_DATA_HOME=os.path.join(home, 'data'),
               XDG_CONFIG_HOME=os.path.join(home, 'config'),
               LIAO_API_KEY='test', LIAO_SECRETS_BACKEND='file', LIAO_BASE_URL=base_url)
    return env


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run(application):
    unnamed = check_names(application)
    missing = check_main_controls(application)
    send_message(application)
    if unnamed:
        print('FAIL: controls without an accessible name:')
        for path in unnamed:
            print(f'  {path}')
    if missing:
        print('FAIL: main controls not found: ' + ', '.join(missing))
    return 1 if unnamed or missing else 0


def start_liao(home, base_url):
    """Starts liao and waits for it on the accessibility bus.  A liao that
    exits first (seen once under the sanitizers: the X server refused its
    connection) is started once more, and its exit is reported."""
    for attempt in range(2):
        liao = subprocess.Popen([os.environ['LIAO_EXE']], env=liao_environment(home, base_url))
        application = wait_for('liao on the accessibility bus',
                               lambda: find_application(liao.pid) or (liao.poll() is not None))
        if application is not True:
            return liao, application
        print(f'# liao exited with status {liao.returncode} before it showed (attempt {attempt + 1})')
    sys.exit('FAIL: liao exited before it showed, twice')


def main():
    home = tempfile.mkdtemp(prefix='liao-a11y-')
    server, base_url = start_fake_server()
    liao = None
    try:
        liao, application = start_liao(home, base_url)
        wait_for('its window', lambda: find(application, composer))
        status = run(application)
    finally:
        if liao is not None:
            stop(liao)
        server.stdin.close()
        server.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
    print('PASS' if status == 0 else 'FAIL')
    return status


if __name__ == '__main__':
    sys.exit(main())
