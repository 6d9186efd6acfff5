"""Samsyn's security plumbing: session limits, no-store, the login with a second factor, the
API docs' gate and the deployment checks. Settings are in the "Security" block of
`samsyn/settings.py`; each is read from the environment there."""
