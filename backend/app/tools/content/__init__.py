"""Content generation tools: theory lessons (sync and streaming) and their prompts."""
