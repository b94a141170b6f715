"""Audience of a conversation, from the channel it came through (never from what the user says)."""

PROFESSIONALS = "professionnels"
EVERYONE = "tous"

# Channels whose requests are authenticated as CCAS staff. Every other channel, including the
# public REST webhook and the messaging channels, is the applicant audience.
STAFF_CHANNELS = frozenset({"staff"})


def audience_for_channel(input_channel: str) -> str:
    return PROFESSIONALS if input_channel in STAFF_CHANNELS else EVERYONE
