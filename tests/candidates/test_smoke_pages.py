import pytest
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "candidates:dashboard",
        "candidates:profile_edit",
        "candidates:resume",
        "candidates:saved",
        "candidates:applications",
        "candidates:account",
        "candidates:account_delete",
    ],
)
def test_me_pages_render_for_a_signed_in_candidate(owner_client, owner_profile, name):
    response = owner_client.get(reverse(name))
    assert response.status_code == 200
