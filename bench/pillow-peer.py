"""Pillow peer of bench/image-tools.ts: the same image operations on the same PNG, done the way a
Pillow tool worker does them (OpenThinkIMG's workers open the image, apply the operation and
encode the result on every call). Prints one JSON object on stdout:

  {"pil": "<version>", "ops": {"<name>": {"per_call": ms, "decoded": ms, "per_call_cpu": ms, "decoded_cpu": ms}}}

per_call: decode the PNG, apply the operation, encode PNG (zlib level 6, as thinkgym's tools).
decoded:  the same on an image decoded once beforehand (operation and encode only).
Times are medians over the calls, after warm-up calls; *_cpu are process CPU time (a busy
machine stretches wall time, CPU time much less). Without Pillow it prints
{"skipped": "no PIL"} and exits 0, so the bench can say so.

Usage: python3 bench/pillow-peer.py <image.png> [iterations]
"""

import io
import json
import statistics
import sys
import time

try:
    from PIL import Image, ImageDraw
    import PIL
except ImportError:
    print(json.dumps({"skipped": "no PIL"}))
    sys.exit(0)

WARMUP = 3


def zoom_in(image):
    # zoom_in 256x256 x2: the region, enlarged twice with Lanczos.
    return image.crop((300, 300, 556, 556)).resize((512, 512), Image.LANCZOS)


def zoom_in_bicubic(image):
    # The same zoom with BICUBIC (Keys, a = -0.5): the kernel thinkgym's zoom_in uses.
    return image.crop((300, 300, 556, 556)).resize((512, 512), Image.BICUBIC)


def crop(image):
    # crop 400x300.
    return image.crop((100, 200, 500, 500))


def draw_horizontal_line(image):
    # draw_horizontal_line at y=512, thickness 2, red, over the whole width, on a copy.
    out = image.copy()
    ImageDraw.Draw(out).rectangle((0, 512, out.width - 1, 513), fill=(255, 0, 0))
    return out


OPERATIONS = {
    "zoom_in 256x256 x2": zoom_in,
    "zoom_in 256x256 x2 (Pillow BICUBIC)": zoom_in_bicubic,
    "crop 400x300": crop,
    "draw_horizontal_line": draw_horizontal_line,
}


def encode(image):
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def median_ms(call, iterations):
    """Median wall and process-CPU milliseconds per call."""
    for _ in range(WARMUP):
        call()
    times = []
    cpu = []
    for _ in range(iterations):
        started = time.perf_counter()
        started_cpu = time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return statistics.median(times), statistics.median(cpu)


def main():
    if len(sys.argv) < 2:
        print("usage: python3 bench/pillow-peer.py <image.png> [iterations]", file=sys.stderr)
        sys.exit(2)
    with open(sys.argv[1], "rb") as file:
        png = file.read()
    iterations = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    decoded = Image.open(io.BytesIO(png)).convert("RGB")
    decoded.load()
    results = {}
    for name, operation in OPERATIONS.items():
        per_call, per_call_cpu = median_ms(lambda: encode(operation(Image.open(io.BytesIO(png)).convert("RGB"))), iterations)
        on_decoded, decoded_cpu = median_ms(lambda: encode(operation(decoded)), iterations)
        results[name] = {"per_call": per_call, "decoded": on_decoded, "per_call_cpu": per_call_cpu, "decoded_cpu": decoded_cpu}
    print(json.dumps({"pil": PIL.__version__, "ops": results}))


if __name__ == "__main__":
    main()
