"""The wheel carries the project's data: ontology/, graph/ and queries/ go in as migkg/_project/.

The checkout keeps them at the top level, where curators edit them; a wheel installed outside
any checkout reads the packaged copy (see migkg.core.project.find_project).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = ("ontology", "graph", "queries")


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        root = Path(__file__).parent
        target = Path(self.build_lib) / "migkg" / "_project"
        for name in DATA:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(root / name, target / name, ignore=shutil.ignore_patterns("*.md~", "__pycache__"))


setup(cmdclass={"build_py": BuildWithData})
