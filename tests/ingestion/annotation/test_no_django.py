"""The NLP core is plain Python: it can be imported, tested and benchmarked without Django."""

import os
import subprocess
import sys

from django.conf import settings


def test_the_annotation_package_imports_no_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys\n"
        "import ingestion.annotation.annotate, ingestion.annotation.evaluation, ingestion.annotation.gazetteer\n"
        "import ingestion.annotation.nlp\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'config', 'celery')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
