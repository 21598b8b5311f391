"""Every widget's display bundle carries its current picture as a PNG (issue 15): a notebook opened without a
kernel, or a static page of the course, shows the picture where the live widget cannot be drawn."""
import base64

import pytest

from tools.widget_catalog import control_values, widget_classes


@pytest.mark.parametrize("cls", widget_classes(), ids=lambda cls: cls.__name__)
def test_the_bundle_holds_the_current_picture_next_to_the_widget_view(cls):
    widget = cls.example()
    bundle = widget._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "application/vnd.jupyter.widget-view+json", "image/png"}
    assert bundle["text/plain"] == repr(widget)[:110] + ("…" if len(repr(widget)) > 110 else "")
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG") and png == bytes(widget.image.value)
    # move one control: the fallback follows the picture
    name, control = next((n, c) for n, c in widget.controls.items() if len(control_values(c)) > 1)
    control.value = next(v for v in control_values(control) if v != control.value)
    after = base64.b64decode(widget._repr_mimebundle_()["image/png"])
    assert after == bytes(widget.image.value) and after != png, name
    assert base64.b64decode(widget._repr_mimebundle_()["image/png"]) == after  # the same bytes every time

