#!/bin/sh
# Makes static/img/social-card.png (1200×630, the og:image every page names)
# from static/img/social-card.svg with Chromium in headless mode, then
# shrinks it losslessly where optipng is installed. Run from the project
# folder after editing the SVG: sh docs/make_social_card.sh
set -eu
chrome="${CHROME_PATH:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}"
out="$(pwd)/static/img/social-card.png"
"$chrome" --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
  --default-background-color=00000000 --window-size=1200,630 \
  --screenshot="$out" "file://$(pwd)/static/img/social-card.svg"
if command -v optipng >/dev/null 2>&1; then optipng -quiet -o5 -strip all "$out"; fi
ls -l "$out"
