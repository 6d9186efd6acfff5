"""HL7 v2 ADT intake: mapping (`mapping`), applying exactly once (`intake`), the MLLP
listener (`listener`)."""
