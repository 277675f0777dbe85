"""Tests of the brand images that Home Assistant and HACS show for the integration."""

from __future__ import annotations

from PIL import Image
import pytest

from ..helpers.files import INTEGRATION, ROOT

BRAND = INTEGRATION / "brand"
SOURCES = ROOT / "brand-src"

# Name -> (width, height); None: any width, wider than high (a logo).
SIZES: dict[str, tuple[int | None, int]] = {
    "icon.png": (256, 256),
    "icon@2x.png": (512, 512),
    "logo.png": (None, 128),
    "logo@2x.png": (None, 256),
}


@pytest.mark.parametrize("prefix", ["", "dark_"])
@pytest.mark.parametrize("name", list(SIZES))
def test_brand_image_size(prefix: str, name: str) -> None:
    """Each brand image has the size Home Assistant's brand rules ask for."""
    width, height = SIZES[name]
    with Image.open(BRAND / f"{prefix}{name}") as image:
        assert image.format == "PNG"
        assert image.mode == "RGBA"
        assert image.height == height
        if width is None:
            assert image.width > image.height
        else:
            assert image.width == width


@pytest.mark.parametrize("name", [f"{p}{n}" for p in ("", "dark_") for n in SIZES])
def test_brand_image_trimmed(name: str) -> None:
    """The drawing reaches every edge (trimmed) and the corners stay transparent."""
    with Image.open(BRAND / name) as image:
        alpha = image.getchannel("A")
        assert alpha.getbbox() == (0, 0, image.width, image.height)
        assert alpha.getpixel((0, 0)) == 0


@pytest.mark.parametrize("name", list(SIZES))
def test_dark_variant_differs(name: str) -> None:
    """The dark_ variants are drawn in the dark palette, not copies."""
    with (
        Image.open(BRAND / name) as light,
        Image.open(BRAND / f"dark_{name}") as dark,
    ):
        assert light.size == dark.size
        assert light.tobytes() != dark.tobytes()


def test_brand_sources_kept() -> None:
    """The vector sources the images are drawn from are in the repository."""
    assert sorted(path.name for path in SOURCES.glob("*.svg")) == [
        "icon.svg",
        "logo.svg",
    ]
    assert (ROOT / "scripts" / "brand").is_file()
