"""The eligibility conversation as pure logic: what a message means inside a check or a screening,
which question comes next, and when to stop. No Rasa import: actions/ adapts it to rasa_sdk."""
