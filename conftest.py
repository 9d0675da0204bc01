import os

# Tests serve static files from the source folders (no collectstatic).
os.environ.setdefault("PEIYU_STATIC_MANIFEST", "false")

pytest_plugins = ["peiyu.testing"]
