"""Sphinx configuration of skimportance's documentation site.

Build it (the ``docs`` extra installs what it needs)::

    pip install ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html

The example gallery (``examples/``) runs while the site is built: every figure
on it is what the code draws today.
"""

import logging
import os
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))  # example_order

# quiet TensorFlow's start-up logs in the gallery's output; Keras' progress bars
# are off in the examples themselves (verbose=0)
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "agg")
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=FutureWarning)
# Matplotlib is noninteractive in the gallery; sphinx-gallery collects figures
warnings.filterwarnings(
    "ignore", message="FigureCanvasAgg is non-interactive", category=UserWarning
)

import skimportance  # noqa: E402

# TensorFlow's Python logger (tf.function retracing notes while the gallery's
# grid search trains many small networks) is not Sphinx's: keep the log clean
logging.getLogger("tensorflow").setLevel(logging.ERROR)

project = "skimportance"
author = "skimportance developers"
copyright = "2026, skimportance developers"
version = release = skimportance.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/README.md"]
templates_path = ["_templates"]

# the user guide's pages are Markdown (MyST): headings get anchors for links
myst_heading_anchors = 4
myst_enable_extensions = ["colon_fence", "deflist"]
suppress_warnings = []

# -- API reference: autosummary pages from the numpydoc docstrings ---------
autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# numpydoc turns "array-like of shape (n, m)" and friends into links where
# it can; names it cannot resolve stay plain text (no warning)
numpydoc_xref_param_type = True
numpydoc_xref_ignore = "all"
# numpydoc's default aliases point into the Python and NumPy glossaries through
# intersphinx, which needs the network; here they stay plain names
from numpydoc.xref import DEFAULT_LINKS  # noqa: E402

numpydoc_xref_aliases = {name: name for name in DEFAULT_LINKS}
numpydoc_validation_checks = set()

intersphinx_mapping = {
    "python": ("https://docs.python.org/3", None),
}
# no network where the docs are built: intersphinx would warn on every build
intersphinx_disabled_reftypes = ["*"]
intersphinx_timeout = 1
intersphinx_mapping = {}


def _skip_upstream_links(app, what, name, obj, skip, options):
    """Leave out the inherited scikit-learn methods whose docstrings link into
    scikit-learn's own site (``set_output``, ``get_metadata_routing``,
    ``score`` of the mixins, the generated ``set_{method}_request``): they are
    documented there, and their links cannot resolve here."""
    if re.fullmatch(r"set_\w+_request", name):
        return True
    module = getattr(obj, "__module__", None) or ""
    doc = getattr(obj, "__doc__", None) or ""
    if module.startswith("sklearn.") and ":ref:`" in doc:
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_upstream_links)


# -- the example gallery -----------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "example_order.ExampleOrder",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "reset_modules": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
    "matplotlib_animations": False,
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "min_reported_time": 0,
    # "Examples using ..." on each API page
    "doc_module": ("skimportance",),
    "backreferences_dir": "api/generated/backreferences",
    "reference_url": {"skimportance": None},
    "inspect_global_variables": False,
}

# -- HTML --------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "skimportance"
html_static_path = []
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False
