#!/bin/sh
# One page of the founding case's Word appendix as a PNG, for the README.
# Needs LibreOffice and poppler-utils (Debian packages). Run from the repository root: sh scripts/screenshot_word_page.sh
set -eu
work=$(mktemp -d)
${AUDITOR:-.venv/bin/auditor} report fixtures/cases/bdhr-2012-13-04.yaml --format docx --date 2026-11-25 --output "$work/appendix.docx"
libreoffice -env:UserInstallation=file://$work/profile --headless --convert-to pdf --outdir "$work" "$work/appendix.docx" >/dev/null 2>&1
pages=$(pdfinfo "$work/appendix.pdf" | awk '/^Pages:/ {print $2}')
page=$(for i in $(seq 1 "$pages"); do pdftotext -f "$i" -l "$i" "$work/appendix.pdf" - | grep -q '^Finding 9:' && echo "$i" && break; done)
pdftoppm -png -r 80 -f "$page" -l "$page" -singlefile "$work/appendix.pdf" docs/images/appendix-word-page
echo "page $page of $pages; $(stat -c %s "$work/appendix.docx") bytes"
rm -rf "$work"
