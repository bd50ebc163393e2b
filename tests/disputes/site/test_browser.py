"""The pages in real Chromium (Debian's, see tests/conftest.py). Each test
saves a screenshot under test-results/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[3] / "test-results"
INDIA_TWITTER = "/disputes/india-twitter-2021-farmers-protest-accounts/"


@pytest.fixture
def demo_site(live_server, transactional_db):
    from disputes.demo import demo_load

    demo_load()
    return live_server.url


def settled(page):
    """Wait until htmx has swapped and settled, so that new controls listen."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')"
    )


def shot(page, name):
    RESULTS.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS / f"{name}.png", full_page=True)


def test_filtering_updates_the_list_in_place_and_back_restores_it(page, demo_site):
    page.goto(f"{demo_site}/disputes/")
    rows = page.locator("table.disputes tbody tr")
    expect(rows).to_have_count(23)
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    page.select_option("#id_country", "IN")
    expect(page).to_have_url(f"{demo_site}/disputes/?country=IN")
    expect(rows).to_have_count(3)
    settled(page)
    page.select_option("#id_platform", "twitter")
    expect(page).to_have_url(f"{demo_site}/disputes/?country=IN&platform=twitter")
    expect(rows).to_have_count(2)
    assert page.evaluate("window.__sameDocument") is True
    expect(page.locator("#id_country")).to_have_value("IN")
    shot(page, "disputes-filtered")

    page.go_back()
    expect(page).to_have_url(f"{demo_site}/disputes/?country=IN")
    expect(rows).to_have_count(3)
    page.go_back()
    expect(page).to_have_url(f"{demo_site}/disputes/")
    expect(rows).to_have_count(23)
    shot(page, "disputes-back")


def test_the_timeline_filter_works_in_place(page, demo_site):
    page.goto(demo_site + INDIA_TWITTER)
    entries = page.locator("#timeline > li")
    total = entries.count()
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("radio", name="Demands").check()
    expect(page).to_have_url(re.compile(r"\?kind=demand$"))
    expect(entries).to_have_count(2)
    expect(page.locator("#timeline > li.entry-outcome")).to_have_count(0)
    assert page.evaluate("window.__sameDocument") is True
    shot(page, "timeline-demands")
    settled(page)
    page.get_by_role("radio", name="Everything").check()
    expect(entries).to_have_count(total)


def test_the_india_twitter_dispute_shows_its_1178_account_demand(page, demo_site):
    page.goto(demo_site + INDIA_TWITTER)
    expect(page.get_by_role("heading", level=1)).to_have_text("India orders Twitter to withhold farmers' protest accounts")
    demand = page.get_by_role("heading", name="Withhold accounts: 1,178 accounts")
    expect(demand).to_be_visible()
    card = page.locator("article.demand", has=demand)
    expect(card).to_contain_text("Section 69A of the Information Technology Act, 2000")
    expect(card).to_contain_text("seven years")
    evidence = card.locator("details.evidence").first
    evidence.get_by_text("Evidence (2 reports)").click()
    expect(evidence.get_by_role("link", name="Wikipedia").first).to_be_visible()
    shot(page, "india-twitter-1178")


def test_a_chart_is_visible_with_its_numbers(page, demo_site):
    page.goto(f"{demo_site}/countries/IN/")
    chart = page.locator('svg[data-chart="demands-by-year"]')
    expect(chart).to_be_visible()
    assert chart.bounding_box()["width"] > 250
    assert chart.locator("rect").count() >= 2
    figure = page.locator("figure", has=chart)
    figure.get_by_text("Show the numbers").click()
    expect(figure.get_by_role("table")).to_be_visible()
    expect(figure.get_by_role("rowheader", name="2021")).to_be_visible()
    shot(page, "country-india-charts")


def test_the_home_page_shows_visitors_figures_not_the_ingestion_panel(page, demo_site):
    # Ingestion health is for staff (tests/disputes/test_home.py): it changes nothing public.
    page.goto(f"{demo_site}/")
    expect(page.get_by_text("demands in the last 12 months")).to_be_visible()
    expect(page.locator("#health-heading")).to_have_count(0)
    shot(page, "home")


def test_pages_fit_a_phone_screen(page, demo_site):
    page.set_viewport_size({"width": 390, "height": 844})
    pages = ((INDIA_TWITTER, "phone-dispute"), ("/disputes/", "phone-list"), ("/countries/IN/", "phone-country"),
             ("/compare/", "phone-compare"))
    for path, name in pages:
        page.goto(demo_site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        shot(page, name)
