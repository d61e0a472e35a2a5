"""Benchmark: what large media cost the server (review findings F3 and F7).

Usage: .venv/bin/python -m bench.bench_media [--video-mb 190] [--runs 6]
- `store()` of pictures near the limits (and one past it): peak resident memory and CPU, each in a child process
  of its own (VmHWM: getrusage would report the parent's peak, which survives exec).
- A page showing one stored video twice (`circlue.ui.content._show_file`, as the review page draws the current and
  the previous version), through AppTest: seconds per script run and the child's peak memory.
Everything lives in a temporary data dir, deleted at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEAK = 'int(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]) // 1024'
PICTURES = {
    "PNG 9400x9400 RGBA (370 KB, 88 MP)": ("RGBA", (9400, 9400), "PNG", {}),
    "PNG 6320x6320 RGBA (40 MP)": ("RGBA", (6320, 6320), "PNG", {}),
    "JPEG 7300x5470 noise (40 MP, 29 MB)": ("noise", (7300, 5470), "JPEG", {"quality": 90}),
    "WebP 4000x3000 RGBA lossless (12 MP)": ("RGBA", (4000, 3000), "WEBP", {"lossless": True}),
    "WebP 6320x6320 RGBA lossless (40 MP)": ("RGBA", (6320, 6320), "WEBP", {"lossless": True}),
}
STORE = textwrap.dedent(
    f"""
    import re, sys, time
    from circlue import media
    data = open(sys.argv[1], "rb").read()
    started = time.process_time()
    try:
        media.store(data, "x" + sys.argv[1][-5:])
        answer = "stored"
    except Exception as exc:
        answer = "refused (" + type(exc).__name__ + ")"
    print(answer, {PEAK}, round(time.process_time() - started, 2))
    """
)
PAGE = textwrap.dedent(
    """
    import os, uuid
    from circlue.repository.content import ReviewFile
    from circlue.ui.content import _show_file
    file = ReviewFile(uuid.uuid4(), 1, os.environ["BENCH_KEY"], "video/mp4", 1, None, 30, "big.mp4")
    _show_file(file)
    _show_file(file)
    """
)
RUNS = textwrap.dedent(
    f"""
    import re, sys, time
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(sys.argv[1], default_timeout=300)
    times = []
    for _ in range(int(sys.argv[2])):
        started = time.perf_counter()
        at.run()
        assert not at.exception, at.exception
        times.append(time.perf_counter() - started)
    print(" ".join(f"{{t:.3f}}" for t in times), {PEAK})
    """
)


def _child(code: str, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout.strip().splitlines()[-1]


def _picture(path: Path, mode: str, size: tuple[int, int], fmt: str, options: dict) -> None:
    from PIL import Image

    image = Image.effect_noise(size, 60).convert("RGB") if mode == "noise" else Image.new(mode, size, (255, 0, 0, 128))
    image.save(path, fmt, **options)


def _video(media_dir: Path, megabytes: int) -> str:
    """An MP4 with a real track header and `megabytes` of random media data, written straight into the store."""
    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    hdlr = box(b"hdlr", bytes(8) + b"vide" + bytes(12) + b"v\0")
    trak = box(b"trak", box(b"mdia", hdlr + box(b"minf", box(b"stbl", b""))))
    mvhd = box(b"mvhd", bytes(4) + struct.pack(">IIII", 0, 0, 600, 30 * 600) + bytes(80))
    data = box(b"ftyp", b"isom" + bytes(4) + b"isom") + box(b"moov", mvhd + trak)
    data += box(b"mdat", os.urandom(megabytes * 1024 * 1024))
    digest = hashlib.sha256(data).hexdigest()
    path = media_dir / "media" / digest[:2] / f"{digest}.mp4"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return f"media/{digest[:2]}/{digest}.mp4"


def main() -> None:
    """Print the measurements as Markdown table rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--video-mb", type=int, default=190)
    parser.add_argument("--runs", type=int, default=6)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="circlue-bench-media-") as tmp:
        base = Path(tmp)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT), "CIRCLUE_DATA_DIR": tmp,
               "CIRCLUE_SECRET_KEY": "b" * 43, "CIRCLUE_MAX_IMAGE_MB": "50"}
        print("| upload | answer | peak RSS (MB) | CPU (s) |\n|---|---|---|---|")
        for label, (mode, size, fmt, extra) in PICTURES.items():
            path = base / f"picture.{fmt.lower()}"
            _picture(path, mode, size, fmt, extra)
            answer, peak, cpu = _child(STORE, str(path), env=env).rsplit(" ", 2)
            print(f"| {label} | {answer} | {peak} | {cpu} |")
            path.unlink()
        key = _video(base, options.video_mb)
        page = base / "page.py"
        page.write_text(PAGE)
        *times, peak = _child(RUNS, str(page), str(options.runs), env={**env, "BENCH_KEY": key}).split()
        print(f"\n{options.video_mb} MB video shown twice, {options.runs} runs (s): {' '.join(times)}; peak {peak} MB")


if __name__ == "__main__":
    main()
