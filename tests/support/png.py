"""Charts read back: the PNG signature, decoded pixels, runs of one colour."""

from __future__ import annotations

import io

import numpy as np
from matplotlib import image

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def pixels(png: bytes) -> np.ndarray:
    return image.imread(io.BytesIO(png))[:, :, :3]


def hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def runs(column: np.ndarray, colour: np.ndarray) -> int:
    """How many separate vertical stretches of `colour` a pixel column crosses."""
    matches = np.all(np.abs(column - colour) < 0.02, axis=1)
    return int(np.count_nonzero(matches[1:] & ~matches[:-1]) + matches[0])
