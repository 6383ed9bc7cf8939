#!/usr/bin/env python3
"""Test image only, run in the booted appliance as boot-check-button.service (before the
orchestrator): a uinput device that presents the reset button's key (148, the gpio-key overlay's
key code) as the Pi's gpio-keys device would. udev names it /dev/input/boot-check-button
(boot-check-button.rules); once that node is there and readable by the input group, the service
is ready (sd_notify) and the orchestrator may open it. Then it reads commands from a FIFO:
`press SECONDS`."""
import grp
import os
import socket
import stat
import sys
import time

from evdev import UInput, ecodes

KEY = 148
LINK = "/dev/input/boot-check-button"
fifo = sys.argv[1]
button = UInput({ecodes.EV_KEY: [KEY]}, name="boot-check gpio-keys")
# The event device (/dev/input/eventN) the orchestrator reads, not uinput's own control node.
event_node = button.device.path


def ready():
    """udev has made the link to this device and given the node to the input group."""
    try:
        if os.path.realpath(LINK) != event_node:
            return False
        node = os.stat(event_node)
    except OSError:
        return False
    return node.st_gid == grp.getgrnam("input").gr_gid and bool(node.st_mode & stat.S_IRGRP)


deadline = time.monotonic() + 60
while not ready():
    if time.monotonic() > deadline:
        sys.exit(f"udev did not link {LINK} to {event_node} for the input group within 60 s")
    time.sleep(0.1)
if os.path.exists(fifo):
    os.unlink(fifo)
os.mkfifo(fifo, 0o600)
with open(fifo + ".devnode", "w") as out:
    out.write(event_node)
print("ready", LINK, "->", event_node, flush=True)
notify = os.environ.get("NOTIFY_SOCKET")
if notify:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sd:
        sd.connect("\0" + notify[1:] if notify.startswith("@") else notify)
        sd.sendall(b"READY=1")
while True:
    with open(fifo) as commands:
        for line in commands:
            words = line.split()
            if len(words) == 2 and words[0] == "press":
                button.write(ecodes.EV_KEY, KEY, 1)
                button.syn()
                time.sleep(float(words[1]))
                button.write(ecodes.EV_KEY, KEY, 0)
                button.syn()
                print("pressed", words[1], flush=True)
