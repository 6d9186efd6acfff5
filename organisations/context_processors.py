def current_memberships(request):
    """The logged-in user's memberships in force, for the page header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"my_memberships": list(user.active_memberships())}
