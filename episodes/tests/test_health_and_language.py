def test_healthz_answers_when_the_database_does(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_pages_are_swedish_by_default_and_english_can_be_chosen(org, client):
    client.force_login(org.nurse)
    assert "Inkorg" in client.get("/inkorg/").text
    client.post("/i18n/setlang/", {"language": "en", "next": "/inkorg/"})
    assert "Inbox" in client.get("/inkorg/").text


def test_an_english_browser_still_gets_swedish_until_english_is_chosen(org, client):
    client.force_login(org.nurse)
    assert "Inkorg" in client.get("/inkorg/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").text
