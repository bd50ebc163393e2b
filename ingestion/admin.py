from django.contrib import admin

from .models import Article, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "language", "enabled"]
    list_filter = ["kind", "enabled", "language"]
    search_fields = ["name", "url"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published", "language", "status"]
    list_filter = ["status", "language", "source"]
    search_fields = ["title", "url", "outlet"]
    date_hierarchy = "published"
    readonly_fields = ["content_hash", "created_at", "updated_at"]
