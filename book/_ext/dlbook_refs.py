"""Resolve references to dlbook objects by the name readers import them under.

``dlbook.np.nn.Linear`` is defined in ``dlbook.np.nn.linear`` and documented (and imported by
readers) as ``dlbook.np.nn.Linear``. Sphinx sometimes writes the defining module's name, for a base
class under ``:show-inheritance:`` for instance; this extension retries such a reference with the
defining submodule dropped, so it lands on the documented object instead of being reported missing.
Private names (a component starting with ``_``) are not documented, and are shown as plain text.
"""

from __future__ import annotations

from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx


def _public_candidates(target: str) -> list[str]:
    parts = target.split(".")
    # dlbook.np.nn.linear.Linear -> dlbook.np.nn.Linear -> dlbook.np.Linear ...
    return [".".join(parts[:cut] + parts[-1:]) for cut in range(len(parts) - 2, 0, -1)]


def resolve_public_name(app: Sphinx, env, node: pending_xref, contnode):
    target = node.get("reftarget", "")
    if node.get("refdomain") != "py" or not target.startswith("dlbook."):
        return None
    if any(part.startswith("_") for part in target.split(".")):
        # A private helper (a base class such as ``_Loss``): undocumented on purpose, so it is
        # shown as plain text rather than reported as a broken link.
        return contnode
    domain = env.get_domain("py")
    for candidate in _public_candidates(target):
        if candidate in domain.objects:
            node["reftarget"] = candidate
            return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                       candidate, node, contnode)
    return None


def setup(app: Sphinx) -> dict:
    app.connect("missing-reference", resolve_public_name)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
