"""Tests of dlbook.interactive: a slider over pre-drawn frames for static pages."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("IPython")

from dlbook.interactive import figure_slider  # noqa: E402

FRAME = re.compile(r'frames\[(\d+)\] = "data:image/(png|jpeg);base64,')


def draw_line(fig, value):
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, value])
    ax.set_title(f"value {value}")


def small_slider(values=(1, 2, 3), **kwargs):
    options = {"label": "Slope", "figsize": (2.0, 1.5), "dpi": 30}
    options.update(kwargs)
    return figure_slider(draw_line, values, **options).data


def test_returns_html_with_a_range_input_and_one_frame_per_value():
    from IPython.display import HTML

    values = [1, 2, 3, 4]
    player = figure_slider(draw_line, values, label="Slope", figsize=(2.0, 1.5), dpi=30)
    assert isinstance(player, HTML)
    html = player.data
    assert html.startswith('<div class="dlbook-slider" data-label="Slope" data-frames="4">')
    assert html.endswith("</div>")
    assert len(re.findall(r'<input[^>]*type="range"', html)) == 1
    indices = [int(index) for index, _ in FRAME.findall(html)]
    assert indices == list(range(len(values))), f"frames found: {indices}"


def test_frames_differ_and_the_first_is_shown_before_javascript_runs():
    html = small_slider()
    frames = re.findall(r'frames\[\d+\] = "(data:image/png;base64,[^"]+)"', html)
    decoded = [base64.b64decode(frame.split(",", 1)[1].replace("\\\n", "")) for frame in frames]
    assert all(data.startswith(b"\x89PNG") for data in decoded)
    assert len(set(decoded)) == len(decoded), "every value should give a different image"
    img = re.search(r'<img id="_anim_img\w+" class="dlbook-slider-frame" alt="([^"]+)" '
                    r'src="([^"]+)">', html)
    assert img is not None, "the player's <img> should carry an alt text and a first frame"
    assert img.group(2) == frames[0].replace("\\\n", "")
    assert "\\" not in img.group(2) and "\n" not in img.group(2)


def test_slider_is_wired_to_the_image_and_works_offline():
    html = small_slider()
    slider_id = re.search(r'<input id="(_anim_slider\w+)" type="range"', html).group(1)
    suffix = slider_id.removeprefix("_anim_slider")
    assert f'oninput="anim{suffix}.set_frame(parseInt(this.value));"' in html
    assert f'var img_id = "_anim_img{suffix}";' in html
    # No external resources: the page must work without a network.
    assert "http://" not in html and "https://" not in html
    assert "<link" not in html
    assert 'class="fa' not in html


def test_output_is_deterministic_and_ids_are_unique_per_slider():
    first, second = small_slider(), small_slider()
    ids = [re.search(r'id="_anim_img(\w+)"', html).group(1) for html in (first, second)]
    assert ids[0] != ids[1], "two sliders on one page need different element ids"
    assert re.sub(ids[0], "", first) == re.sub(ids[1], "", second)


def test_label_is_escaped_and_other_sequences_work():
    html = small_slider(values=np.array([0.5, 1.5]), label='a "b" <c>')
    assert 'data-label="a &quot;b&quot; &lt;c&gt;"' in html
    assert len(FRAME.findall(html)) == 2
    assert len(FRAME.findall(small_slider(values=range(2)))) == 2


def frame_modes(html):
    import io

    from PIL import Image

    frames = re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', html)
    return [Image.open(io.BytesIO(base64.b64decode(f.replace("\\\n", "")))).mode for f in frames]


def test_png_frames_use_a_palette_unless_asked_not_to():
    assert frame_modes(small_slider()) == ["P", "P", "P"]
    assert frame_modes(small_slider(colors=None)) == ["RGBA", "RGBA", "RGBA"]


def test_jpeg_frames():
    html = small_slider(values=[1, 2], frame_format="jpeg")
    assert [fmt for _, fmt in FRAME.findall(html)] == ["jpeg", "jpeg"]


def test_no_figure_is_left_open():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    small_slider()
    assert plt.get_fignums() == before


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"values": []}, ValueError, r"figure_slider: expected at least one value, got an empty"),
        ({"values": "abc"}, TypeError, r"expected values to be a sequence .*got str"),
        ({"values": 3}, TypeError, r"figure_slider: expected values to be a sequence .*got int"),
        ({"label": ""}, ValueError, r"figure_slider: expected a non-empty label"),
        ({"label": 3}, TypeError, r"figure_slider: expected label to be a str, got int"),
        ({"figsize": (2.0,)}, TypeError, r"figure_slider: expected figsize to be a pair"),
        ({"figsize": (0, 2)}, ValueError, r"figure_slider: expected figsize width > 0.0, got 0.0"),
        ({"dpi": -1}, ValueError, r"figure_slider: expected dpi > 0.0, got -1.0"),
        ({"interval": 0}, ValueError, r"figure_slider: expected interval > 0.0, got 0.0"),
        ({"colors": 1}, ValueError, r"figure_slider: expected colors >= 2, got 1"),
        ({"colors": 300}, ValueError, r"figure_slider: expected colors <= 256 \(a PNG palette\)"),
        ({"colors": 2.5}, TypeError, r"figure_slider: expected colors to be an int, got float"),
        ({"frame_format": "gif"}, ValueError,
         r"figure_slider: expected frame_format to be one of 'png', 'jpeg', got 'gif'"),
    ],
)
def test_bad_input(kwargs, error, message):
    arguments = {"values": [1, 2], "label": "Slope", "figsize": (2.0, 1.5), "dpi": 30}
    arguments.update(kwargs)
    values = arguments.pop("values")
    with pytest.raises(error, match=message):
        figure_slider(draw_line, values, **arguments)


def test_draw_frame_must_be_callable():
    with pytest.raises(TypeError, match=r"figure_slider: expected draw_frame to be callable .*got"
                                        r" str"):
        figure_slider("draw", [1, 2], label="Slope")
