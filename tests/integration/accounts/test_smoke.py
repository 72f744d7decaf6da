from tests.clients import login
from tests.factories import make_user


def test_home_page_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="vi"' in response.get_data(as_text=True)


def test_sign_in_with_email(session, client):
    user = make_user("seller")
    response = login(client, user)
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
