"""Pure models and rules shared by every layer; imports nothing above config."""
