"""The table of steps: what follows what, on which queue, sent by name after the commit."""

import ast
import pathlib

import pytest
from celery import current_app
from django.conf import settings

from ingestion import pipeline, tasks
from ingestion.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def test_the_steps_chain_fetch_extract_annotate():
    chain, step = [], pipeline.STEPS[Status.DISCOVERED]
    while step is not None:
        chain.append(step.name)
        step = pipeline.STEPS.get(step.moves_to)
    assert chain == ["fetch", "extract", "annotate"]


def test_each_step_is_a_registered_task_on_its_queue():
    for step in pipeline.STEPS.values():
        task = current_app.tasks[step.task]
        assert task.queue == step.queue and task.waits_in == step.waits_in
    assert current_app.tasks[pipeline.STEPS[Status.DISCOVERED].task].name == tasks.fetch_articles_task.name
    assert current_app.tasks[pipeline.POLL_SOURCE_TASK].name == tasks.poll_source_task.name


def test_it_sends_the_step_that_follows_after_the_commit(monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.extract_articles_task, "delay", lambda ids: sent.append(ids))
    article = ArticleFactory(status=Status.FETCHED)
    with django_capture_on_commit_callbacks() as callbacks:
        pipeline.articles_dispatch(article_ids=[article.pk], status=Status.FETCHED)
        assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [[article.pk]]


def test_nothing_follows_the_last_step_or_a_step_turned_off(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr(settings, "INGEST_ANNOTATE", False)
    with django_capture_on_commit_callbacks() as callbacks:
        pipeline.articles_dispatch(article_ids=[1], status=Status.ANNOTATED)
        pipeline.articles_dispatch(article_ids=[1], status=Status.EXTRACTED)
        pipeline.articles_dispatch(article_ids=[], status=Status.DISCOVERED)
    assert callbacks == []


def test_no_step_module_imports_the_tasks_module():
    root = pathlib.Path(settings.BASE_DIR) / "ingestion"
    for path in [*root.glob("*.py"), *root.glob("net/*.py"), *root.glob("annotation/*.py")]:
        if path.name in ("tasks.py", "apps.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                module = "ingestion." * bool(node.level) + (node.module or "")
                names = [module] + [f"{module}.{alias.name}".replace("ingestion..", "ingestion.") for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert "ingestion.tasks" not in [name.rstrip(".") for name in names], path
