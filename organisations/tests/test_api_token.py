"""`manage.py create_api_token`: a key printed once, only its hash kept, usable at once."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from organisations.models import ApiToken


def create_token(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_key_that_opens_the_api(org):
    key, told = create_token(org.nurse.username, "--name", "ADT-flöde")
    assert key.startswith("sam_") and "\n" not in key
    assert "ADT-flöde" in told and key not in told
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me")
    assert response.status_code == 200
    assert response.json()["username"] == org.nurse.username


def test_only_the_hash_of_the_key_is_stored(org):
    key, _ = create_token(org.nurse.username, "--name", "Integration")
    token = ApiToken.objects.get(user=org.nurse)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in (token.key_hash, token.name, token.prefix)
    assert token.prefix == key[:8]


def test_each_run_issues_a_new_key(org):
    first, _ = create_token(org.nurse.username, "--name", "A")
    second, _ = create_token(org.nurse.username, "--name", "B")
    assert first != second
    assert ApiToken.objects.filter(user=org.nurse).count() == 2


def test_using_the_token_records_when_it_was_last_used(org):
    key, _ = create_token(org.nurse.username, "--name", "A")
    assert ApiToken.objects.get(user=org.nurse).last_used_at is None
    Client(headers={"Authorization": f"Bearer {key}"}).get("/api/me")
    assert ApiToken.objects.get(user=org.nurse).last_used_at is not None


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody", "--name", "A"], "ingen användare"),
        (["nurse", "--name", "   "], "--name"),
        (["nurse", "--name", "x" * 121], "för långt"),
    ],
)
def test_the_command_refuses_bad_input_and_creates_nothing(org, args, message):
    with pytest.raises(CommandError, match=message):
        create_token(*args)
    assert not ApiToken.objects.exists()


def test_the_command_refuses_a_deactivated_user(org):
    org.nurse.is_active = False
    org.nurse.save()
    with pytest.raises(CommandError, match="inaktiverad"):
        create_token(org.nurse.username, "--name", "A")
    assert not ApiToken.objects.exists()
