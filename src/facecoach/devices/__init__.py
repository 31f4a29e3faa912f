"""Bluetooth LE devices: the pure protocol, the bleak link, and the simulator."""
