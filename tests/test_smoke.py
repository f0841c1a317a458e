from uprest.accounts.models import Role


def test_home_anonymous(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"UPREST" in response.data


def test_login_admin(login_as, client):
    login_as(Role.ADMIN)
    assert client.get("/admin/users").status_code == 200
