from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from . import pipeline
from .models import Article, ArticleEvent, IngestRun, Source, StoryCluster
from .selectors import ingestion_health


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name", "kind", "enabled", "health", "language", "poll_interval",
        "last_success_at", "next_poll_at", "article_count",
    ]
    list_filter = ["kind", "enabled", "language"]
    search_fields = ["name", "url"]
    readonly_fields = [
        "etag", "last_modified", "last_polled_at", "last_success_at", "consecutive_failures",
        "last_error", "last_poll_note", "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["name", "kind", "url", "language", "enabled", "poll_interval"]}),
        ("Health", {"fields": [
            "consecutive_failures", "last_error", "last_poll_note", "last_polled_at",
            "last_success_at", "next_poll_at",
        ]}),
        ("Conditional GET", {"fields": ["etag", "last_modified"], "classes": ["collapse"]}),
    ]
    actions = ["poll_now", "reset_backoff"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def article_count(self, source):
        return source.article_total

    @admin.display(description="health")
    def health(self, source):
        if not source.is_failing:
            return format_html('<span style="color:#2a7d2a">{}</span>', "ok")
        return format_html(
            '<span style="color:#b00" title="{}">failing ×{}</span>',
            source.last_error, source.consecutive_failures,
        )

    @admin.action(description="Poll now (ignores the back-off)")
    def poll_now(self, request, queryset):
        count = 0
        for source in queryset.feeds().filter(enabled=True):
            source.next_poll_at = timezone.now()
            source.save(update_fields=["next_poll_at"])
            pipeline.task_named(pipeline.POLL_SOURCE_TASK).delay_on_commit(source.pk)
            count += 1
        self.message_user(request, f"Queued a poll of {count} enabled feed(s).", messages.SUCCESS)

    @admin.action(description="Reset the back-off")
    def reset_backoff(self, request, queryset):
        updated = queryset.update(consecutive_failures=0, next_poll_at=timezone.now())
        self.message_user(request, f"Reset {updated} source(s).", messages.SUCCESS)

    def get_urls(self):
        return [
            path("health/", self.admin_site.admin_view(self.health_view), name="ingestion_health"),
            *super().get_urls(),
        ]

    def health_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Ingestion health",
            "health": ingestion_health(),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/ingestion/health.html", context)


class ArticleEventInline(admin.TabularInline):
    model = ArticleEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "status", "detail"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published", "language", "status", "attempts", "reason", "cluster"]
    list_filter = ["status", "failure_code", "language", "source"]
    search_fields = ["title", "url", "canonical_url", "outlet", "external_id", "failure_reason"]
    date_hierarchy = "published"
    list_select_related = ["cluster"]
    readonly_fields = [
        "status", "attempts", "failure_code", "failure_reason", "content_hash", "canonical_url",
        "final_url", "duplicate_of", "cluster", "run", "fetched_at", "extracted_at",
        "created_at", "updated_at",
    ]
    inlines = [ArticleEventInline]

    @admin.display(description="reason", ordering="failure_reason")
    def reason(self, article):
        return article.failure_reason[:120]


class ClusterArticleInline(admin.TabularInline):
    model = Article
    fields = ["title", "outlet", "published", "url"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(StoryCluster)
class StoryClusterAdmin(admin.ModelAdmin):
    list_display = ["__str__", "size", "created_at"]
    inlines = [ClusterArticleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_total=Count("articles"))

    @admin.display(description="articles", ordering="article_total")
    def size(self, cluster):
        return cluster.article_total


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "source", "status", "started_at", "finished_at", "total", "new", "duplicates", "rejected"]
    list_filter = ["kind", "status", "source"]
    readonly_fields = [f.name for f in IngestRun._meta.fields]

    def has_add_permission(self, request):
        return False
