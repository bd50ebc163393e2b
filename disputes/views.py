from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Actor, ActorRedirect, Dispute, DisputeRedirect, Platform


def home(request):
    return redirect("disputes:list")


def dispute_list(request):
    disputes = Dispute.objects.confirmed().order_by("-start_date")
    return render(request, "disputes/dispute_list.html", {"disputes": disputes})


def _get_dispute(slug: str) -> Dispute | str:
    """The confirmed dispute at this address, or the address it moved to."""
    dispute = Dispute.objects.confirmed().filter(slug=slug).first()
    if dispute is not None:
        return dispute
    moved = DisputeRedirect.objects.filter(old_slug=slug).select_related("dispute").first()
    if moved is not None:
        return moved.dispute.get_absolute_url()
    raise Http404("No such dispute")


def dispute_detail(request, slug):
    dispute = _get_dispute(slug)
    if isinstance(dispute, str):
        return redirect(dispute, permanent=True)
    return render(request, "disputes/dispute_detail.html", {"dispute": dispute})


def platform_detail(request, platform):
    if platform not in Platform.values:
        raise Http404("No such platform")
    actor = Actor.objects.filter(platform=platform).first()
    disputes = Dispute.objects.confirmed().for_platform(platform)
    return render(
        request, "disputes/platform_detail.html", {"platform": platform, "actor": actor, "disputes": disputes}
    )


def actor_detail(request, slug):
    actor = Actor.objects.filter(slug=slug).first()
    if actor is None:
        moved = get_object_or_404(ActorRedirect.objects.select_related("actor"), old_slug=slug)
        return redirect(moved.actor.get_absolute_url(), permanent=True)
    return render(request, "disputes/actor_detail.html", {"actor": actor})
