"""Interactive figures that keep working on a static HTML page, with no kernel behind them.

A slider in a notebook (``ipywidgets``) needs a running Python kernel to redraw the figure, so
it is dead on a published page. The trick here is to draw every frame in advance and let the
browser flip between them: matplotlib's own animation player (the ``to_jshtml`` method of
:class:`matplotlib.animation.FuncAnimation`) embeds the frames as images and a few lines of
JavaScript that swap them when its ``<input type="range">`` moves. Nothing is downloaded: the
player's only external resource (an icon font from a CDN) is removed and its icons are replaced
by plain characters.

Introduced in :doc:`/book/foundations/circles`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import numbers
import re
from collections.abc import Callable, Sequence
from typing import Any

from dlbook._checks import check_in, check_int, check_number, type_name

__all__ = ["figure_slider"]

# matplotlib's player draws its buttons with Font Awesome icons loaded from a CDN; the book is
# offline, so each icon becomes characters that every browser's fonts can draw (geometric
# triangles and bars; the media-control symbols U+23EE.. are missing from many fonts).
_ICONS = {
    "fa fa-minus": "&#x2212;",  # minus sign
    "fa fa-fast-backward": "|&#x25C0;&#xFE0E;&#x25C0;&#xFE0E;",
    "fa fa-step-backward": "&#x25C0;&#xFE0E;|",
    "fa fa-play fa-flip-horizontal": "&#x25C0;&#xFE0E;",
    "fa fa-pause": "||",
    "fa fa-play": "&#x25B6;&#xFE0E;",
    "fa fa-step-forward": "|&#x25B6;&#xFE0E;",
    "fa fa-fast-forward": "&#x25B6;&#xFE0E;&#x25B6;&#xFE0E;|",
    "fa fa-plus": "+",
}
_ICON_TAG = re.compile(r'<i class="(fa [^"]*)"></i>')
_CDN_LINK = re.compile(r"<link[^>]*font-awesome[^>]*>\s*", re.IGNORECASE)
_SLIDER_COUNT = 0
_FIRST_FRAME = re.compile(r'frames\[0\] = "(data:image/[^"]+)"')
_PNG_FRAME = re.compile(r'(frames\[\d+\] = "data:image/png;base64,)([^"]+)(")')


def _palette_png(match: re.Match[str], colors: int) -> str:
    """Re-encode one embedded PNG frame with a palette of at most ``colors`` colours.

    Plots are mostly flat areas of a few colours, so a palette image is several times smaller
    than matplotlib's full-colour RGBA one and looks the same; no dithering keeps edges clean.
    """
    from PIL import Image

    # The player's JavaScript strings continue base64 lines with a backslash.
    data = base64.b64decode(match.group(2).replace("\\\n", ""))
    with Image.open(io.BytesIO(data)) as image:
        palette = image.convert("RGB").quantize(
            colors=colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
        )
    buffer = io.BytesIO()
    palette.save(buffer, format="png", optimize=True)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"{match.group(1)}{encoded}{match.group(3)}"


def _check_values(values: Any) -> list[Any]:
    is_sequence = isinstance(values, Sequence) and not isinstance(values, (str, bytes))
    is_vector = getattr(values, "ndim", None) == 1  # a 1-D NumPy array
    if not (is_sequence or is_vector):
        raise TypeError(
            "figure_slider: expected values to be a sequence (list, tuple, range or 1-D "
            f"array), got {type_name(values)}"
        )
    frames = list(values)
    if len(frames) == 0:
        raise ValueError("figure_slider: expected at least one value, got an empty sequence")
    return frames


def _check_figsize(figsize: Any) -> tuple[float, float]:
    if (
        not isinstance(figsize, Sequence)
        or isinstance(figsize, str)
        or len(figsize) != 2
        or not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in figsize)
    ):
        raise TypeError(
            f"figure_slider: expected figsize to be a pair (width, height) in inches, got "
            f"{figsize!r}"
        )
    width = check_number(figsize[0], "figsize width", caller="figure_slider", low=0.0,
                         low_inclusive=False)
    height = check_number(figsize[1], "figsize height", caller="figure_slider", low=0.0,
                          low_inclusive=False)
    return width, height


def _tidy_player(player: str, label: str, first_frame: str) -> str:
    """Make matplotlib's player self-contained and give its image a text alternative."""
    player = _CDN_LINK.sub("", player)
    player = _ICON_TAG.sub(lambda match: _ICONS.get(match.group(1), "&#x2022;"), player)
    # The player sets the image's source from a timer once the page has loaded; starting from the
    # first frame means the figure is visible (and printable) even before, or without, JavaScript.
    alt = html.escape(f"{label}: one frame per value, chosen with the slider", quote=True)
    player = re.sub(
        r'<img id="(_anim_img[0-9a-f]+)">',
        lambda match: f'<img id="{match.group(1)}" class="dlbook-slider-frame" alt="{alt}" '
        f'src="{first_frame}">',
        player,
        count=1,
    )
    return player


def _stable_ids(player: str, label: str) -> str:
    """Replace the player's random element id by one derived from its content and a counter.

    matplotlib names the elements with a fresh UUID, so the page would change at every build;
    a digest of the frames keeps rebuilt pages identical, and the counter keeps two identical
    sliders on one page apart.
    """
    global _SLIDER_COUNT
    _SLIDER_COUNT += 1
    found = re.search(r'id="_anim_img([0-9a-f]+)"', player)
    if found is None:  # pragma: no cover - would mean matplotlib changed its player's format
        return player
    random_id = found.group(1)
    content = player.replace(random_id, "").encode()
    digest = hashlib.sha1(f"{label}|{_SLIDER_COUNT}|".encode() + content)
    return player.replace(random_id, digest.hexdigest()[:16])


def figure_slider(
    draw_frame: Callable[[Any, Any], None],
    values: Sequence[Any],
    *,
    label: str,
    figsize: tuple[float, float] = (6.4, 3.2),
    dpi: float = 80,
    interval: float = 800,
    frame_format: str = "png",
    colors: int | None = 64,
) -> Any:
    """A slider over pre-drawn matplotlib frames that works on a static page.

    ``draw_frame(fig, value)`` is called once per value on an emptied figure and draws whatever
    that value should show (it may add axes, titles, legends). The frames are rendered with
    :class:`matplotlib.animation.FuncAnimation` and embedded in matplotlib's JavaScript player,
    whose range input selects the frame: no kernel, widget library or network is needed to move
    it, so the slider works in the published HTML book exactly as in Jupyter.

    Parameters
    ----------
    draw_frame
        Function ``draw_frame(fig, value)`` drawing the frame for ``value`` on the
        :class:`matplotlib.figure.Figure` ``fig``. Its return value is ignored.
    values
        The slider's positions, in order (for example ``range(1, 7)``); one frame each.
    label
        What the slider chooses ("Hidden units"). Stored in the wrapper's ``data-label`` attribute
        and shown above the player.
    figsize
        Size of every frame in inches, ``(width, height)``.
    dpi
        Resolution of the embedded images; every frame is an image of ``figsize * dpi`` pixels
        inside the page, so keep it modest (80 keeps a six-frame figure light).
    interval
        Milliseconds between frames when the player's play button is pressed.
    frame_format
        ``"png"`` (sharp lines, the default) or ``"jpeg"`` (smaller for photographs).
    colors
        For PNG frames: store each frame with a palette of at most this many colours (2 to
        256), which makes a typical plot three to five times smaller without visible change;
        ``None`` keeps matplotlib's full-colour images.

    Returns
    -------
    IPython.display.HTML
        The player, wrapped as ``<div class="dlbook-slider" data-label="...">``. Displaying it
        in a notebook cell (or as the cell's last expression) puts it on the page.

    Raises
    ------
    TypeError
        If ``draw_frame`` is not callable, ``values`` is not a sequence, ``label`` is not a
        string or ``figsize`` is not a pair of numbers.
    ValueError
        If ``values`` is empty, ``label`` is blank, a size is not positive or ``frame_format``
        is not supported.

    Examples
    --------
    >>> def draw(fig, value):
    ...     ax = fig.add_subplot()
    ...     ax.plot([0, 1], [0, value])
    ...     ax.set_title(f"slope {value}")
    >>> player = figure_slider(draw, [1, 2, 3], label="Slope", figsize=(2, 2), dpi=30)
    >>> html_text = player.data
    >>> 'type="range"' in html_text, html_text.count('"data:image/png;base64,')
    (True, 4)

    The count is four because the first frame also serves as the image shown before the player
    starts.

    Introduced in :doc:`/book/foundations/circles`.
    """
    if not callable(draw_frame):
        raise TypeError(
            f"figure_slider: expected draw_frame to be callable as draw_frame(fig, value), got "
            f"{type_name(draw_frame)}"
        )
    frames = _check_values(values)
    if not isinstance(label, str):
        raise TypeError(f"figure_slider: expected label to be a str, got {type_name(label)}")
    if not label.strip():
        raise ValueError("figure_slider: expected a non-empty label, got an empty string")
    width, height = _check_figsize(figsize)
    dpi = check_number(dpi, "dpi", caller="figure_slider", low=0.0, low_inclusive=False)
    interval = check_number(interval, "interval", caller="figure_slider", low=0.0,
                            low_inclusive=False)
    check_in(frame_format, "frame_format", ("png", "jpeg"), caller="figure_slider")
    if colors is not None:
        colors = check_int(colors, "colors", caller="figure_slider", minimum=2)
        if colors > 256:
            raise ValueError(f"figure_slider: expected colors <= 256 (a PNG palette), got {colors}")

    import matplotlib as mpl
    from IPython.display import HTML
    from matplotlib.animation import FuncAnimation
    from matplotlib.figure import Figure

    # A Figure made without pyplot is never shown by the notebook's inline backend, so the cell
    # displays the player only, not an extra static copy of the last frame.
    fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")

    def update(value: Any) -> list[Any]:
        fig.clear()
        draw_frame(fig, value)
        return []

    with mpl.rc_context({"animation.frame_format": frame_format, "savefig.dpi": dpi}):
        animation = FuncAnimation(
            fig, update, frames=frames, init_func=lambda: [], interval=interval, repeat=False,
            blit=False, cache_frame_data=False,
        )
        player = animation.to_jshtml(default_mode="once")

    if frame_format == "png" and colors is not None:
        player = _PNG_FRAME.sub(lambda match: _palette_png(match, colors), player)
    first = _FIRST_FRAME.search(player)
    if first is None:  # pragma: no cover - would mean matplotlib changed its player's format
        raise RuntimeError("figure_slider: could not find the frames in matplotlib's player")
    # The player's JavaScript strings continue base64 lines with a backslash; a URL must not.
    first_frame = first.group(1).replace("\\\n", "")
    player = _tidy_player(player, label, first_frame)
    player = _stable_ids(player, label)
    escaped = html.escape(label, quote=True)
    caption = (
        f'<p class="dlbook-slider-label">{html.escape(label)}: drag the slider or use the '
        f"buttons ({len(frames)} frames).</p>"
    )
    return HTML(
        f'<div class="dlbook-slider" data-label="{escaped}" data-frames="{len(frames)}">'
        f"{caption}{player}</div>"
    )
