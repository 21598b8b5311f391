"""PlotWidget: controls + a plot + a one-line readout, safe for strict nbval.

Why not `interact` or an `Output` widget? Their printed output reaches nbval as
plain stdout, and it differs between a browser and a headless kernel. Here the
plot is rendered to PNG bytes and put in an `ipywidgets.Image`, and the text in
an `ipywidgets.HTML`, so creating the widget displays only the widget, whose
plain-text repr is its control values (stable).

A subclass defines:
    make_controls()       -> dict of name -> ipywidgets control (slider, dropdown...)
    compute(**values)     -> dict of data to draw (pure: unit-tested directly)
    draw(fig, data)       -> update the figure (create artists once, then reuse them)
    describe(data)        -> the one-line readout (plain text)
    example()             -> (classmethod) an instance with demonstration data, if the
                             constructor needs arguments

Without a kernel (a notebook opened fresh, a static page) a widget view shows nothing, so the display bundle
also carries the current picture as `image/png` (`_repr_mimebundle_`): front ends that can show the live
widget prefer it, the others show the picture. nbval does not compare PNGs.

Speed (a slider must answer in milliseconds): artists that change on every update can be
created with `animated=True`. The rest of the figure (axes, ticks, contours, legends) is then
rendered once and reused, and only the animated artists are drawn on top of it. Override
`background_key(data)` when the static part depends on the data (e.g. the chosen surface).
"""
from __future__ import annotations

import base64
import io
from html import escape
from typing import Any

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from course_utils._validate import type_name

__all__ = ["PlotWidget"]


class PlotWidget(widgets.VBox):
    """Base class of the course's widgets (see the module docstring)."""

    figsize: tuple[float, float] = (5.0, 3.2)
    dpi: int = 80

    def __init__(self, **initial: Any) -> None:
        """initial: starting values of some controls, by name (e.g. seed=3)."""
        self.controls: dict[str, widgets.ValueWidget] = self.make_controls()
        for name, value in initial.items():
            if name not in self.controls:
                raise ValueError(
                    f"{name!r} is not a control of {type_name(self)}; expected one of {sorted(self.controls)}")
            self.controls[name].value = value
        # A matplotlib Figure that pyplot does not know about: never shown inline by accident.
        self.figure = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png")
        self.readout = widgets.HTML()
        self.data: dict[str, Any] = {}
        self._background: Any = None  # the rendered static part of the figure (see render_png)
        self._background_key: Any = None
        self.updates = 0  # how many times the output was recomputed (tests and benchmarks read it)
        super().__init__(children=[widgets.HBox(list(self.controls.values())), self.image, self.readout])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.update()

    # --- to override -------------------------------------------------------
    def make_controls(self) -> dict[str, widgets.ValueWidget]:
        raise NotImplementedError

    def compute(self, **values: Any) -> dict[str, Any]:
        raise NotImplementedError

    def draw(self, figure: Figure, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def describe(self, data: dict[str, Any]) -> str:
        return ""

    def background_key(self, data: dict[str, Any]) -> Any:
        """What the static (non-animated) part of the picture depends on; it is re-rendered when this changes."""
        return None

    @classmethod
    def example(cls) -> PlotWidget:
        """An instance with demonstration data (benchmarks and browser tests build widgets this way).

        Widgets whose constructor needs data (a model, word vectors) override this.
        """
        return cls()

    # --- machinery ---------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change: dict) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the data from the controls and refresh the picture and readout."""
        self.data = self.compute(**self.values())
        self.draw(self.figure, self.data)
        self.image.value = self.render_png()
        self.readout.value = f"<code>{escape(self.describe(self.data))}</code>"  # plain text, shown as HTML
        self.updates += 1

    def render_png(self) -> bytes:
        """The figure as PNG bytes, made for speed: a widget must answer a slider in milliseconds.

        - The constrained layout is computed on the first render only, then frozen
          (recomputing it costs more than the drawing).
        - If some artists are animated, the static rest is rendered once (again only when
          background_key changes) and the animated artists are drawn over a copy of it.
        - The PNG is written with light compression.
        """
        canvas = self.figure.canvas
        animated = self.figure.findobj(lambda artist: artist.get_animated())
        if not animated:
            canvas.draw()
        else:
            key = self.background_key(self.data)
            if self._background is None or key != self._background_key:
                canvas.draw()  # draws everything except the animated artists
                self._background, self._background_key = canvas.copy_from_bbox(self.figure.bbox), key
            else:
                canvas.restore_region(self._background)
            for artist in animated:
                self.figure.draw_artist(artist)
        if self.figure.get_layout_engine() is not None:
            self.figure.set_layout_engine("none")  # keep the positions found on the first render
        width, height = canvas.get_width_height()
        picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buffer = io.BytesIO()
        picture.save(buffer, format="png", compress_level=1)
        return buffer.getvalue()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget view and its plain-text repr (ipywidgets), plus the current picture as a PNG fallback."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["image/png"] = base64.b64encode(bytes(self.image.value)).decode("ascii")
        return bundle

    def __repr__(self) -> str:
        args = ", ".join(f"{name}={value!r}" for name, value in self.values().items())
        return f"{type_name(self)}({args})"
