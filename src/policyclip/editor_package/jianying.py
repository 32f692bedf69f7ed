"""The cut as a 剪映 (JianyingPro) draft folder. Experimental: 剪映's draft format is not
published; this follows the shape that pyJianYingDraft 0.3.1 (Apache-2.0) writes and reports
working with 剪映 5.9 and 10.8, without depending on it (it needs the native MediaInfo library
to measure files whose lengths the cut already knows, and it writes absolute paths).

The folder holds `draft_content.json` (what 剪映 for Windows reads), the same JSON as
`draft_info.json` (what 剪映 for Mac 11 reads) and `draft_meta_info.json`; every file it uses
sits inside it under `media/` and is named through 剪映's draft-folder placeholder, so the
draft keeps working wherever the folder is copied. Times are microseconds.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from .cut import AudioTrack, Cut, Still, VideoTrack, db_to_gain, frame_of

# How 剪映 writes the path of a file kept inside the draft's own folder.
DRAFT_FOLDER = "##_draftpath_placeholder_0E685133-18CE-45ED-8CB8-2904A212EC80_##"
PHOTO_US = 10_800_000_000  # a picture's length as 剪映 records it: three hours
PLATFORM = {"app_id": 3704, "app_source": "lv", "app_version": "5.9.0", "os": "windows"}
MATERIAL_KINDS = (
    "ai_translates", "audio_balances", "audio_effects", "audio_fades", "audio_track_indexes",
    "audios", "beats", "canvases", "chromas", "color_curves", "digital_humans", "drafts",
    "effects", "flowers", "green_screens", "handwrites", "hsl", "images", "log_color_wheels",
    "loudnesses", "manual_deformations", "masks", "material_animations", "material_colors",
    "multi_language_refs", "placeholders", "plugin_effects", "primary_color_wheels",
    "realtime_denoises", "shapes", "smart_crops", "smart_relights", "sound_channel_mappings",
    "speeds", "stickers", "tail_leaders", "text_templates", "texts", "time_marks",
    "transitions", "video_effects", "video_trackings", "videos", "vocal_beautifys",
    "vocal_separations")


def write_draft(cut: Cut, package: Path, folder: Path, *, created_us: int) -> None:
    """Write the draft into `folder` (new), linking or copying the media from `package`."""
    folder.mkdir(parents=True)
    for name in cut.files():
        _link_or_copy(package / name, folder / name)
    ids = _Ids(cut.stem)
    content = draft_content(cut, ids, created_us)
    text = json.dumps(content, ensure_ascii=False, indent=1) + "\n"
    (folder / "draft_content.json").write_text(text, encoding="utf-8")
    (folder / "draft_info.json").write_text(text, encoding="utf-8")
    meta = draft_meta(cut, ids, folder.name, created_us)
    (folder / "draft_meta_info.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows one (no second copy on disk), else a copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


class _Ids:
    """Stable identifiers: the same cut gives the same draft, byte for byte."""

    def __init__(self, stem: str) -> None:
        self.space = uuid.uuid5(uuid.NAMESPACE_URL, f"policyclip:{stem}")

    def __call__(self, *parts: object) -> str:
        return str(uuid.uuid5(self.space, "/".join(map(str, parts)))).upper()


def _us_of_frame(frame: int, fps: int) -> int:
    return round(frame * 1_000_000 / fps)


def draft_content(cut: Cut, ids: _Ids, created_us: int) -> dict[str, Any]:
    """The draft's main JSON."""
    materials: dict[str, list[Any]] = {kind: [] for kind in MATERIAL_KINDS}
    materials["common_mask"] = []
    tracks: list[dict[str, Any]] = []
    known: set[str] = set()
    for track in cut.video:
        tracks.append(_video_track(cut, track, len(tracks), ids, materials, known))
    for audio in cut.audio:
        tracks.append(_audio_track(cut, audio, len(tracks), ids, materials, known))
    seconds = created_us // 1_000_000
    return {
        "canvas_config": {"width": cut.width, "height": cut.height, "ratio": "original"},
        "color_space": 0,
        "config": {
            "adjust_max_index": 1, "attachment_info": [], "combination_max_index": 1,
            "export_range": None, "extract_audio_last_index": 1, "lyrics_recognition_id": "",
            "lyrics_sync": True, "lyrics_taskinfo": [], "maintrack_adsorb": False,
            "material_save_mode": 0, "multi_language_current": "none",
            "multi_language_list": [], "multi_language_main": "none",
            "multi_language_mode": "none", "original_sound_last_index": 1,
            "record_audio_last_index": 1, "sticker_max_index": 1,
            "subtitle_keywords_config": None, "subtitle_recognition_id": "",
            "subtitle_sync": True, "subtitle_taskinfo": [], "system_font_list": [],
            "video_mute": False, "zoom_info_params": None},
        "cover": None,
        "create_time": seconds,
        "duration": _us_of_frame(cut.frames, cut.fps),
        "extra_info": None,
        "fps": float(cut.fps),
        "free_render_index_mode_on": False,
        "group_container": None,
        "id": ids("draft"),
        "keyframe_graph_list": [],
        "keyframes": {kind: [] for kind in ("adjusts", "audios", "effects", "filters",
                                            "handwrites", "stickers", "texts", "videos")},
        "last_modified_platform": dict(PLATFORM),
        "platform": dict(PLATFORM),
        "materials": materials,
        "mutable_config": None,
        "name": cut.title,
        "new_version": "110.0.0",
        "relationships": [],
        "render_index_track_mode_on": False,
        "retouch_cover": None,
        "source": "default",
        "static_cover_image_path": "",
        "time_marks": None,
        "tracks": tracks,
        "update_time": seconds,
        "version": 360000,
    }


def _segment(ids: _Ids, key: str, material_id: str, start_us: int, duration_us: int,
             source_us: int, render_index: int, materials: dict[str, list[Any]],
             volume: float = 1.0) -> dict[str, Any]:
    """What every media segment carries (the fields pyJianYingDraft writes)."""
    speed = ids(key, "speed")
    materials["speeds"].append({"curve_speed": None, "id": speed, "mode": 0, "speed": 1.0,
                                "type": "speed"})
    return {
        "enable_adjust": True, "enable_color_correct_adjust": False,
        "enable_color_curves": True, "enable_color_match_adjust": False,
        "enable_color_wheels": True, "enable_lut": True, "enable_smart_color_adjust": False,
        "last_nonzero_volume": 1.0, "reverse": False, "track_attribute": 0,
        "track_render_index": 0, "visible": True,
        "id": ids(key), "material_id": material_id,
        "target_timerange": {"start": start_us, "duration": duration_us},
        "common_keyframes": [], "keyframe_refs": [],
        "source_timerange": {"start": source_us, "duration": duration_us},
        "speed": 1.0, "volume": volume, "extra_material_refs": [speed],
        "is_tone_modify": False, "render_index": render_index,
    }


def _video_track(cut: Cut, track: VideoTrack, index: int, ids: _Ids,
                 materials: dict[str, list[Any]], known: set[str]) -> dict[str, Any]:
    segments = []
    end = 0
    for number, still in enumerate(track.stills):
        start_f, end_f = frame_of(still.start_ms, cut.fps), frame_of(still.end_ms, cut.fps)
        start, stop = max(end, _us_of_frame(start_f, cut.fps)), _us_of_frame(end_f, cut.fps)
        if stop <= start:
            continue
        material = _photo(cut, still, ids, materials, known)
        segment = _segment(ids, f"{track.name}/{number}", material, start, stop - start, 0,
                           index, materials)
        segment.update({
            "clip": {"alpha": 1.0, "flip": {"horizontal": False, "vertical": False},
                     "rotation": 0.0, "scale": {"x": 1.0, "y": 1.0},
                     "transform": {"x": 0.0, "y": 0.0}},
            "uniform_scale": {"on": True, "value": 1.0},
            "hdr_settings": {"intensity": 1.0, "mode": 1, "nits": 1000}})
        segments.append(segment)
        end = stop
    return _track(ids, track.name, "video", segments)


def _photo(cut: Cut, still: Still, ids: _Ids, materials: dict[str, list[Any]],
           known: set[str]) -> str:
    material = ids("file", still.path)
    if material not in known:
        known.add(material)
        materials["videos"].append({
            "audio_fade": None, "category_id": "", "category_name": "local",
            "check_flag": 63487,
            "crop": {"upper_left_x": 0.0, "upper_left_y": 0.0, "upper_right_x": 1.0,
                     "upper_right_y": 0.0, "lower_left_x": 0.0, "lower_left_y": 1.0,
                     "lower_right_x": 1.0, "lower_right_y": 1.0},
            "crop_ratio": "free", "crop_scale": 1.0, "duration": PHOTO_US,
            "height": cut.height, "width": cut.width, "id": material,
            "local_material_id": "", "material_id": material,
            "material_name": still.path.rsplit("/", 1)[-1], "media_path": "",
            "path": f"{DRAFT_FOLDER}/{still.path}", "type": "photo"})
    return material


def _audio_track(cut: Cut, track: AudioTrack, index: int, ids: _Ids,
                 materials: dict[str, list[Any]], known: set[str]) -> dict[str, Any]:
    segments = []
    end = 0
    duck = track.ducking
    levels = duck.keyframes(cut.duration_ms) if duck is not None else []
    last_us = _us_of_frame(cut.frames, cut.fps)  # the end of the video's last frame
    for number, sound in enumerate(track.sounds):
        start = max(end, sound.start_ms * 1000)
        stop = min((sound.start_ms + sound.duration_ms) * 1000, last_us)
        if sound.start_ms + sound.duration_ms >= cut.duration_ms and \
                (sound.source_ms + sound.duration_ms) * 1000 + last_us - stop <= \
                sound.file_ms * 1000:
            stop = last_us  # what plays to the video's end plays to the end of its last frame
        if stop <= start:
            continue
        material = ids("file", sound.path)
        if material not in known:
            known.add(material)
            materials["audios"].append({
                "app_id": 0, "category_id": "", "category_name": "local", "check_flag": 3,
                "copyright_limit_type": "none", "duration": sound.file_ms * 1000,
                "effect_id": "", "formula_id": "", "id": material,
                "local_material_id": material, "music_id": material,
                "name": sound.path.rsplit("/", 1)[-1],
                "path": f"{DRAFT_FOLDER}/{sound.path}", "source_platform": 0,
                "type": "extract_music", "wave_points": []})
        key = f"{track.name}/{number}"
        gain = db_to_gain(duck.gain_db) if duck is not None else 1.0
        segment = _segment(ids, key, material, start, stop - start,
                           sound.source_ms * 1000 + (start - sound.start_ms * 1000), index,
                           materials, volume=round(gain, 6))
        if levels:
            segment["common_keyframes"] = [{
                "id": ids(key, "volume"), "material_id": "", "property_type": "KFTypeVolume",
                "keyframe_list": [
                    {"curveType": "Line", "graphID": "", "left_control": {"x": 0.0, "y": 0.0},
                     "right_control": {"x": 0.0, "y": 0.0}, "id": ids(key, "volume", at),
                     "time_offset": at * 1000 - start, "values": [round(db_to_gain(db), 6)]}
                    for at, db in _levels_within(levels, start // 1000, stop // 1000)]}]
        segment.update({"clip": None, "hdr_settings": None})
        segments.append(segment)
        end = stop
    return _track(ids, track.name, "audio", segments)


def _levels_within(levels: list[tuple[int, float]], start: int, stop: int
                   ) -> list[tuple[int, float]]:
    """The level keyframes from `start` to `stop` (ms), with the level at both ends."""
    def level_at(at: int) -> float:
        before = [point for point in levels if point[0] <= at]
        after = [point for point in levels if point[0] >= at]
        if not before:
            return after[0][1]
        if not after:
            return before[-1][1]
        (t0, v0), (t1, v1) = before[-1], after[0]
        return v0 if t1 == t0 else v0 + (v1 - v0) * (at - t0) / (t1 - t0)

    inside = [(at, db) for at, db in levels if start < at < stop]
    return [(start, level_at(start)), *inside, (stop, level_at(stop))]


def _track(ids: _Ids, name: str, kind: str, segments: list[dict[str, Any]]) -> dict[str, Any]:
    return {"attribute": 0, "flag": 0, "id": ids("track", name), "is_default_name": False,
            "name": name, "segments": segments, "type": kind}


def draft_meta(cut: Cut, ids: _Ids, name: str, created_us: int) -> dict[str, Any]:
    """`draft_meta_info.json`: the draft's name, id, length and times."""
    return {
        "cloud_package_completed_time": "", "draft_cloud_capcut_purchase_info": "",
        "draft_cloud_last_action_download": False, "draft_cloud_materials": [],
        "draft_cloud_purchase_info": "", "draft_cloud_template_id": "",
        "draft_cloud_tutorial_info": "", "draft_cloud_videocut_purchase_info": "",
        "draft_cover": "", "draft_deeplink_url": "",
        "draft_enterprise_info": {"draft_enterprise_extra": "", "draft_enterprise_id": "",
                                  "draft_enterprise_name": "", "enterprise_material": []},
        "draft_fold_path": "", "draft_id": ids("draft"),
        "draft_is_ai_packaging_used": False, "draft_is_ai_shorts": False,
        "draft_is_ai_translate": False, "draft_is_article_video_draft": False,
        "draft_is_from_deeplink": "false", "draft_is_invisible": False,
        "draft_materials": [{"type": kind, "value": []} for kind in (0, 1, 2, 3, 6, 7, 8)],
        "draft_materials_copied_info": [], "draft_name": name, "draft_new_version": "",
        "draft_removable_storage_device": "", "draft_root_path": "",
        "draft_segment_extra_info": [], "draft_type": "", "tm_draft_cloud_completed": "",
        "tm_draft_cloud_modified": 0, "tm_draft_create": created_us,
        "tm_draft_modified": created_us, "tm_draft_removed": 0,
        "tm_duration": _us_of_frame(cut.frames, cut.fps),
    }
