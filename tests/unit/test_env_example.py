"""`.env.example` documents every setting, each with a comment, and nothing else."""

from pathlib import Path

from backend.app.config import Settings

ENV_EXAMPLE = Path(__file__).resolve().parents[2] / ".env.example"


def test_every_setting_is_listed_with_a_comment():
    lines = ENV_EXAMPLE.read_text().splitlines()
    listed = {}
    for index, line in enumerate(lines):
        if line and not line.startswith("#") and "=" in line:
            listed[line.split("=", 1)[0]] = lines[index - 1].startswith("#")
    assert set(listed) == set(Settings.model_fields)
    assert all(listed.values()), [name for name, commented in listed.items() if not commented]


def test_the_example_file_itself_loads(tmp_path):
    settings = Settings(_env_file=ENV_EXAMPLE, DATA_DIR=tmp_path)
    assert settings.LLM_PROVIDER == "offline"
