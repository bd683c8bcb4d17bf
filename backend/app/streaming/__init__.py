"""The streaming core: generic pieces that know no route or agent."""
