#!/usr/bin/env python3
"""Test image only, run in the booted appliance by image/boot-check.sh: a uinput device that
presents the reset button's key (148, the gpio-key overlay's key code) as the Pi's gpio-keys
device would. It prints its /dev/input path, then reads commands from a FIFO: `press SECONDS`."""
import sys
import time

from evdev import UInput, ecodes

KEY = 148
fifo = sys.argv[1]
button = UInput({ecodes.EV_KEY: [KEY]}, name="boot-check gpio-keys")
# udev makes the node readable by the input group a moment after the device appears.
time.sleep(1)
# The event device (/dev/input/eventN) the orchestrator reads, not uinput's own control node.
with open(fifo + ".devnode", "w") as out:
    out.write(button.device.path)
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
