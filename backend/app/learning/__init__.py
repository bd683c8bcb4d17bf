"""Learning sessions: the service between the routes and the tutor graph."""
