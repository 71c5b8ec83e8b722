#!/usr/bin/env python3
"""Generates the screenshot corpus of the QR benchmark: enrolment pages as users meet them,
captured by headless Chromium at several window sizes, zoom levels, device scale factors and in
dark mode, plus degraded copies (JPEG, downscales, rotations, blur, noise, perspective).

Usage: make_qr_corpus.py OUT_DIR   (writes OUT_DIR/*.png|jpg and OUT_DIR/manifest.json)
Needs: chromium, and the Python packages pillow, numpy and segno. The images are not committed.
"""
import base64
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import segno
from PIL import Image, ImageFilter

B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def secret(rng, length):
    return "".join(rng.choice(B32) for _ in range(length))


def uris(rng):
    """Realistic enrolment URIs: AWS (64-character secret), Google, GitHub, Microsoft, a bank."""
    account_id = "".join(rng.choice("0123456789") for _ in range(12))
    return [
        f"otpauth://totp/Amazon%20Web%20Services:alice-admin@{account_id}?secret={secret(rng, 64)}"
        "&issuer=Amazon%20Web%20Services",
        f"otpauth://totp/Google%3Aalice.martin%40gmail.com?secret={secret(rng, 32)}&issuer=Google",
        f"otpauth://totp/GitHub:alice-martin?secret={secret(rng, 16)}&issuer=GitHub",
        f"otpauth://totp/Microsoft:alice.martin%40contoso.onmicrosoft.com?secret={secret(rng, 16)}"
        "&issuer=Microsoft",
        f"otpauth://totp/Example%20Bank:alice?secret={secret(rng, 52)}&issuer=Example%20Bank"
        "&algorithm=SHA256&digits=8&period=30",
    ]


PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ font-family: sans-serif; margin: 0; background: {page}; color: {ink}; zoom: {zoom}; }}
header {{ background: #232f3e; color: white; padding: 12px 24px; font-size: 18px; }}
main {{ display: flex; gap: 32px; padding: 24px 48px; }}
nav {{ width: 220px; line-height: 2; color: {muted}; }}
.card {{ background: {card}; border: 1px solid #8884; border-radius: 8px; padding: 24px; max-width: 720px; }}
.qr {{ background: {qrground}; padding: {pad}px; display: inline-block; }}
.qr img {{ width: {size}px; height: {size}px; image-rendering: {rendering}; display: block; }}
input {{ display: block; margin: 8px 0 16px; padding: 8px; width: 240px; }}
li {{ margin-bottom: 12px; }}
</style></head><body>
<header>Console Home &nbsp; Services &nbsp; Search [Alt+S]</header>
<main><nav>Dashboard<br>Users<br>Roles<br>Policies<br>Identity providers<br>Account settings</nav>
<div class="card"><h2>Set up device</h2>
<p>A virtual MFA device is an application on your device that generates a code.</p>
<ol><li>Install a compatible application such as an authenticator on your phone or computer.</li>
<li>Open your authenticator app, then scan this QR code. Alternatively, type the secret key.<br><br>
<span class="qr"><img src="data:image/png;base64,{qr}"></span><br><a href="#">Show secret key</a></li>
<li>Type two consecutive MFA codes<br>MFA code 1<input value=""> MFA code 2<input value=""></li></ol>
<button>Cancel</button> <button>Previous</button> <button>Add MFA</button></div></main></body></html>"""


def qr_png(text, dark, light):
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=1, border=0, dark=dark, light=light)
    return base64.b64encode(buffer.getvalue()).decode()


def screenshot(html, out, width, height, scale, workdir):
    page = workdir / "page.html"
    page.write_text(html)
    profile = tempfile.mkdtemp(dir=workdir)
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         f"--user-data-dir={profile}", f"--window-size={width},{height}",
         f"--force-device-scale-factor={scale}", f"--screenshot={out}", page.as_uri()],
        check=True, capture_output=True, timeout=60)
    shutil.rmtree(profile, ignore_errors=True)


def perspective(image, rng):
    w, h = image.size
    d = lambda: rng.uniform(0.02, 0.08)
    # Maps the output corners back to a slightly squeezed quadrilateral of the input.
    quad = (w * d(), h * d(), w * d(), h * (1 - d()), w * (1 - d()), h * (1 - d()), w * (1 - d()), h * d())
    return image.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor="white")


def degraded(image, rng):
    """(name, image, format) of each degraded copy of a screenshot."""
    rgb = image.convert("RGB")
    w, h = rgb.size
    noisy = np.asarray(rgb, dtype=np.float32) + np.random.default_rng(rng.randrange(1 << 30)).normal(0, 18, (h, w, 3))
    return [
        ("jpeg30", rgb, ("JPEG", 30)),
        ("jpeg60", rgb, ("JPEG", 60)),
        ("half", rgb.resize((w // 2, h // 2), Image.Resampling.BILINEAR), ("PNG", None)),
        ("third", rgb.resize((w // 3, h // 3), Image.Resampling.LANCZOS), ("PNG", None)),
        ("rot7", rgb.rotate(7, expand=True, fillcolor="white", resample=Image.Resampling.BILINEAR), ("PNG", None)),
        ("rot90", rgb.rotate(90, expand=True), ("PNG", None)),
        ("rot33", rgb.rotate(33, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC), ("JPEG", 80)),
        ("blur1", rgb.filter(ImageFilter.GaussianBlur(1.0)), ("PNG", None)),
        ("blur2", rgb.filter(ImageFilter.GaussianBlur(1.8)), ("JPEG", 85)),
        ("noise", Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)), ("PNG", None)),
        ("persp", perspective(rgb, rng), ("JPEG", 85)),
    ]


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20261202)
    manifest = {}
    # (window, device scale factor, zoom, dark mode, inverted code, CSS size, crisp pixels)
    views = [
        ((1920, 1080), 1, 1.0, False, False, 180, True),
        ((1920, 1080), 2, 1.0, False, False, 180, True),
        ((1920, 1080), 1, 0.5, False, False, 180, True),
        ((1920, 1080), 1, 0.67, False, False, 200, False),
        ((1280, 800), 1.25, 0.8, False, False, 160, False),
        ((1366, 768), 1, 0.75, True, False, 180, True),
        ((2560, 1440), 1, 1.0, True, True, 200, True),
        ((1920, 1080), 1.5, 0.9, True, False, 200, False),
        ((1920, 1080), 2, 0.5, False, False, 140, False),
        ((1440, 900), 2, 1.25, True, True, 220, False),
        ((1280, 720), 1, 0.5, False, False, 120, True),
        ((1920, 1080), 1, 1.5, False, False, 180, True),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for index, (window, scale, zoom, dark, inverted, size, crisp) in enumerate(views):
            text = uris(rng)[index % 5]
            page, ink, card, muted = ("#0f1b2a", "#e6e6e6", "#16202c", "#9aa") if dark else ("#f2f3f3", "#16191f", "white", "#555")
            dark_module, light_module = ("#e6e6e6", "#16202c") if inverted else ("black", "white")
            html = PAGE.format(page=page, ink=ink, card=card, muted=muted, zoom=zoom, size=size,
                               qrground=light_module, pad=0 if inverted else 12,
                               rendering="pixelated" if crisp else "auto", qr=qr_png(text, dark_module, light_module))
            name = f"page{index:02}-{window[0]}x{window[1]}-dpr{scale}-zoom{zoom}{'-dark' if dark else ''}{'-inverted' if inverted else ''}"
            base = out / f"{name}.png"
            screenshot(html, base, window[0], window[1], scale, workdir)
            manifest[base.name] = [text]
            image = Image.open(base)
            for suffix, copy, (fmt, quality) in degraded(image, rng):
                path = out / f"{name}-{suffix}.{'jpg' if fmt == 'JPEG' else 'png'}"
                copy.save(path, fmt, **({"quality": quality} if quality else {}))
                manifest[path.name] = [text]
            print(base.name, file=sys.stderr)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
