"""What the browser bundle weighs (raw, gzip and brotli, from cargo-leptos' precompressed files):
the main file every first visit loads, each group of pages fetched when one of its pages first
opens (the files the split manifest lists for it), and all WebAssembly files together.

Usage: python bundle_sizes.py SITE_PKG_DIR
"""
import glob
import json
import os
import sys

pkg = sys.argv[1]


def newest(pattern):
    found = glob.glob(os.path.join(pkg, pattern))
    return max(found, key=os.path.getmtime) if found else None


def sizes(files):
    raw = sum(os.path.getsize(f) for f in files)
    gz = sum(os.path.getsize(f + ".gz") for f in files)
    br = sum(os.path.getsize(f + ".br") for f in files)
    return raw, gz, br


def line(label, files):
    raw, gz, br = sizes(files)
    kib = lambda n: (n + 512) // 1024
    print(f"{label:34} {len(files):3} files {kib(raw):6} KiB raw {kib(gz):5} gzip {kib(br):5} brotli")


main = newest("paytrack*.wasm")
if main is None:
    sys.exit(f"no paytrack*.wasm in {pkg}: build the release first")
line("wasm, every first visit (main)", [main])
manifest = newest("__wasm_split_manifest*.json")
if manifest:
    groups = json.load(open(manifest))
    everything = {main}
    for name, modules in sorted(groups.items()):
        files = [os.path.join(pkg, m + ".wasm") for m in modules]
        everything.update(files)
        line(f"  + pages group '{name.rsplit('_', 1)[0]}'", files)
    line("wasm, all files", sorted(everything))
else:
    print("(an unsplit build: the main file is the whole app)")
