"""Sphinx extension: the English and the Chinese edition of the book from one set of sources.

The Chinese edition is the English sources built with ``language = "zh_CN"`` and the gettext
catalogs in ``book/locale/zh_CN/LC_MESSAGES`` (see ``book/editions.py``). This extension does
the four things that Sphinx's own translation machinery leaves to the project:

* **What is translated.** Only prose is: what a code cell printed (the errata tables are
  Markdown printed by code), display math, and paragraphs that hold no English word outside
  their math and code (a table cell ``$f'(z)$``, a term or a quotation already in Chinese) are marked untranslatable, so they never reach a
  catalog and are the same in both editions.
* **Glued numbers in translated prose.** Sphinx parses each translated paragraph as a small
  document of its own, which lacks the notebook whose outputs ``{glue:text}`` reads; the
  paragraph is pointed back at the notebook it came from.
* **Table-of-contents captions.** sphinx-external-toc inserts the toctrees after Sphinx has
  translated the page, so their captions ("Chapters", ...) are translated here, from the
  same catalog.
* **A language switch** on every page, linking it to its twin in the other edition (the
  Chinese edition lives in ``zh/`` beneath the English one), with ``<link rel="alternate">``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

# language -> (path from one edition's root to the other's, the link's text, its hreflang)
TWINS = {
    "en": ("zh/", "中文", "zh-CN"),
    "zh_CN": ("../", "English", "en"),
}
# theme options that Jupyter Book sets in English and no catalog translates
THEME_TEXT = {"zh_CN": {"search_bar_text": "搜索本书……"}}
_WORD = re.compile(r"[A-Za-z]{2,}")


def _language(config) -> str:
    return config.language or "en"


class KeepUntranslated(SphinxTransform):
    """Mark code-cell outputs, display math and word-free paragraphs as untranslatable."""

    default_priority = 5  # before PreserveTranslatableMessages (10) and Locale (20)

    def apply(self, **kwargs) -> None:
        for container in self.document.findall(nodes.container):
            if container.get("nb_element") == "cell_code_output":
                for node in container.findall(nodes.TextElement):
                    node["translatable"] = False
        for node in self.document.findall(nodes.math_block):
            node["translatable"] = False
        for node in self.document.findall(nodes.paragraph):
            words = "".join(
                child.astext()
                for child in node.findall(nodes.Text)
                if not isinstance(child.parent, (nodes.math, nodes.literal))
            )
            if not _WORD.search(words):
                node["translatable"] = False


def _patch_glue() -> None:
    """Let ``{glue:text}`` in a translated paragraph read the notebook being translated.

    myst-nb reads glued values from the notebook renderer of the document being parsed; a
    translated paragraph is parsed as a document of its own, without one. The values the
    page glued are also in ``<output folder>/<page>.glue.json``, written when the page was
    parsed (moments earlier, in the same read), and are read from there.
    """
    from myst_nb.ext.glue import roles, utils

    if getattr(roles.retrieve_glue_data, "editions_patched", False):
        return
    original = utils.retrieve_glue_data

    def retrieve_glue_data(document, key):
        env = getattr(document.settings, "env", None)
        if "nb_renderer" in document or env is None:
            return original(document, key)
        path = Path(env.mystnb_config.output_folder, f"{env.docname}.glue.json")
        glued = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        if key not in glued:
            raise utils.RetrievalError(
                f"No key {key!r} found in the glue data of {env.docname} (a translated "
                "paragraph can only glue what its own page glues)"
            )
        return utils.VariableOutput(
            data=glued[key]["data"],
            metadata=glued[key].get("metadata", {}),
            nb_renderer=None,
            vtype="glue",
        )

    retrieve_glue_data.editions_patched = True
    roles.retrieve_glue_data = retrieve_glue_data


def _translate_captions(app, doctree) -> None:
    """Translate the captions of the toctrees that sphinx-external-toc inserted."""
    if _language(app.config) == "en":
        return
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    domain = docname_to_domain(app.env.docname, app.config.gettext_compact)
    dirs = [str(Path(app.srcdir, d)) for d in app.config.locale_dirs]
    catalog, has_catalog = init_locale(dirs, app.config.language, domain)
    if not has_catalog:
        return
    for toctree in doctree.findall(addnodes.toctree):
        caption = toctree.get("caption")
        if caption:
            translated = catalog.gettext(caption)
            if translated:
                toctree["caption"] = translated


def _page_context(app, pagename, templatename, context, doctree) -> None:
    prefix, label, hreflang = TWINS[_language(app.config)]
    root = "../" * pagename.count("/")
    href = f"{root}{prefix}{pagename}{app.builder.out_suffix}"
    context["editions_twin_href"] = href
    context["editions_twin_label"] = label
    context["editions_twin_hreflang"] = hreflang
    context["metatags"] = (
        context.get("metatags", "")
        + f'\n<link rel="alternate" hreflang="{hreflang}" href="{href}" />'
    )


def _config_inited(app, config) -> None:
    here = Path(__file__).parent
    config.templates_path = [*config.templates_path, str(here / "templates")]
    config.html_static_path = [*config.html_static_path, str(here / "static")]
    options = dict(config.html_theme_options or {})
    header = list(options.get("article_header_end") or ["article-header-buttons.html"])
    if "language-switch.html" not in header:
        header.insert(0, "language-switch.html")
    options["article_header_end"] = header
    options.update(THEME_TEXT.get(_language(config), {}))
    config.html_theme_options = options


def setup(app):
    _patch_glue()
    app.add_transform(KeepUntranslated)
    app.add_css_file("editions.css")
    app.connect("config-inited", _config_inited)
    app.connect("doctree-read", _translate_captions)
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
