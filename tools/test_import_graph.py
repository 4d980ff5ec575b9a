"""Tests of tools/import_graph.py on small made-up crates: `python3 -m unittest discover tools`."""

import tempfile
import unittest
from pathlib import Path

import import_graph as g


def crate(files: dict) -> dict:
    """Writes `files` (path under src -> text) to a temporary src/ and returns its graph."""
    src = Path(tempfile.mkdtemp()) / "src"
    for path, text in files.items():
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        (src / path).write_text(text)
    return g.graph(src)


class ImportGraph(unittest.TestCase):
    def test_use_groups_aliases_and_super_resolve_to_the_deepest_file(self):
        edges = crate(
            {
                "lib.rs": "pub mod cases; pub mod db; pub mod web;",
                "db.rs": "",
                "web/mod.rs": "pub mod forms;",
                "web/forms.rs": "",
                "cases/mod.rs": "pub mod lock; pub mod page;",
                "cases/lock.rs": "use crate::{db, web::forms::{self as f, Input}};",
                "cases/page.rs": "use super::lock::hold as h;\nfn x() { crate::db::begin(); }",
            }
        )
        self.assertEqual(edges[("cases", "lock")], {("db",), ("web", "forms")})
        self.assertEqual(edges[("cases", "page")], {("cases", "lock"), ("db",)})

    def test_a_group_path_is_not_an_import_of_its_parent_and_comments_and_tests_do_not_count(self):
        edges = crate(
            {
                "lib.rs": "",
                "cases/mod.rs": "pub mod codes;",
                "cases/codes.rs": "",
                "db.rs": "use crate::cases::{codes};\n// use crate::web;\n"
                "#[cfg(test)]\nmod tests { use crate::web; }",
                "web.rs": "",
            }
        )
        self.assertEqual(edges[("db",)], {("cases", "codes")})

    def test_a_bare_path_into_a_child_module_is_an_import(self):
        edges = crate(
            {
                "lib.rs": "",
                "cases/mod.rs": "pub mod page;\nfn routes() { page::show(); other::thing(); }",
                "cases/page.rs": "",
            }
        )
        self.assertEqual(edges[("cases",)], {("cases", "page")})

    def test_an_import_of_a_higher_layer_is_upward_and_a_circle_across_capabilities_is_found(self):
        edges = crate(
            {
                "lib.rs": "",
                "db.rs": "use crate::deadlines::schedule;",
                "deadlines/mod.rs": "pub mod schedule;",
                "deadlines/schedule.rs": "use crate::risk::store;",
                "risk/mod.rs": "pub mod store;",
                "risk/store.rs": "use crate::deadlines::schedule::plan;",
            }
        )
        self.assertEqual(g.upward_of(edges), [("db", 0, "deadlines::schedule", 3)])
        circles = g.circles_of(edges)
        self.assertEqual([sorted(c) for c in circles], [[("deadlines", "schedule"), ("risk", "store")]])
        self.assertEqual({g.unit(m) for m in circles[0]}, {"deadlines", "risk"})

    def test_a_capabilitys_root_and_its_screens_are_one_unit(self):
        self.assertEqual(g.unit(("plans",)), g.unit(("plans", "agree")))
        self.assertNotEqual(g.unit(("cases",)), g.unit(("cases", "page")))
        self.assertEqual(g.layer(("cases",)), 4)
        self.assertEqual(g.layer(("cases", "lock")), 2)
        self.assertEqual(g.unit(("cli",)), g.unit(("demo",)))


if __name__ == "__main__":
    unittest.main()
