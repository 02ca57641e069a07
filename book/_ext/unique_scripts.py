"""Sphinx extension: drop repeated inline <script> blocks from every page.

Under Jupyter Book 1 the sphinx-thebe extension registers its configuration script twice, so
each page declares ``const THEBE_JS_URL`` twice and the browser logs a SyntaxError. Keeping the
first copy of each identical script removes the error without changing anything else.
"""

from __future__ import annotations


def _dedupe(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        body = getattr(script, "attributes", {}).get("body")
        key = ("body", body) if body else ("src", str(script))
        if key in seen:
            continue
        seen.add(key)
        kept.append(script)
    scripts[:] = kept


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
