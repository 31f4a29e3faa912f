from pathlib import Path

import pytest

from facecoach.errors import RoutineError
from facecoach.problems import problem_line
from facecoach.routines.loader import (
    BUILTIN_SOURCE,
    RoutineFileError,
    RoutineLibrary,
    load_routine_file,
)
from facecoach.routines.zones import Zone

GOOD = """
id = "mine"
name = "My routine"
[[zones]]
zone = "jawline"
"""


def test_builtins_cover_lift_full_face_express_and_spot(builtin_library: RoutineLibrary) -> None:
    routines = {rid: lr.routine for rid, lr in builtin_library.routines.items()}
    assert len(routines) >= 4
    lift = routines["lift-5"]
    assert {z.zone for z in lift.zones} == {Zone.FOREHEAD, Zone.CHEEKS, Zone.JAWLINE, Zone.NECK}
    assert 4.5 * 60 <= lift.total_seconds() <= 5.5 * 60
    full = routines["full-face-15"]
    assert Zone.BROWS in {z.zone for z in full.zones}
    assert 13 * 60 <= full.total_seconds() <= 17 * 60
    assert routines["express"].total_seconds() < 3 * 60
    phases = [z.phase for z in routines["spot-forehead"].zones]
    assert phases[0] == "treat"
    assert phases[-1] == "calm"
    assert phases == sorted(phases, key=lambda p: p != "treat")  # all treat, then all calm


def test_every_builtin_starts_with_a_gel_prep_step(builtin_library: RoutineLibrary) -> None:
    for loaded in builtin_library.routines.values():
        assert loaded.routine.prep is not None
        assert "gel" in loaded.routine.prep.text


def test_user_routine_is_added_and_can_override_a_builtin(user_routines_dir: Path) -> None:
    (user_routines_dir / "mine.toml").write_text(GOOD)
    (user_routines_dir / "lift.toml").write_text(GOOD.replace('"mine"', '"lift-5"'))
    library = RoutineLibrary.load(user_routines_dir)
    assert library.get("mine").source.endswith("mine.toml")
    assert library.get("lift-5").routine.name == "My routine"
    assert not library.get("lift-5").is_builtin
    assert library.get("express").source == BUILTIN_SOURCE
    assert library.problems == []


def test_bad_user_file_is_reported_by_file_and_field_and_others_still_load(
    user_routines_dir: Path,
) -> None:
    (user_routines_dir / "good.toml").write_text(GOOD)
    (user_routines_dir / "bad.toml").write_text(GOOD + "glide_seconds = 36000\n")
    (user_routines_dir / "broken.toml").write_text("id = \n")
    library = RoutineLibrary.load(user_routines_dir)
    assert "mine" in library.routines
    assert "lift-5" in library.routines
    messages = sorted(problem_line(p) for p in library.problems)
    assert len(messages) == 2
    assert "bad.toml" in messages[0]
    assert "glide_seconds" in messages[0]
    assert "36000" in messages[0]
    assert "broken.toml" in messages[1]
    assert messages[1].endswith(
        'broken.toml, line 1: the value is not one TOML knows (text goes in "quotes", '
        "true and false in lower case) (column 6)"
    )


def test_two_user_files_with_one_id_keep_the_first(user_routines_dir: Path) -> None:
    (user_routines_dir / "a.toml").write_text(GOOD)
    (user_routines_dir / "b.toml").write_text(GOOD.replace("My routine", "Other"))
    library = RoutineLibrary.load(user_routines_dir)
    assert library.get("mine").routine.name == "My routine"
    assert "already used" in problem_line(library.problems[0])


def test_unknown_id_suggests_the_closest(builtin_library: RoutineLibrary) -> None:
    with pytest.raises(RoutineError, match="Did you mean 'lift-5'"):
        builtin_library.get("lift5")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "file not found"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (
            b"id = 'x'\nname = 'y'\nzones = [{ zone = 'cheeks', typo = 1 }]",
            "zone 1 (cheeks), typo: unknown",
        ),
        (b"name = 'y'\nzones = [{ zone = 'cheeks' }]", "id: required field is missing"),
    ],
)
def test_load_routine_file_errors_are_clear(
    tmp_path: Path, content: bytes | None, expected: str
) -> None:
    path = tmp_path / "r.toml"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(RoutineFileError) as caught:
        load_routine_file(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_resolve_accepts_a_path_to_a_toml_file(
    tmp_path: Path, builtin_library: RoutineLibrary
) -> None:
    path = tmp_path / "x.toml"
    path.write_text(GOOD)
    assert builtin_library.resolve(str(path)).routine.id == "mine"
