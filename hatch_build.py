"""Build hook: compile the gettext catalogues into the wheel, so installed UPREST is translated."""

import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class CompileCatalogues(BuildHookInterface):
    def initialize(self, version, build_data):
        if version == "editable":  # a checkout compiles with `make run` / `make test`
            return
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        out = Path(tempfile.mkdtemp(prefix="uprest-mo-"))
        for po in Path(self.root, "translations").glob("*/LC_MESSAGES/messages.po"):
            locale = po.parent.parent.name
            with po.open("rb") as source:
                catalog = read_po(source, locale=locale)
            mo = out / f"{locale}.mo"
            with mo.open("wb") as target:
                write_mo(target, catalog)
            build_data["force_include"][str(mo)] = (
                f"uprest/translations/{locale}/LC_MESSAGES/messages.mo"
            )
