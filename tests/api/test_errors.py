"""Requests the API must turn away."""


def test_foreign_host_header_is_rejected(api_url, http):
    response = http.get(f"{api_url}/api/clients", headers={"Host": "attacker.example"})
    assert response.status_code == 400


def test_loopback_host_header_is_served(api_url, http):
    response = http.get(f"{api_url}/api/clients", headers={"Host": "localhost"})
    assert response.status_code == 200
