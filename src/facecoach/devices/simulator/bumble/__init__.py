"""The simulated device over Bumble's real Bluetooth stack (the bumble extra)."""
