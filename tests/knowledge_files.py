"""Real files made in the tests: PDF (fpdf2), DOCX (python-docx), and the bad ones a
facilitator may send (encrypted, scanned without text, a ZIP named .docx, empty, too large)."""

import io
import zipfile

# A fact no seed document contains, so only the uploaded document can answer it.
FACT_FR = ("Le registre des algorithmes de la Ville de Sainte-Adèle-des-Monts recense "
           "quarante-deux systèmes. Le comité d’éthique numérique se réunit chaque troisième "
           "jeudi du mois pour examiner chaque nouveau système avant son achat.")
QUESTION_FR = "Combien de systèmes recense le registre des algorithmes de Sainte-Adèle-des-Monts ?"
DOCX_FACT = ("La bibliothèque municipale de Saint-Glinglin-sur-Mer prête des robots "
             "conversationnels aux aînés. Le prêt dure trois semaines et il est gratuit pour "
             "toutes les personnes inscrites.")
DOCX_QUESTION = ("Combien de temps dure le prêt des robots conversationnels "
                 "à Saint-Glinglin-sur-Mer ?")
EMAIL = "julie.tremblay@exemple.qc.ca"


def _latin1(text: str) -> str:
    # fpdf2's core fonts are Latin-1: typographic apostrophes become plain ones.
    return text.replace("’", "'").replace("«", '"').replace("»", '"')


def pdf_bytes(pages: int = 2, fact: str = FACT_FR, heading: str = "Registre des algorithmes",
              password: str | None = None) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password="proprietaire", user_password=password)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 18)
        pdf.cell(0, 10, _latin1(f"{heading} {number}" if number > 1 else heading),
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=11)
        body = fact if number == 1 else (
            f"Cette partie {number} décrit la gouvernance des systèmes, les rapports annuels "
            "publiés et la façon de poser une question au comité.")
        pdf.multi_cell(0, 6, _latin1(body + f" Pour écrire au comité : {EMAIL}."))
    return bytes(pdf.output())


def scanned_pdf_bytes() -> bytes:
    """A page with only a drawing on it: what a scan without OCR gives."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    return bytes(pdf.output())


def docx_bytes(fact: str = DOCX_FACT) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = "Prêt de robots à la bibliothèque"
    document.add_heading("Prêt de robots conversationnels", level=1)
    document.add_paragraph(fact)
    document.add_heading("Nous joindre", level=2)
    document.add_paragraph(f"Écrivez à {EMAIL} ou appelez le 514-555-0199.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_named_docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "Ceci est une archive ZIP, pas un document Word.")
    return buffer.getvalue()


def large_bytes(megabytes: int = 30) -> bytes:
    return b"%PDF-1.4\n" + b"0" * (megabytes * 1024 * 1024)
