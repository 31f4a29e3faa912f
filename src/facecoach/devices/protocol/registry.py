"""Loading device profiles: the ones shipped with facecoach, plus the user's own TOML files.

A broken profile never stops the others from loading; its problems are listed with the file and
the field. A user profile with the same id as a shipped one replaces it.
"""

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from facecoach.datafiles import parse_toml_model
from facecoach.devices.errors import ProfileError
from facecoach.devices.protocol.matching import AdvertisementMatcher
from facecoach.devices.protocol.profile import DeviceProfile

MAX_PROFILE_FILE_BYTES = 256 * 1024


def parse_profile(text: str, source: str) -> DeviceProfile:
    """Validate TOML text as a profile; any problem is a ProfileError naming `source`."""
    return parse_toml_model(text, DeviceProfile, ProfileError, source, "device profile")


def load_profile_file(path: Path) -> DeviceProfile:
    try:
        if path.stat().st_size > MAX_PROFILE_FILE_BYTES:
            raise ProfileError(f"{path}: larger than 256 KiB; not a device profile")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ProfileError(f"{path}: is a directory, not a profile file") from None
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ProfileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return parse_profile(text, str(path))


def shipped_profiles_dir() -> Path:
    """The shipped profiles: inside the wheel, or the repository's folder in a checkout."""
    packaged = Path(str(resources.files("facecoach"))) / "device_profiles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[4] / "device_profiles"


@dataclass
class ProfileRegistry:
    """All usable profiles, user profiles first so they win ties when matching."""

    profiles: list[DeviceProfile]
    problems: list[str] = field(default_factory=list)

    def get(self, profile_id: str) -> DeviceProfile:
        for profile in self.profiles:
            if profile.id == profile_id:
                return profile
        known = ", ".join(p.id for p in self.profiles) or "none"
        raise ProfileError(f"no device profile {profile_id!r} (known: {known})")

    @property
    def matcher(self) -> AdvertisementMatcher:
        return AdvertisementMatcher(self.profiles)


def load_registry(user_dir: Path | None = None) -> ProfileRegistry:
    problems: list[str] = []
    shipped = _load_dir(shipped_profiles_dir(), problems)
    user = _load_dir(user_dir, problems) if user_dir is not None else []
    user_ids = {p.id for p in user}
    return ProfileRegistry([*user, *(p for p in shipped if p.id not in user_ids)], problems)


def _load_dir(directory: Path, problems: list[str]) -> list[DeviceProfile]:
    if not directory.is_dir():
        return []
    loaded: dict[str, DeviceProfile] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            profile = load_profile_file(path)
        except ProfileError as exc:
            problems.append(str(exc))
            continue
        if profile.id in loaded:
            problems.append(f"{path}: profile id {profile.id!r} is already used by another file")
            continue
        loaded[profile.id] = profile
    return list(loaded.values())
