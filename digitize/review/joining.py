"""Several images sent together as the pages of one document: joined, in the order given, into one
PDF of images. img2pdf embeds a JPEG as it is (no re-encoding); each page is sized from its image's
declared resolution (or the resolution the pipeline assumes when none is declared), so the pipeline
reads the joined file as it would read the images one by one."""
from __future__ import annotations

import io

from PIL import Image

from digitize.errors import InputError
from digitize.messages import msg


def _dpi(data: bytes, assumed: float) -> float:
    with Image.open(io.BytesIO(data)) as im:
        dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if value >= 20 else assumed


def join_images(images: list[bytes], names: list[str], assumed_dpi: float = 200.0) -> bytes:
    import img2pdf  # lazy: only joining uploads needs it (the web extra)
    import pikepdf

    out, parts = pikepdf.new(), []
    name = names[0] if names else "upload"  # the file an error names
    try:
        for data, current in zip(images, names, strict=False):
            name = current
            dpi = _dpi(data, assumed_dpi)
            one = img2pdf.convert(data, layout_fun=img2pdf.get_fixed_dpi_layout_fun((dpi, dpi)))
            parts.append(pikepdf.open(io.BytesIO(one)))  # open until the joined file is written
            out.pages.extend(parts[-1].pages)
        out.docinfo["/Title"] = names[0] if names else "upload"
        buf = io.BytesIO()
        out.save(buf, deterministic_id=True)
        return buf.getvalue()
    except (img2pdf.ImageOpenError, img2pdf.AlphaChannelError, ValueError, OSError) as e:
        raise InputError(name, msg("input.cannot_join", detail=str(e))) from None
    finally:
        for part in parts:
            part.close()
