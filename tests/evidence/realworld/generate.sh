#!/usr/bin/env bash
# How the generated files of this folder were made (Debian 12: libreoffice-writer-nogui,
# ghostscript, img2pdf, qpdf; Python with Pillow, pikepdf, pypdf from the project's venv).
# Not run by the tests: its outputs are committed, and MANIFEST.json names each one's source.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PY:-../../../.venv/bin/python}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# A smooth 12-megapixel "photo" (4000 x 3000) and a 300-dpi A4 page with lines of text.
"$PY" - "$work" <<'PY'
import sys
from PIL import Image, ImageDraw, ImageFont, ImageFilter
work = sys.argv[1]
photo = Image.radial_gradient("L").resize((4000, 3000))
photo = Image.merge("RGB", (photo, photo.rotate(90).resize((4000, 3000)), Image.linear_gradient("L").resize((4000, 3000))))
photo = photo.filter(ImageFilter.GaussianBlur(3))
photo.save(f"{work}/photo.png")
photo.save(f"{work}/photo.jpg", quality=88)
page = Image.new("RGB", (2480, 3508), "white")
draw = ImageDraw.Draw(page)
font = ImageFont.truetype("/usr/share/fonts/truetype/tlwg/Garuda.ttf", 48)
for row in range(40):
    draw.text((200, 200 + row * 80), "รายงานผลการดำเนินงาน สำนักงานเขตพื้นที่การศึกษา ข้อ %d" % (row + 1), fill="black", font=font)
page.save(f"{work}/scan.png")
page.convert("1").save(f"{work}/scan-g4.tif", compression="group4", dpi=(300, 300))
page.convert("L").save(f"{work}/scan.jpg", quality=80, dpi=(300, 300))
PY

cat > "$work/memo.html" <<'HTML'
<html><head><meta charset="utf-8"><style>body{font-family:Garuda;font-size:16pt}</style></head><body>
<h1>บันทึกข้อความ</h1>
<p>ส่วนราชการ สำนักงานเขตพื้นที่การศึกษาประถมศึกษา กลุ่มนโยบายและแผน</p>
<p>เรื่อง รายงานผลการดำเนินงานตามแผนปฏิบัติราชการ ประจำปีงบประมาณ พ.ศ. ๒๕๖๘</p>
<p>ด้วยสำนักงานเขตพื้นที่การศึกษาได้ดำเนินการพัฒนาคุณภาพการบริหารจัดการภาครัฐ ไตรมาสที่ ๔ ครบถ้วนแล้ว
จึงขอรายงานผลการดำเนินงาน ทั้งนี้ ผู้บริหารได้กำกับติดตามอย่างใกล้ชิด เพื่อให้บรรลุเป้าหมายที่กำหนดไว้</p>
</body></html>
HTML
cp "$work/memo.html" "$work/photo-doc.html"
sed -i 's#</body>#<p><img src="photo.png" width="600"></p></body>#' "$work/photo-doc.html"
(cd "$work" && soffice --headless --convert-to 'pdf:writer_web_pdf_Export' memo.html >/dev/null 2>&1)
(cd "$work" && soffice --headless --convert-to 'pdf:writer_web_pdf_Export:{"UseLosslessCompression":{"type":"boolean","value":"true"},"ReduceImageResolution":{"type":"boolean","value":"false"}}' photo-doc.html >/dev/null 2>&1)
cp "$work/memo.pdf" libreoffice-thai-memo.pdf
cp "$work/photo-doc.pdf" libreoffice-thai-lossless-12mp-photo.pdf
(cd "$work" && mkdir pdfa && soffice --headless --convert-to 'pdf:writer_web_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}' --outdir pdfa memo.html >/dev/null 2>&1)
cp "$work/pdfa/memo.pdf" libreoffice-thai-pdfa2b.pdf

img2pdf --pagesize A4 -o img2pdf-a4-300dpi-lossless-scan.pdf "$work/scan.png"
img2pdf --pagesize A4 -o img2pdf-a4-300dpi-ccitt-g4.pdf "$work/scan-g4.tif"
img2pdf --pagesize A4 -o img2pdf-a4-300dpi-jpeg-scan.pdf "$work/scan.jpg"
gs -q -dNOPAUSE -dBATCH -sDEVICE=pdfwrite -sOutputFile=ghostscript-rewritten-memo.pdf libreoffice-thai-memo.pdf
qpdf --linearize libreoffice-thai-memo.pdf qpdf-linearized-memo.pdf
qpdf --encrypt user owner 256 -- libreoffice-thai-memo.pdf qpdf-aes256-encrypted.pdf
# A valid file followed by a comment line after %%EOF, as some mail gateways leave them.
{ cat libreoffice-thai-memo.pdf; printf '%% scanned by gateway\n'; } > comment-after-eof.pdf

"$PY" - <<'PY'
import pikepdf
from pypdf import PdfWriter
# An incremental update (a signature-style append): pypdf adds a revision after the original.
writer = PdfWriter("libreoffice-thai-memo.pdf", incremental=True)
writer.add_metadata({"/Subject": "แก้ไขครั้งที่ 1"})
writer.write("pypdf-incremental-update.pdf")
# The Thai memo with a script run on opening and on a page: disarmed, not refused.
with pikepdf.open("libreoffice-thai-memo.pdf") as pdf:
    pdf.Root.OpenAction = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('x')")))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('y')")))
    pdf.save("pikepdf-thai-memo-with-javascript.pdf")
PY
