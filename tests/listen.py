#!/usr/bin/python3
"""Print respited's signals, one line each: MEMBER ARG... (instants in whole
seconds), after calling Subscribe() whenever respited appears on the bus:
respited sends its signals only to subscribers, as unicast messages.
Prints "listening" once ready and "subscribed" after each Subscribe().
With --no-subscribe, only the match rule: what any client catches.
Usage: listen.py [--system] [--no-subscribe]"""
import sys

import dbus
import dbus.mainloop.glib
from gi.repository import GLib

NAME = "org.respite.Scheduler1"


def subscribe(bus):
    """Call Subscribe() each time respited (re)appears on bus."""
    def owner(name):
        if name:
            bus.call_async(NAME, "/" + NAME.replace(".", "/"), NAME, "Subscribe", "", [],
                           reply_handler=lambda: print("subscribed", flush=True),
                           error_handler=lambda e: print("subscribe failed:", e, flush=True))
    bus.watch_name_owner(NAME, owner)


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SystemBus() if "--system" in sys.argv else dbus.SessionBus()

    def on_signal(*args, member=None):
        words = [str(int(a) // 1000000) if isinstance(a, dbus.UInt64) else str(a) for a in args]
        print(member, *words, flush=True)

    bus.add_signal_receiver(on_signal, None, NAME, member_keyword="member")
    if "--no-subscribe" not in sys.argv:
        subscribe(bus)
    print("listening", flush=True)
    GLib.MainLoop().run()


if __name__ == "__main__":
    main()
