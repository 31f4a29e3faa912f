"""How things are said to the user, once, for every front end."""
