"""Caption page: a CNN looks at the photo once, an LSTM writes the caption word by word."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st
from PIL import Image, ImageDraw, ImageFont, ImageOps

from app.common import (captioner, escape_markdown, load_or_stop, plot_height, readable, scroll_into_view,
                        sentence, show_warnings, small_print, timed, whole_result)
from serving.api.client import ApiUnavailable, RemoteCaptioner
from serving.caption.captioner import DETECTED, Captioner, CaptionResult
from serving.caption.gallery import gallery_photos as read_gallery_photos
from serving.caption.image_input import ImageInputError, center_crop, load_image
from serving.caption.recognition import Recognition, says_people

MAPS_PER_ROW = 6
BOX_COLOURS = ("#e45756", "#4c78a8", "#54a24b", "#f58518", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d")
SHOWN_SIDE = 640  # the photo with its boxes is drawn at most this wide or high


@st.cache_data(show_spinner="Fetching the sample photos (scikit-image and Debian's opencv-doc, once)...")
def gallery_photos() -> dict[str, bytes]:
    """The sample photos (serving/caption/gallery.py), fetched once into the data cache; those that
    cannot be fetched are left out."""
    return read_gallery_photos()


@st.cache_data(show_spinner=False)
def thumbnail(data: bytes) -> Image.Image:
    """A square thumbnail, so the gallery lines up whatever the photos' shapes."""
    return ImageOps.fit(load_image(data), (240, 240), Image.BICUBIC)


@st.cache_data(max_entries=64, show_spinner=False)
def caption_bytes(data: bytes, beam_size: int, cnn_names: bool) -> tuple[Image.Image, Image.Image, CaptionResult,
                                                                          float]:
    """Caption one uploaded image (cached per image and settings): the photo, the 224 x 224 square the CNN
    sees, the result, and the milliseconds reading the file, detector, encoder and beam search took. The
    detector reads the whole photo; the encoder its centre square."""
    photo = load_image(data)
    [answer], latency_ms = timed(lambda: load_or_stop(captioner).predict_batch([data], beam_size=beam_size,
                                                                                cnn_names=cnn_names, detail=True))
    return photo, center_crop(photo), whole_result(answer, CaptionResult, unusable=ImageInputError), latency_ms


def boxes_drawn(photo: Image.Image, recognition: Recognition) -> Image.Image:
    """The photo (at most SHOWN_SIDE on a side) with every detected box: thick and labelled with the name the
    line says for the kinds of thing said, thin and grey for boxes of kinds not sure enough to say. Labels are
    a twentieth of the picture high, so they stay legible when the picture is shown a column wide."""
    scale = min(1.0, SHOWN_SIDE / max(photo.size))
    shown = photo.resize((max(1, round(photo.width * scale)), max(1, round(photo.height * scale))), Image.BILINEAR)
    draw = ImageDraw.Draw(shown)
    font = ImageFont.load_default(size=max(12, max(shown.size) // 20))
    said = {thing.coco_label: thing.label for thing in recognition.things if thing.boxes}
    colours = {label: BOX_COLOURS[i % len(BOX_COLOURS)] for i, label in enumerate(said)}
    for detection in sorted(recognition.detections, key=lambda d: d.label in said):  # said kinds on top
        box = [v * scale for v in detection.box]
        if detection.label not in said:
            draw.rectangle(box, outline="#bbbbbb", width=1)
            continue
        draw.rectangle(box, outline=colours[detection.label], width=max(3, max(shown.size) // 160))
        text = f"{said[detection.label]} {detection.score:.0%}"
        left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
        x, y = box[0], max(0.0, box[1] - (bottom - top) - 4) if box[1] > bottom - top else box[1]
        draw.rectangle((x, y, x + right - left + 6, y + bottom - top + 4), fill=colours[detection.label])
        draw.text((x + 3 - left, y + 2 - top), text, fill="white", font=font)
    return shown


def seen_in_the_photo(recognition: Recognition) -> str:
    """One line: the things with their counts, the people, the setting."""
    things = [t.phrase for t in recognition.things if t.coco_label != "person"]
    people = {0: "no people", 1: "one person"}.get(recognition.people, f"{recognition.people} people")
    setting = ", ".join(recognition.setting) or "not recognised"
    return (f"**Seen in the photo:** {escape_markdown(', '.join(things)) or 'no things recognised'}; "
            f"**people:** {people}; **setting:** {escape_markdown(setting)}.")


def attention_overlay(square: Image.Image, weights: np.ndarray) -> Image.Image:
    """The photo darkened where the decoder did not look: its 7x7 weights, smoothly upsampled."""
    heat = Image.fromarray((weights / max(weights.max(), 1e-9) * 255).astype(np.uint8))
    heat = np.asarray(heat.resize(square.size, Image.BICUBIC), np.float32)[:, :, None] / 255
    shaded = np.asarray(square, np.float32) * (0.25 + 0.75 * heat)
    return Image.fromarray(shaded.clip(0, 255).astype(np.uint8))


def imagenet_chart(result: CaptionResult) -> alt.Chart:
    frame = pd.DataFrame([{"class": label, "probability": prob} for label, prob in result.imagenet_top5])
    return readable(alt.Chart(frame).mark_bar(color="#72b7b2").encode(
        x=alt.X("probability:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("class:N", sort="-x", title=None),
        tooltip=["class", alt.Tooltip("probability:Q", format=".1%")],
    ).properties(height=plot_height(len(frame), 36)))


# Each gallery cell is one click target: the title button's hit area is stretched over the thumbnail; a title
# breaks between words only ("Motorcycle" stays whole on a phone).
PAGE_STYLE = """<style>
[class*="st-key-gallery_cell_"] { position: relative; }
[class*="st-key-gallery_cell_"] .stElementContainer { position: static; }
[class*="st-key-gallery_cell_"] .stButton button::after { content: ""; position: absolute; inset: 0; }
[class*="st-key-gallery_cell_"] img { cursor: pointer; }
[class*="st-key-gallery_cell_"] .stButton p { font-size: 0.8rem; word-break: keep-all; overflow-wrap: normal; }
</style>"""


def choose(source: tuple[str, str | None]) -> None:
    """Remember what was chosen last. A sample photo empties the uploader (a new one is drawn), so the file
    in it is not left looking chosen, and choosing that file again is a new choice."""
    st.session_state["caption_source"] = source
    st.session_state["caption_choices"] = st.session_state.get("caption_choices", 0) + 1
    if source[0] == "gallery":
        st.session_state["caption_uploads"] = st.session_state.get("caption_uploads", 0) + 1


def image_choice() -> tuple[str, bytes] | None:
    """(what it is, its bytes) for the image the user chose last, or None."""
    photos = gallery_photos()
    if photos:
        st.markdown("**Click a sample photo** (none of them was seen in training):")
        with st.grid(len(photos), min_column_width=76, gap="small"):
            for index, (title, data) in enumerate(photos.items()):
                with st.container(key=f"gallery_cell_{index}", gap=None):
                    st.image(thumbnail(data), width="stretch", alt=f"Sample photo: {title.lower()}")
                    st.button(title, key=f"gallery_{title}", on_click=choose, args=(("gallery", title),),
                              width="stretch")
    else:
        st.info("The sample photos could not be fetched (they come from PyPI's scikit-image wheel and "
                "Debian's opencv-doc package); upload a photo instead.")
    upload_column, camera_column = st.columns(2)
    limit_mb = st.get_option("server.maxUploadSize")
    # Every file type reaches the page, so a file that is not a photo gets a message here (and the
    # caption of the photo before it goes) instead of a refusal inside the uploader.
    upload = upload_column.file_uploader("...or upload a photo",
                                         key=f"caption_upload_{st.session_state.get('caption_uploads', 0)}",
                                         on_change=choose, args=(("caption_upload", None),),
                                         help=f"JPEG, PNG, WebP or GIF up to {limit_mb} MB; a larger photo is "
                                              "refused by the browser before it is sent, so nothing is lost.")
    with camera_column.expander("...or take one with the camera"):
        camera = st.camera_input("Camera", key="caption_camera", on_change=choose, args=(("caption_camera", None),),
                                 label_visibility="collapsed")
    kind, title = st.session_state.get("caption_source", (None, None))
    if kind == "gallery" and title in photos:
        return title, photos[title]
    if kind == "caption_camera" and camera is not None:
        return "camera photo", camera.getvalue()
    if kind == "caption_upload" and upload is not None:
        return upload.name, upload.getvalue()
    return None


def alternatives_table(result: CaptionResult) -> None:
    """The rest of the n-best list, with its scores said in words people can read."""
    st.markdown("**Other captions the beam search kept.** *Sure per word* is how sure the decoder was of each "
                f"word on average (the geometric mean of its word probabilities); the caption above: "
                f"{np.exp(result.score):.0%}.")
    table = pd.DataFrame([{"caption": text, "sure per word": float(np.exp(score))}
                          for text, score in result.alternatives])
    st.dataframe(table, hide_index=True, width="stretch",
                 column_config={"sure per word": st.column_config.ProgressColumn(format="percent", min_value=0,
                                                                                 max_value=1)})


def people_gap(model: Captioner | RemoteCaptioner) -> str:
    """Why a caption can miss the people the detector found, for the decoder being served."""
    if model.objects:
        return ("the decoder reads them, but it learnt to copy from scenes of pasted cut-outs, none of them a "
                "person, and here it chose its own words.")
    return "this decoder does not read the detector: it learnt its words from cut-outs, none of them a person."


def copied_names(result: CaptionResult) -> str:
    """What the decoder copied, each with where it came from: the CNN (and its class) or the detector."""
    said = []
    for n in result.cnn_names:
        if n.imagenet_class.startswith(DETECTED):
            said.append(f"**{escape_markdown(n.label)}** from the detector (its class "
                        f"{escape_markdown(n.imagenet_class[len(DETECTED):])}, best box {n.probability:.0%})")
        else:
            said.append(f"**{escape_markdown(n.label)}** from the CNN ({n.probability:.0%} sure of it in the whole "
                        f"photo; its likeliest class: {escape_markdown(n.imagenet_class)})")
    return "; ".join(said)


def show_result(name: str, photo: Image.Image, square: Image.Image, result: CaptionResult,
                latency_ms: float) -> None:
    caption = sentence(result.caption)
    st.markdown(f"## :gray[{caption}]" if result.warnings else f"## {caption}")
    show_warnings(result.warnings)
    recognition = result.recognition
    show_boxes = False
    if recognition is not None:
        st.markdown(seen_in_the_photo(recognition))
        if recognition.people and not says_people(result.caption):
            st.info(f"The caption does not name the {'person' if recognition.people == 1 else 'people'} the "
                    f"detector found: {people_gap(load_or_stop(captioner))}")
        if recognition.detections:
            show_boxes = st.toggle("Show what the detector found", value=True, key="caption_boxes",
                                   help="Boxes of the COCO object detector (NanoDet): from 35% a box is drawn and "
                                        "counted; a kind of thing is said when its best box reaches 50% (thick, "
                                        "labelled); thin grey boxes are kinds not sure enough to say.")
    left, right = st.columns([1, 2])
    if show_boxes:
        left.image(boxes_drawn(photo, recognition), caption=f"{escape_markdown(name)}: what the detector found",
                   width="stretch",
                   alt=f"The photo with the detector's boxes: {', '.join(t.phrase for t in recognition.things)}")
    left.image(square, caption=f"{escape_markdown(name)}: the 224 x 224 square the CNN sees", width="stretch",
               alt=f"The photo as the CNN sees it; the caption says: {result.caption}")
    with right:
        if result.cnn_names and load_or_stop(captioner).copying:
            st.markdown(f"Copied: {copied_names(result)}. The decoder wrote "
                        f"*{escape_markdown(result.decoder_caption)}* ({escape_markdown('<cnn0>')} stands for the "
                        f"CNN's likeliest thing, {escape_markdown('<obj0>')} for the detector's most prominent).")
        elif result.cnn_names:
            named = "; ".join(f"**{escape_markdown(n.label)}** ({n.probability:.0%} sure where the decoder looked; "
                              f"its class: {escape_markdown(n.imagenet_class)}; the decoder had said "
                              f"*{escape_markdown(n.decoder_said)}*)" for n in result.cnn_names)
            st.markdown(f"Named by the CNN: {named}. The decoder alone wrote: "
                        f"*{escape_markdown(result.decoder_caption)}*.")
        if result.alternatives:
            alternatives_table(result)
        st.markdown("**What the CNN sees** (its ImageNet top-5, before any words):")
        st.altair_chart(imagenet_chart(result), width="stretch")
    st.markdown("#### Where the decoder looked for each word")
    st.caption("Bright is where the attention weights were high when the word was written.")
    with st.grid(MAPS_PER_ROW, min_column_width=64, gap="small"):
        for word, weights in zip(result.words, result.attention):
            st.image(attention_overlay(square, weights), caption=word, width="stretch",
                     alt=f"Where the decoder looked while writing '{word}'")
    small_print(f"Detector + encoder + beam search: {latency_ms:.0f} ms. "
                f"Execution provider: {load_or_stop(captioner).artifact.provider()}.")


DETECTOR_KNOWS = ("**What the detector knows.** The line under the caption comes from a COCO object detector "
                  "(NanoDet: people and 79 kinds of thing, with boxes, so it can count them) and the CNN's ImageNet "
                  "classes (finer names, and a few kinds of place). The caption itself is still the decoder's "
                  "own: it does not read the detector yet, so it can miss the people and counts that line names.")


def what_it_knows(model: Captioner | RemoteCaptioner) -> str:
    """The model's limits in plain words, for the model being served."""
    if model.objects:
        return ("**What it knows.** The decoder learnt its own words from about 290 things photographed for Tux "
                "Paint, pasted onto plain colours and onto photographed settings (grass, sky, water, sand, a "
                "forest, leaves, wooden tables and floors, a room), alone, in twos and threes or in groups. It also "
                f"reads the CNN's {model.copying['count']} likeliest things and the detector's {model.objects} most "
                "prominent (people among them, counted), and copies one where it learnt to trust them. It says "
                "only the settings it was shown, it never saw a person in training (it copies the detector's "
                "people as it copies its zebras), and it does not say what anyone is doing.")
    if model.copying:
        return ("**What it knows.** The decoder learnt its own words from about 290 things photographed for Tux "
                "Paint, pasted onto plain colours and onto photographed settings (grass, sky, water, sand, a "
                "forest, leaves, wooden tables and floors, a room), alone, in twos and threes or in groups. It also "
                f"reads the CNN's {model.copying['count']} likeliest things among ImageNet's 1,000 classes and "
                "copies a name where it learnt to trust the CNN. It says only the settings it was shown, and it "
                "knows no people: ImageNet has no person class, so a person comes out as something else.")
    return ("**What it knows.** The decoder learnt its words from about 290 things photographed for Tux "
            "Paint and pasted onto plain backgrounds; it names other things through the CNN's 1,000 ImageNet "
            "classes when the CNN is sure of them. It has never seen a captioned photo: it does not say where "
            "things are or how many there are, and it knows no people (a person comes out as something else).")


def page() -> None:
    st.title("Caption")
    st.markdown("**One-to-many.** A CNN (EfficientNet-Lite0) looks at the photo once; an LSTM then writes the "
                "caption word by word, attending to a different part of the image for each word.")
    model = load_or_stop(captioner)
    st.html(PAGE_STYLE)
    choice = image_choice()
    beam_column, names_column = st.columns(2)
    beam_size = beam_column.slider("Beam size", 1, 10, 3, key="caption_beam",
                                   help="How many partial captions the search keeps; 1 is greedy decoding.")
    threshold, copying = model.cnn_name_threshold, model.copying
    if copying:
        seen = (f"the CNN's {copying['count']} likeliest things and the detector's {model.objects} most prominent "
                "(with their counts)" if model.objects else f"the CNN's {copying['count']} likeliest things")
        cnn_names = names_column.toggle(
            "Let the decoder copy what the CNN and the detector see" if model.objects
            else "Let the decoder copy what the CNN sees", value=True, key="caption_cnn_names",
            help=f"The decoder reads {seen} in the photo and may copy one into the caption where a name belongs; "
                 "it learnt when to trust them from their own right and wrong guesses on its training scenes. "
                 "Off: it must use its own words.")
    else:
        cnn_names = threshold is not None and names_column.toggle(
            "Let the CNN name what it is sure of", value=True, key="caption_cnn_names",
            help="The decoder only knows the ~290 things of its training photos; the CNN knows 1,000 ImageNet "
                 "classes. Where the decoder looked while naming an object, the CNN's classifier says what is "
                 f"there, and its name is used when it is at least {threshold:.0%} sure (a threshold "
                 "chosen on validation scenes of things the decoder never learnt).")
    with st.container(key="caption_result"):
        if choice is None:
            st.info("Pick a sample photo or upload one (JPEG, PNG, WebP or GIF) to get a caption.")
        else:
            name, data = choice
            try:
                photo, square, result, latency_ms = caption_bytes(data, beam_size, cnn_names)
                show_result(name, photo, square, result, latency_ms)
            except (ImageInputError, ApiUnavailable) as err:
                st.error(f"{escape_markdown(name)}: {err}.")
    if choice is not None:
        scroll_into_view("caption_result", st.session_state.get("caption_choices", 0))
    st.caption(what_it_knows(model))
    if model.has_detector and not model.objects:
        st.caption(DETECTOR_KNOWS)


page()
