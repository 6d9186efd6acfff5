"""Which screens and API operations show patient data, declared for every one of them.

Every URL pattern (by "namespace:name", or "route:<route>" when unnamed) and every API
operation ("METHOD /api/path" of the OpenAPI description) must match an entry here; the test
`audit/tests/test_logging_coverage.py` enumerates them all and fails for one that matches none,
so a new page cannot forget to say whether it shows patient data. Each `READ` is requested by
that test, which checks that the answer wrote an access-log row about the person shown.

Marks:
- `READ`: shows patient data; its loader or list writes the access log (probed by the test).
- `ACTION`: changes an episode through an action whose opening loads the episode through the
  logging loader (`episodes.access`); its answer shows that episode.
- `NONE`: shows no patient data (register, configuration, statistics without names, login).
Entries may end in `*` (fnmatch); the first matching entry wins, so exact entries come first.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

READ = "patient_data"
ACTION = "patient_data_action"
NONE = "no_patient_data"

PAGES: dict[str, str] = {
    # workspace
    "home": READ,  # the worklist
    "missed": READ,  # missed deadlines of the user's episodes
    "episode": READ,
    "episode_step": ACTION,
    # episodes
    "admission_new": READ,  # the look-up by identity number (admission.lookup)
    "inbox": READ,
    "message": READ,
    "message_acknowledge": ACTION,
    "inbox_acknowledge": ACTION,  # several messages at once, each through the action
    "message_forward": ACTION,
    "individual_search": READ,
    "individual": READ,
    # audit: reading the log is reading whom each row is about
    "access_log": READ,
    "access_log_user": READ,
    "log_reviews": NONE,  # names reviews, users and units, no individual
    "log_review": READ,
    "log_review_report": NONE,
    # process
    "process:catalogue": NONE,
    "process:versions": NONE,
    "process:candidates": READ,
    "process:check_off": ACTION,
    # statistics: figures, drill-downs name episodes
    "indicators:dashboard": NONE,
    "indicators:export": NONE,
    "indicators:unit": NONE,
    "indicators:drilldown": READ,
    "indicators:payment": NONE,
    "indicators:payment_export": NONE,
    # the admin: the register of individuals and the access log show patient data
    "admin:individuals_individual_add": NONE,  # an empty form
    "admin:individuals_individual_*": READ,
    "admin:audit_accesslog_add": NONE,  # refused: the log is append-only
    "admin:audit_accesslog_*": READ,
    "admin:audit_logretention_*": NONE,
    "admin:organisations_*": NONE,
    "admin:auth_*": NONE,
    "admin:axes_*": NONE,  # login attempts: usernames and addresses, no patient
    "admin:otp_*": NONE,
    "admin:core_*": NONE,
    "admin:django_tasks_database_*": NONE,  # job rows: task names and ids, no patient data
    "admin:indicators_*": NONE,
    # Min planering's reads by citizens and its representations name individuals (logged)
    "admin:portal_*": READ,
    # Only models whose admin has search_fields answer here, and only for fields an admin's
    # autocomplete_fields names: none names an individual.
    "admin:autocomplete": NONE,
    "admin:index": NONE,
    "admin:app_list": NONE,
    "admin:login": NONE,
    "admin:logout": NONE,
    "admin:password_change*": NONE,
    "admin:jsi18n": NONE,
    "admin:view_on_site": NONE,
    "route:(?P<url>.*)$": NONE,  # the admin's catch-all 404
    "route:<path:object_id>/": NONE,  # the admin's redirect to a change page
    "route:admin/login/": NONE,
    # SIP (declared by audit from its URLs; its owner confirms)
    "sip_list": READ,
    "sip_detail": READ,
    "sip_version": READ,
    "sip_pdf": READ,
    "sip_start": ACTION,
    "sip_start_in_stay": ACTION,
    "sip_step": ACTION,
    "sip_notice_ack": ACTION,
    "sip_request": READ,
    "sip_request_new": ACTION,
    "sip_request_step": ACTION,
    # deviations (declared from the views' loaders; its owner confirms)
    "deviations:overview": READ,
    "deviations:detail": READ,
    "deviations:draft": READ,
    "deviations:report": READ,
    "deviations:act": ACTION,
    "deviations:statistics": NONE,
    "deviations:export": NONE,
    "deviations:export_pdf": NONE,
    "sip_statistics": NONE,
    "admin:deviations_deviationcategory_*": NONE,
    "admin:deviations_deviationdeadline_*": NONE,
    # A decision names its candidate (an episode's missed deadline): treated as patient data.
    "admin:deviations_candidatedecision_*": READ,
    # continuity: the reserve routine (issue 9; continuity/tests/test_reserve_list.py checks
    # that the list and its CSV log one read per patient)
    "reserve": NONE,  # the user's units and links
    "reserve_form": NONE,  # a blank form
    "reserve_list": READ,
    "reserve_csv": READ,
    "admin:continuity_*": NONE,  # units' telephone and mailbox for a downtime
    # competence (issue 15): training coverage and completions name staff, never a patient;
    # the priority list counts missed deadlines per unit
    "competence:*": NONE,
    "admin:competence_*": NONE,
    # surveys (issue 15): the invitation loads the episode (survey.invite); answers are
    # anonymous and the results are figures of groups of at least the threshold
    "surveys:invite": READ,
    "surveys:start": NONE,
    "surveys:answer": NONE,
    "surveys:paused": NONE,
    "surveys:thanks": NONE,
    "surveys:paper": NONE,
    "surveys:results": NONE,
    "surveys:results_csv": NONE,
    "surveys:setup": NONE,  # questionnaires and plans
    "surveys:questionnaire_edit": NONE,
    "admin:surveys_*": NONE,
    # governance (issue 14): groups, action plans, governing documents; no patient data
    "governance:*": NONE,
    "admin:governance_*": NONE,
    # interop (issue 16): the ADT feed and queue name control ids and wards, never a person
    "interop:*": NONE,
    # portal (issue 13): the written summary at discharge is the episode's data; the
    # brochure is general information
    "portal:summary": READ,
    "portal:summary_pdf": READ,
    "portal:brochure": NONE,
    "portal:brochure_pdf": NONE,
    # the individual's representatives, for staff from the episode (episodes.access logs)
    "portal:representatives": READ,
    "portal:representative_end": ACTION,
    # Min planering: a citizen reads their own (or a represented person's) data; the portal
    # logs each read in its own log (portal.CitizenRead: AccessLog names a staff user)
    "portal:citizen_home": READ,
    "portal:overview": READ,
    "portal:own_words": ACTION,
    "portal:plan_pdf": READ,
    "portal:ask_sip": ACTION,
    "portal:mark_done": ACTION,
    "portal:citizen_summary_pdf": READ,
    "portal:access": READ,
    "portal:revoke": ACTION,
    "portal:read_log": READ,
    # identity (issues 13, 16): the login pages name nobody before login
    "identity:citizen_login": NONE,
    "identity:citizen_logout": NONE,
    "identity:citizen_oidc_start": NONE,  # a redirect to the e-ID broker
    "identity:citizen_oidc_callback": NONE,  # starts the session, redirects
    # The demo's test identification lists a few of the demo's fictional individuals to log
    # in as; it answers 404 unless DEBUG and SAMSYN_DEMO_CITIZEN_LOGIN are both on.
    "identity:citizen_demo_login": NONE,
    "login_oidc": NONE,  # staff e-ID login: a redirect to the IdP
    "login_oidc_callback": NONE,  # logs the staff user in, redirects
    # the FHIR API (issue 16, fhir/registry.py): read and search per resource type; each
    # loader or page logs through audit.log (fhir/tests/test_fhir_logging.py)
    "fhir:metadata": NONE,  # the CapabilityStatement
    "fhir:unknown_type": NONE,  # an OperationOutcome
    "fhir:organization_*": NONE,  # the register
    "fhir:practitionerrole_*": NONE,  # memberships: staff and units, no patient
    "fhir:*": READ,  # Patient, Encounter, Task, CarePlan, Communication, Consent, AuditEvent
    # the API's own pages; its operations are declared in API below
    "api:openapi-json": NONE,
    "api:openapi-view": NONE,
    "api:api-root": NONE,
    # the site
    "healthz": NONE,
    "login": NONE,
    "login_code": NONE,
    "logout": NONE,
    "set_language": NONE,
    "route:static/*": NONE,
}

API: dict[str, str] = {
    "GET /api/me": NONE,
    "GET /api/units": NONE,
    "GET /api/units/{id}": NONE,
    "GET /api/units/{id}/inbox": READ,
    "GET /api/individuals": READ,
    "GET /api/individuals/{id}": READ,
    "GET /api/individuals/{id}/proposed-units": READ,
    "GET /api/admissions/proposed-units": READ,
    "GET /api/episodes": READ,
    "GET /api/episodes/{id}": READ,
    "GET /api/episodes/{id}/events": READ,
    "GET /api/messages/{id}": READ,
    "GET /api/process/episodes/{public_id}/activities": READ,
    "GET /api/process/todo": READ,
    "GET /api/process/catalogue": NONE,
    "GET /api/statistics/indicators": NONE,
    "GET /api/statistics/indicators/{key}": NONE,
    "GET /api/statistics/payment": NONE,
    # SIP (declared by audit; its owner confirms)
    "GET /api/sip": READ,
    "GET /api/sip/*": READ,
    "POST /api/sip": ACTION,
    "POST /api/sip/*": ACTION,
    # deviations (declared by audit; its owner confirms)
    "GET /api/deviations": READ,
    "GET /api/deviations/drafts": READ,
    "GET /api/deviations/statistics": NONE,
    "GET /api/deviations/{id}": READ,
    "POST /api/deviations/check-text": NONE,  # checks free text for identity numbers
    "POST /api/deviations": ACTION,
    "POST /api/deviations/*": ACTION,
    # competence (issue 15): courses, coverage figures and completions, no patient data
    "GET /api/competence/*": NONE,
    "POST /api/competence/*": NONE,
    # governance (issue 14): plans and documents, no patient data
    "GET /api/governance/*": NONE,
    "POST /api/governance/*": NONE,
    # surveys (issue 15): questionnaires, plans, anonymous results of groups of five or more
    "GET /api/surveys/*": NONE,
    "POST /api/surveys/*": NONE,
    "POST /api/episodes": ACTION,
    "POST /api/admissions/batch": ACTION,  # each through do_admit, its read logged inside
    "POST /api/episodes/{id}/*": ACTION,
    "POST /api/messages/{id}/acknowledge": ACTION,
    "POST /api/messages/{id}/forward": ACTION,
}


def mark(registry: dict[str, str], key: str) -> str | None:
    """The mark of `key` by the first entry that matches it (exactly, or as a pattern), or
    None when nothing declares it."""
    if key in registry:
        return registry[key]
    for pattern, value in registry.items():
        if "*" in pattern and fnmatchcase(key, pattern):
            return value
    return None
