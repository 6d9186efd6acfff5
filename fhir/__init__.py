"""The FHIR R4 API (issue 16).

The app shares its package name with the `fhir` package that `fhir.resources` installs, which
would hide `fhir.resources`; extending the package path lets both be imported.
"""

from pkgutil import extend_path

__path__ = extend_path(__path__, __name__)
