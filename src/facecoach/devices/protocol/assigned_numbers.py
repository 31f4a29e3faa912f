"""Standard Bluetooth SIG UUIDs facecoach reads on any device (Battery, Device Information)."""

from facecoach.devices.protocol.profile import normalize_uuid

BATTERY_SERVICE = normalize_uuid("180f")
BATTERY_LEVEL = normalize_uuid("2a19")
DEVICE_INFO_SERVICE = normalize_uuid("180a")
MANUFACTURER_NAME = normalize_uuid("2a29")
MODEL_NUMBER = normalize_uuid("2a24")
SERIAL_NUMBER = normalize_uuid("2a25")
FIRMWARE_REVISION = normalize_uuid("2a26")
CCCD = normalize_uuid("2902")

DEVICE_INFO_FIELDS = {
    MANUFACTURER_NAME: "manufacturer",
    MODEL_NUMBER: "model",
    SERIAL_NUMBER: "serial",
    FIRMWARE_REVISION: "firmware",
}
