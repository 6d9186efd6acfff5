"""Builders of fictional ADT messages for the interop tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WARD_HSA_ID = "SE2321000131-E000000000101"
OTHER_WARD_HSA_ID = "SE2321000131-E000000000202"
PERSONNUMMER_OID = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_OID = "1.2.752.129.2.1.3.3"


def ts(moment: dt.datetime, *, offset: bool = True) -> str:
    """HL7 TS in Stockholm local time, with its offset unless `offset` is False."""
    local = moment.astimezone(STOCKHOLM)
    text = local.strftime("%Y%m%d%H%M%S")
    return text + local.strftime("%z") if offset else text


def adt(
    event: str,
    control_id: str,
    *,
    identifier: str = "194107089981",
    authority: str = f"&{PERSONNUMMER_OID}&ISO",
    ward: str = WARD_HSA_ID,
    visit: str = "V1001",
    admitted: str = "",
    discharged: str = "",
    occurred: str = "",
    expected_discharge: str = "",
    disposition: str = "01",
    family: str = "Testsson",
    given: str = "Tyra",
    encoding: str = "^~\\&",
    pid3: str | None = None,
    prior_ward: str = "",
    prior_identifier: str = "",
) -> str:
    """One ADT^`event` message, segments separated by carriage returns."""
    pv1 = [""] * 46
    pv1[:4] = ["PV1", "1", "I", f"{ward}^^^SJUKHUSET"]
    pv1[6] = f"{prior_ward}^^^SJUKHUSET" if prior_ward else ""
    pv1[19] = visit
    pv1[36] = disposition
    pv1[44] = admitted
    pv1[45] = discharged
    pid3 = pid3 if pid3 is not None else f"{identifier}^^^{authority}"
    segments = [
        f"MSH|{encoding}|PAS|SU|SAMSYN|VGR|20261201083000||ADT^{event}^ADT_{event}|{control_id}|P|2.5",
        f"EVN|{event}|20261201083000||||{occurred}",  # EVN-6: the event occurred
        f"PID|1||{pid3}||{family}^{given}||19410708|F",
        "|".join(pv1),
        f"PV2|||||||||{expected_discharge}",
    ]
    if prior_identifier:  # A40: MRG-1 the prior number, the person's visit not needed
        segments[3:] = [f"MRG|{prior_identifier}^^^{authority}"]
    return "\r".join(segments)


def msa(ack: str) -> list[str]:
    """MSA's fields of an ACK: [code, control id, text]."""
    segment = next(s for s in ack.split("\r") if s.startswith("MSA|"))
    return (segment.split("|")[1:] + ["", "", ""])[:3]
