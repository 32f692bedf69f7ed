"""Session-wide test settings."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def hermetic_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or fill the user's real speech cache; subprocesses inherit this too."""
    before = os.environ.get("POLICYCLIP_CACHE_DIR")
    os.environ["POLICYCLIP_CACHE_DIR"] = str(tmp_path_factory.mktemp("speech-cache"))
    yield
    if before is None:
        del os.environ["POLICYCLIP_CACHE_DIR"]
    else:
        os.environ["POLICYCLIP_CACHE_DIR"] = before
