"""`scripts/bench --only pdf`: export --to pdf in each built-in theme against
LibreOffice converting the same record's docx export to PDF, and --to png (page 1 at
144 dpi). Every run renders (--force): nothing is reused."""

import shutil
import sys

THEMES = ("classic", "compact", "modern", "banner")


def rows(out, rid, env, work, binary, run, median_pair, runs):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not soffice:
        print("bench: libreoffice not installed: the pdf cases are left out", file=sys.stderr)
        return
    docx = work / "resume.docx"
    run([str(binary), "export", rid, "--to", "docx", "-o", str(docx), "--force"], env)
    profile = work / "lo-profile"
    convert = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
               "--convert-to", "pdf", "--outdir", str(work / "lo"), str(docx)]
    run(convert, env)  # the first start makes LibreOffice's profile: not timed
    for theme in THEMES:
        ours = [str(binary), "export", rid, "--to", "pdf", "--theme", theme,
                "-o", str(work / "ours.pdf"), "--force"]
        ours_time, theirs_time = median_pair(ours, convert, env, runs=max(3, runs // 4))
        out.append((f"export --to pdf --theme {theme} (typeset in process)",
                    f"{ours_time*1e3:.0f} ms", f"{theirs_time*1e3:.0f} ms (libreoffice docx -> pdf)",
                    ours_time / theirs_time, "<= 0.05", ours_time / theirs_time <= 0.05))
    png = [str(binary), "export", rid, "--to", "png", "-o", str(work / "ours.png"), "--force"]
    png_time, start_time = median_pair(png, [str(binary), "--version"], env, runs=runs)
    out.append(("export --to png (page 1, 144 dpi, typeset and rendered)",
                f"{png_time*1e3:.0f} ms", f"{start_time*1e3:.1f} ms (start-up alone)",
                png_time / 0.1, "< 100 ms", png_time < 0.1))
    size = binary.stat().st_size
    out.append(("binary size", f"{size / 1e6:.1f} MB", "", 0, "", "context"))
