"""The FHIR tests' helpers: a client with a user's API token, and the library's validation of
what came back."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fhir.resources.R4B import get_fhir_model_class
from organisations.models import ApiToken


def client_for(user) -> Client:
    _token, key = ApiToken.issue(user, "fhir-test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def parsed(response) -> dict:
    """The answer's JSON, after checking its media type and validating it, and every
    resource in it, with fhir.resources (R4B models)."""
    assert response["Content-Type"].startswith("application/fhir+json"), response["Content-Type"]
    data = json.loads(response.content)
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    for entry in data.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return data


def resources(bundle: dict) -> list[dict]:
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    return [entry["resource"] for entry in bundle.get("entry", [])]


@pytest.fixture
def fhir(org):
    """Clients by user name: `fhir.nurse`, `fhir.gp_nurse`, … (made on first use)."""

    class Clients:
        def __getattr__(self, name):
            client = client_for(getattr(org, name))
            setattr(self, name, client)
            return client

    return Clients()
