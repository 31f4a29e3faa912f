"""Loading device profiles: the ones shipped with facecoach, plus the user's own TOML files.

A broken profile never stops the others from loading; its problems are listed with the file and
the field. A user profile with the same id as a shipped one replaces it.
"""

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from facecoach.datafiles import DataFileError, parse_toml_model, read_text_file
from facecoach.devices.errors import ProfileError
from facecoach.devices.protocol.matching import AdvertisementMatcher
from facecoach.devices.protocol.profile import DeviceProfile
from facecoach.problems import Problem


class ProfileFileError(DataFileError, ProfileError):
    what = "device profile"


def parse_profile(text: str, source: str) -> DeviceProfile:
    """Validate TOML text as a profile; any problem is a ProfileError naming `source`."""
    return parse_toml_model(text, DeviceProfile, ProfileFileError, source)


def load_profile_file(path: Path) -> DeviceProfile:
    return parse_profile(read_text_file(path, ProfileFileError), str(path))


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
    problems: list[Problem] = field(default_factory=list)  # a broken file's each, at the file

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
    problems: list[Problem] = []
    shipped = _load_dir(shipped_profiles_dir(), problems)
    user = _load_dir(user_dir, problems) if user_dir is not None else []
    user_ids = {p.id for p in user}
    return ProfileRegistry([*user, *(p for p in shipped if p.id not in user_ids)], problems)


def _load_dir(directory: Path, problems: list[Problem]) -> list[DeviceProfile]:
    if not directory.is_dir():
        return []
    loaded: dict[str, DeviceProfile] = {}
    for path in sorted(directory.glob("*.toml")):
        try:
            profile = load_profile_file(path)
        except ProfileFileError as exc:
            problems.append(exc.problem)
            continue
        if profile.id in loaded:
            problems.append(
                Problem(str(path), f"profile id {profile.id!r} is already used by another file")
            )
            continue
        loaded[profile.id] = profile
    return list(loaded.values())
