"""`manage.py check --deploy`: an e-ID provider is reached over HTTPS in production (the
discovery document names the keys the ID token is checked with)."""

from __future__ import annotations

from django.core.checks import Tags, Warning, register

from identity.oidc import CITIZEN, STAFF, Provider


@register(Tags.security, deploy=True)
def providers_over_https(app_configs, **kwargs):
    problems = []
    for key in (STAFF, CITIZEN):
        provider = Provider.from_settings(key)
        if provider is not None and not provider.discovery_url.startswith("https://"):
            problems.append(
                Warning(
                    f"The {key} OIDC provider's discovery URL is not HTTPS: "
                    f"{provider.discovery_url}",
                    hint=f"Set SAMSYN_OIDC_{key.upper()}_DISCOVERY_URL to an https:// URL.",
                    id="identity.W001",
                )
            )
    return problems
