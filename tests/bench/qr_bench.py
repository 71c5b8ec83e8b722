#!/usr/bin/env python3
"""Scores QR decoders side by side in one run: otpvault, zbarimg (zbar-tools) and zxing-cpp.

For each corpus (a folder with manifest.json mapping file -> expected texts) prints, per decoder,
the images fully decoded (every expected text found, line endings normalised) out of the total,
and the median and worst milliseconds per image. otpvault and zbarimg are timed as whole
processes (load, decode, print); zxing-cpp in-process including the image load.

Usage: qr_bench.py [--otpvault target/release/otpvault] CORPUS_DIR...
  e.g. qr_bench.py ../shared/bench/qr /tmp/qr-corpus   (the second made by make_qr_corpus.py)
Needs: zbar-tools (Debian), and the Python packages zxing-cpp and pillow.
"""
import argparse
import json
import re
import statistics
import subprocess
import time
from pathlib import Path

import zxingcpp
from PIL import Image


def norm(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def otpvault(binary):
    def decode(path):
        result = subprocess.run([binary, "scan", "--json", str(path)], capture_output=True, text=True)
        try:
            return json.loads(result.stdout)[0].get("texts", [])
        except (json.JSONDecodeError, IndexError):
            return []
    return decode


def zbarimg(path):
    result = subprocess.run(["zbarimg", "-q", "--xml", "-Sdisable", "-Sqrcode.enable", str(path)],
                            capture_output=True, text=True, errors="replace")
    return re.findall(r"<data><!\[CDATA\[(.*?)\]\]></data>", result.stdout, re.S)


def zxing(path):
    try:
        with Image.open(path) as image:
            image.load()
            return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    except Exception:
        return []


def score(decoder, corpus, manifest):
    decoded, times, results = 0, [], {}
    for name, expected in manifest.items():
        start = time.perf_counter()
        texts = decoder(corpus / name)
        times.append((time.perf_counter() - start) * 1000)
        results[name] = texts
        found = {norm(t) for t in texts}
        decoded += all(norm(e) in found for e in expected)
    return decoded, statistics.median(times), max(times), results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--otpvault", default=str(Path(__file__).resolve().parents[2] / "target/release/otpvault"))
    parser.add_argument("corpora", nargs="+")
    args = parser.parse_args()
    decoders = [("otpvault", otpvault(args.otpvault)), ("zbarimg", zbarimg), ("zxing-cpp", zxing)]
    for corpus in map(Path, args.corpora):
        manifest = json.loads((corpus / "manifest.json").read_text())
        print(f"\n{corpus} ({len(manifest)} images)")
        print(f"{'decoder':<10} {'decoded':>9} {'median ms':>10} {'worst ms':>9}")
        all_results = {}
        for label, decoder in decoders:
            decoded, median, worst, results = score(decoder, corpus, manifest)
            all_results[label] = results
            print(f"{label:<10} {decoded:>4}/{len(manifest):<4} {median:>10.1f} {worst:>9.1f}")
        missed = {label: sorted(n for n, t in r.items()
                                if not all(norm(e) in {norm(x) for x in t} for e in manifest[n]))
                  for label, r in all_results.items()}
        print("otpvault misses:", " ".join(missed["otpvault"]) or "none")
        print("read by zxing-cpp, missed by otpvault:",
              " ".join(sorted(set(missed["otpvault"]) - set(missed["zxing-cpp"]))) or "none")
        suspicious = "qrcode-2/13.png"
        if suspicious in manifest:
            print(f"{suspicious}: label {manifest[suspicious]!r}")
            for label, results in all_results.items():
                print(f"  {label} reads {results[suspicious]!r}")


if __name__ == "__main__":
    main()
