"""Course packages: import (idempotent, all or nothing, errors with file and line) and export."""

import shutil

import sqlalchemy as sa

from tests.conftest import COURSES
from uprest.courses import package, services
from uprest.courses.models import CoursePath, Module, ModuleVersion
from uprest.extensions import db


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_import_is_idempotent_and_shows_progress(runner):
    first = runner.invoke(args=["uprest", "import-courses", str(COURSES)])
    assert first.exit_code == 0, first.output
    assert "Importing courses" in first.output and "3 created" in first.output
    assert (count(Module), count(ModuleVersion), count(CoursePath)) == (2, 2, 1)
    second = runner.invoke(args=["uprest", "import-courses", str(COURSES)])
    assert second.exit_code == 0 and "0 created, 0 updated" in second.output
    assert (count(Module), count(ModuleVersion), count(CoursePath)) == (2, 2, 1)


def test_a_folder_without_packages_imports_nothing(runner, tmp_path):
    (tmp_path / "FORMAT.md").write_text("# Course packages\n")
    result = runner.invoke(args=["uprest", "import-courses", str(tmp_path)])
    assert result.exit_code == 0 and "No course packages" in result.output
    assert count(Module) == 0


def test_errors_name_file_and_line_and_nothing_is_imported(runner, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    text = root / "green-basics" / "text.en.yaml"
    text.write_text(
        text.read_text().replace("title: Green basics", "title: Green basics\ncolour: red")
    )
    module = root / "online-presence" / "module.yaml"
    module.write_text(module.read_text().replace("pass_mark: 70", "pass_mark: [70"))
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code != 0
    assert "courses/green-basics/text.en.yaml:1: Unknown key “colour”." in result.output
    assert "courses/online-presence/module.yaml:" in result.output
    assert "nothing was imported" in result.output
    assert count(Module) == 0 and count(CoursePath) == 0


def test_a_path_naming_a_missing_module_is_refused(runner, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    shutil.rmtree(root / "green-basics")
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code != 0 and "green-basics" in result.output
    assert count(Module) == 0


def test_a_path_with_a_cycle_is_refused_with_a_clear_message(runner, tmp_path):
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    path = root / "paths" / "digital-basics.yaml"
    path.write_text(
        path.read_text().replace(
            "{module: online-presence, required: true}",
            "{module: online-presence, required: true, after: [green-basics]}",
        )
    )
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code != 0
    assert "courses/paths/digital-basics.yaml:1" in result.output
    assert "online-presence → green-basics → online-presence" in result.output


def test_import_export_import_gives_identical_content(runner, tmp_path, courses):
    for slug in ("online-presence", "green-basics"):
        result = runner.invoke(args=["uprest", "export-course", slug, "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(args=["uprest", "export-path", "digital-basics", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    modules, paths, problems = package.read_tree(tmp_path)
    assert problems == []
    for document in modules:
        stored = services.latest_version(services.get_module(document["module"]["slug"]))
        assert document == stored.content
    assert paths[0] == services.get_path("digital-basics").document
    again = runner.invoke(args=["uprest", "import-courses", str(tmp_path)])
    assert again.exit_code == 0 and "0 created, 0 updated" in again.output
    assert count(ModuleVersion) == 2
    # and the exported files read the same as the originals
    original, _, _ = package.read_tree(COURSES)
    assert sorted(original, key=str) == sorted(modules, key=str)


def test_a_changed_package_makes_a_new_version(runner, tmp_path, courses):
    root = tmp_path / "courses"
    shutil.copytree(COURSES, root)
    body = root / "green-basics" / "lessons" / "water.en.md"
    body.write_text("Fix dripping taps first, then check the toilets.\n")
    result = runner.invoke(args=["uprest", "import-courses", str(root)])
    assert result.exit_code == 0 and "1 updated" in result.output
    module = services.get_module("green-basics")
    assert [v.number for v in module.versions] == [1, 2]
    assert [v.is_latest for v in module.versions] == [False, True]
    assert "toilets" in module.versions[1].content["bodies"]["en"]["water"]
    assert "toilets" not in module.versions[0].content["bodies"]["en"]["water"]


def test_export_of_an_unknown_module_fails(runner, tmp_path):
    result = runner.invoke(args=["uprest", "export-course", "nope", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "nope" in result.output
