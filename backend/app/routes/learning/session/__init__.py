"""Routes of one learning session: its turns and its streams."""
