"""Ticket streams (DESIGN 4.2): the shared machinery and its two kinds, lesson and answer."""
