"""A simulated device, carried in process (a bleak backend) or by Bumble."""
