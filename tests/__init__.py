"""Test builders shared by every app's tests (`tests.factories`).

They sit above every app, so `core` (the ground floor) never imports the floors above it.
"""
