import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_renders_in_chromium(live_server, page):
    page.goto(live_server.url + "/")
    assert page.title().startswith("CX Leaders")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Leadership roles in customer service and CX"
    )
    search = page.get_by_role("search").first
    assert search.is_visible()
    # the stylesheet loaded (served by whitenoise through the live server)
    bg = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert bg == "rgb(31, 58, 95)"
