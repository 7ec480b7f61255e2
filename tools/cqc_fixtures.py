#!/usr/bin/env python3
"""Writes the CQC register fixtures in tests/data/cqc/ in CQC's own layouts.

Location IDs, names, care home types, postcodes and provider names are real: Trafford's
care homes in CQC's register (CQC directory, April 2020), as republished by Trafford Data
Lab (https://github.com/traffordDataLab/open_data, care_homes/trafford_care_homes.csv) under
the Open Government Licence v3.0. Provider IDs, beds, ratings and dates are illustrative,
made up here, as are the two Manchester rows.

Month 1 (October): an ODS workbook (README sheet first, as CQC's is) and the same rows as
CSV, each with title rows before the header. Month 2 (November): XLSX and CSV, with one
rating lowered (Lime Tree House, Good to Requires improvement), one location gone
(Headonhey) and one location newly registered (Harboro, registered on 20 October 2026).

Run from the repository root: python3 tools/cqc_fixtures.py
"""

import csv
import datetime
import hashlib
import io
import zipfile
from xml.sax.saxutils import escape

OUT = "tests/data/cqc"

# (name, location id, type, street, town, postcode, phone, provider)
HOMES = [
    ("Bickham House", "1-112588858", "R", "Green Walk, Bowdon", "Altrincham", "WA14 2SN", "01619282514", "Bickham House Trustees"),
    ("Order of The Sisters of St Joseph of The Apparition", "1-113433848", "N", "Lady of the Vale Nursing Home, Grange Road, Bowdon", "Altrincham", "WA14 3HA", "01619282567", "Order of The Sisters of St Joseph of The Apparition"),
    ("Lime Tree House", "1-113502228", "R", "264 Washway Road", "Sale", "M33 4RZ", "01619737956", "Mountlands Trust Limited"),
    ("Headonhey", "1-113737059", "R", "34 Harboro Road", "Sale", "M33 5AH", "01619693527", "Stockdales Of Sale, Altrincham & District Ltd"),
    ("Hayling Road", "1-113737505", "R", "34 Hayling Road", "Sale", "M33 6GW", "01619734306", "Stockdales Of Sale, Altrincham & District Ltd"),
    ("Ashton Lane", "1-113737519", "R", "47 Ashton Lane", "Sale", "M33 5PA", "01619620978", "Stockdales Of Sale, Altrincham & District Ltd"),
    ("Wyncourt Nursing Home", "1-117040835", "N", "162 Park Road, Timperley", "Altrincham", "WA15 6QH", "01619621290", "Susan Mattinson"),
    ("Heathside Retirement Home", "1-117483647", "R", "74 Barrington Road", "Altrincham", "WA14 1JB", "01619413622", "Mr Andrew Meehan & Mrs Frances Anne Meehan"),
    ("Handsworth", "1-117977245", "R", "West Road, Bowdon", "Altrincham", "WA14 2LA", "01619285314", "Methodist Homes"),
    ("SignHealth Bowfell Road", "1-118140734", "R", "100 Bowfell Road, Urmston", "Manchester", "M41 5RR", "01617478156", "SignHealth"),
    ("Bradley House Nursing Home", "1-118462477", "N", "2 Brooklands Crescent", "Sale", "M33 3NB", "01619732580", "Bange Nursing Homes Limited"),
    ("Shawe House", "1-120100265", "N", "Pennybridge Lane, Flixton", "Manchester", "M41 5DX", "01617487867", "Shawe House Nursing Home Limited"),
    ("The Coppice", "1-120634876", "R", "51 Wellington Road", "Altrincham", "WA15 7RQ", "01619294178", "FitzRoy Support"),
    ("Prema Court", "1-121233178", "N", "Clifton Court, Ayres Road", "Manchester", "M16 7NX", "01612267698", "Deepdene Care Limited"),
    ("Norton Street", "1-121233192", "R", "28 Norton Street, Old Trafford", "Manchester", "M16 7GQ", "01612262979", "Deepdene Care Limited"),
    ("Beverley Park Nursing Home", "1-122648952", "N", "22 Sandy Lane, Stretford", "Manchester", "M32 9DA", "01618651883", "Beverley Park Nursing Home Limited"),
    ("The Cedars Rest Home Limited", "1-125016355", "R", "23 Langham Road, Bowdon", "Altrincham", "WA14 2HX", "01619284361", "Cedars Rest Home Limited(The)"),
    ("Kara House Residential Care Home", "1-125174664", "R", "29 Harboro Road", "Sale", "M33 5AN", "01619693393", "Trinity Merchants Limited"),
    ("Lynwood Lodge Residential Care Home", "1-125174681", "R", "20-22 Broad Road", "Sale", "M33 2AL", "01619737210", "Trinity Merchants Limited"),
    ("Ann Challis", "1-127443456", "R", "128 Stretford Road, Urmston", "Manchester", "M41 9LT", "01617483597", "J.E.M. Care Limited"),
    ("Woodend Care Home", "1-127818978", "N", "Bradgate Road", "Altrincham", "WA14 4QU", "01619295127", "Bupa Care Homes (ANS) Limited"),
    ("Beckdale House", "1-129616096", "R", "3 Beaufort Road", "Sale", "M33 3WR", "01619739393", "Care Network Solutions Limited"),
    ("Syrian House", "1-129770830", "R", "Sandiway Road, Ashton-on-Mersey", "Sale", "M33 5AL", "01925571680", "Making Space"),
    ("Faversham House Nursing Home", "1-135680885", "N", "59 Church Road, Urmston", "Manchester", "M41 9EJ", "01617485998", "Mrs R Hind"),
    ("Springfield House", "1-137364126", "R", "57 Warburton Lane, Partington", "Manchester", "M31 4NL", "01617761757", "Fairfield Residential Limited"),
    ("De Brook Lodge", "1-1411133409", "R", "110 Irlam Road, Flixton", "Manchester", "M41 6NA", "01617485403", "Ideal Carehomes (Number One) Limited"),
    ("Haylands Residential Home for Gentlemen", "1-145257554", "R", "93 Crofts Bank Road, Urmston", "Manchester", "M41 0US", "01617498887", "J.E.M. Care Limited"),
    ("Norwood Drive", "1-1770257802", "R", "2 Norwood Drive, Timperley", "Altrincham", "WA15 7LD", "01619049228", "Community Integrated Care"),
    ("Manorhey Care Centre", "1-1938268345", "N", "130 Stretford Road, Urmston", "Manchester", "M41 9LT", "01617476888", "Maria Mallaband 16 Limited"),
    ("Allingham House Care Centre", "1-1938268568", "N", "Deansgate Lane, Timperley", "Altrincham", "WA15 6SQ", "01619291783", "Maria Mallaband 16 Limited"),
    ("Yew Tree", "1-1993951152", "R", "Fairy Lane", "Sale", "M33 2JT", "01619739616", "City Care Partnership Limited"),
    ("York Lodge Residential Home", "1-206525971", "R", "54-56 Crofts Bank Road, Urmston", "Manchester", "M41 0UH", "01617482315", "Mr Alan Machen and Mrs Ann Crowe"),
    ("Ascot House", "1-216385979", "R", "Ascot Ave", "Sale", "M33 4GT", "01619620996", "Trafford Council"),
    ("Cheshire House", "1-2181244623", "N", "22 St Marys Road", "Sale", "M33 6SA", "01619051228", "Consensus (2013) Limited"),
    ("Mayfield Care Home", "1-2193087415", "R", "Beaufort Road", "Sale", "M33 3WR", "01619732371", "Mayfield Carehome Ltd"),
    ("Four Oaks Care Home", "1-2650333959", "N", "28 Wood Lane, Partington", "Manchester", "M31 4LX", "01613593983", "Kingsley Care Homes Limited"),
    ("EAM House", "1-280605934", "N", "Manchester Road, Partington", "Manchester", "M31 4DJ", "01617778511", "Elizabeth Marland Children's Respite Care Limited"),
    ("Ferrol Lodge", "1-3001064734", "R", "49 Northenden Road", "Sale", "M33 2DL", "01619624056", "Ferrol Lodge Care Home Limited"),
    ("Flixton Manor", "1-303667371", "N", "2-8 Delamere Road, Urmston", "Manchester", "M41 5QL", "01617467175", "Flixton House Limited"),
    ("Timperley Care Home", "1-307692210", "N", "53d Mainwood Road, Timperley", "Altrincham", "WA15 7JW", "01619808001", "Hestia Healthcare Properties Limited"),
    ("Ashlands Manor Care Centre", "1-3537785301", "B", "2 Ashlands", "Sale", "M33 5PD", "01619050760", "New Care Projects Sale (OPCO) Limited"),
    ("Sunrise of Hale Barns", "1-3873974542", "R", "295 Hale Road, Hale Barns", "Altrincham", "WA15 8SN", "01619809500", "Sunrise UK Operations Limited"),
    ("Oldfield Bank Residential Care Home", "1-3909880280", "R", "5 Highgate Road", "Altrincham", "WA14 4QZ", "01619280658", "3A Care (Altrincham) Limited"),
    ("Serendipity Home", "1-438259485", "N", "Greenfield Avenue, Urmston", "Manchester", "M41 0XN", "01617473738", "Premum Care Ltd"),
    ("Claremont Care Home", "1-447730631", "R", "254-256 Washway Road", "Sale", "M33 4RZ", "01619737130", "Claremont Care Home Limited"),
    ("Meade Close", "1-4659240298", "R", "1-2 Meade Close, Urmston", "Manchester", "M41 5BL", "01617468301", "Salutem LD BidCo IV Limited"),
    ("10 Spennithorne Road", "1-466088203", "R", "10 Spennithorne Road, Urmston", "Manchester", "M41 5BU", "01617486414", "Future Directions CIC"),
    ("Creative Support - Trafford Respite Service", "1-493907710", "R", "10 Shawe Road, Flixton", "Manchester", "M41 5DL", "01617483562", "Creative Support Limited"),
    ("Northenden House", "1-4978955325", "N", "448 Northenden Road", "Sale", "M33 2RB", "01619626660", "Caritas Services Limited"),
    ("Urmston Manor", "1-5051437274", "R", "61-63 Church Road, Urmston", "Manchester", "M41 9EJ", "07429340652", "Skydda Homes Limited"),
    ("Brookfield Nursing Home", "1-5139150025", "N", "71 Crofts Bank Road, Urmston", "Manchester", "M41 0UB", "01617475365", "Mrs R Hind"),
    ("Harboro", "1-711024161", "R", "34 Harboro Road", "Sale", "M33 5AH", "01619732296", "Stockdales Of Sale, Altrincham & District Ltd"),
    ("Bowfell House", "1-7641014496", "R", "2 Brook Road, Urmston", "Manchester", "M41 5RQ", "01617553818", "The Knoll Care Partnership Limited"),
    ("Amberley Care Home", "1-8503184790", "N", "28 Delaunays Road", "Sale", "M33 6RX", "01618258222", "Amberley Care Home Limited"),
    ("Oakfield Croft", "1-8545095986", "N", "1 Oakfield", "Sale", "M33 6NB", "03300583240", "Care UK Community Partnerships Ltd"),
]
# Illustrative rows outside Trafford (the import keeps only the council's area).
ELSEWHERE = [
    ("Dom Polski Residential Care Home", "1-900000001", "R", "18 Carlton Road, Whalley Range", "Manchester", "M16 8BB", "01612261836", "Society of Christ"),
    ("Victoria Nursing Home", "1-900000002", "N", "9 Anson Road, Victoria Park", "Manchester", "M14 5BY", "01612240302", "Victoria Nursing Home Limited"),
]
LEARNING_DISABILITY = {"SignHealth", "FitzRoy Support", "Community Integrated Care", "Salutem LD BidCo IV Limited", "Future Directions CIC", "Creative Support Limited", "Making Space"}
RATINGS = ["Good", "Good", "Outstanding", "Good", "Requires improvement", "Good", "Good"]

SERVICE_TYPES = ["Care home service with nursing", "Care home service without nursing", "Domiciliary care service"]
USER_BANDS = ["Dementia", "Older People", "Learning disabilities or autistic spectrum disorder", "Physical Disability", "Sensory Impairment"]
ACTIVITIES = ["Accommodation for persons who require nursing or personal care", "Treatment of disease, disorder or injury"]
HEADER = (
    ["Location ID", "Location ODS Code", "Location Name", "Location Telephone Number", "Location Web Address",
     "Care home?", "Care homes beds", "Location Type/Sector", "Location Inspection Directorate",
     "Location Primary Inspection Category", "Location Latest Overall Rating", "Publication Date",
     "Inherited Rating (Y/N)", "Location Region", "Location Local Authority", "Location Street Address",
     "Location City", "Location Postal Code", "Location HSCA start date", "Dormant (Y/N)"]
    + [f"Regulated activity - {a}" for a in ACTIVITIES]
    + [f"Service type - {t}" for t in SERVICE_TYPES]
    + [f"Service user band - {b}" for b in USER_BANDS]
    + ["Provider ID", "Provider Name", "Provider Type/Sector"]
)
DATE_COLUMNS = {"Publication Date", "Location HSCA start date"}


def number(text, low, high):
    """A stable made-up number for a text."""
    digest = int(hashlib.sha256(text.encode()).hexdigest(), 16)
    return low + digest % (high - low + 1)


def provider_id(name):
    return f"1-10{number(name, 1000000, 9999999)}"


def rows(month):
    out = []
    for i, (name, loc, kind, street, town, postcode, phone, provider) in enumerate(HOMES + ELSEWHERE):
        if month == 1 and name == "Harboro":
            continue
        if month == 2 and name == "Headonhey":
            continue
        rating = RATINGS[i % len(RATINGS)]
        if name in ("Lime Tree House", "Headonhey"):
            rating = "Good"
        if name == "Wyncourt Nursing Home":
            rating = "Outstanding"
        published = datetime.date(2025, 1, 6) + datetime.timedelta(days=number(loc, 0, 600))
        if month == 2 and name == "Lime Tree House":
            rating, published = "Requires improvement", datetime.date(2026, 11, 3)
        nursing = kind in ("N", "B")
        without = kind in ("R", "B")
        ld = provider in LEARNING_DISABILITY
        dementia = not ld and number(loc + "d", 0, 2) > 0
        row = {
            "Location ID": loc,
            "Location ODS Code": "",
            "Location Name": name,
            "Location Telephone Number": phone,
            "Location Web Address": "",
            "Care home?": "Y",
            "Care homes beds": number(loc + "b", 8, 90),
            "Location Type/Sector": "Social Care Org",
            "Location Inspection Directorate": "Adult social care",
            "Location Primary Inspection Category": "Residential social care",
            "Location Latest Overall Rating": rating,
            "Publication Date": published,
            "Inherited Rating (Y/N)": "N",
            "Location Region": "North West",
            "Location Local Authority": "Manchester" if (name, loc, kind, street, town, postcode, phone, provider) in ELSEWHERE else "Trafford",
            "Location Street Address": street,
            "Location City": town,
            "Location Postal Code": postcode,
            "Location HSCA start date": datetime.date(2026, 10, 20) if name == "Harboro" else datetime.date(2010, 10, 1) + datetime.timedelta(days=number(loc + "s", 0, 3000)),
            "Dormant (Y/N)": "N",
            f"Regulated activity - {ACTIVITIES[0]}": "Y",
            f"Regulated activity - {ACTIVITIES[1]}": "Y" if nursing else "",
            f"Service type - {SERVICE_TYPES[0]}": "Y" if nursing else "",
            f"Service type - {SERVICE_TYPES[1]}": "Y" if without else "",
            f"Service type - {SERVICE_TYPES[2]}": "",
            f"Service user band - {USER_BANDS[0]}": "Y" if dementia else "",
            f"Service user band - {USER_BANDS[1]}": "" if ld else "Y",
            f"Service user band - {USER_BANDS[2]}": "Y" if ld else "",
            f"Service user band - {USER_BANDS[3]}": "Y" if number(loc + "p", 0, 1) else "",
            f"Service user band - {USER_BANDS[4]}": "Y" if provider == "SignHealth" else "",
            "Provider ID": provider_id(provider),
            "Provider Name": provider,
            "Provider Type/Sector": "Social Care Org",
        }
        out.append(row)
    return out


def title_rows(month):
    day = "1 October 2026" if month == 1 else "1 November 2026"
    return [[f"Care directory with filters ({day})"], ["Active locations registered with the Care Quality Commission"], []]


def write_csv(path, month):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    for t in title_rows(month):
        w.writerow(t)
    w.writerow(HEADER)
    for r in rows(month):
        w.writerow([r[c].strftime("%d/%m/%Y") if c in DATE_COLUMNS else r[c] for c in HEADER])
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(buf.getvalue())


def ods_cell(value, column=None):
    if value == "" or value is None:
        return "<table:table-cell/>"
    if isinstance(value, datetime.date):
        iso = value.isoformat()
        return f'<table:table-cell office:value-type="date" office:date-value="{iso}"><text:p>{value.strftime("%d/%m/%Y")}</text:p></table:table-cell>'
    if isinstance(value, int):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


def ods_row(cells):
    return "<table:table-row>" + "".join(ods_cell(c) for c in cells) + "</table:table-row>"


def write_ods(path, month):
    readme = "".join(ods_row([line]) for line in [
        "README",
        "This file lists every location registered with the Care Quality Commission.",
        "The locations are on the HSCA_Active_Locations sheet.",
    ])
    sheet = "".join(ods_row(t) for t in title_rows(month))
    sheet += ods_row(HEADER)
    sheet += "".join(ods_row([r[c] for c in HEADER]) for r in rows(month))
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet>'
        f'<table:table table:name="README">{readme}</table:table>'
        f'<table:table table:name="HSCA_Active_Locations">{sheet}</table:table>'
        '</office:spreadsheet></office:body></office:document-content>'
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '</manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2026, 1, 1, 0, 0, 0)), "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        for name, data in [("META-INF/manifest.xml", manifest), ("content.xml", content)]:
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


def column_letter(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx_cell(ref, value):
    if value == "" or value is None:
        return ""
    if isinstance(value, datetime.date):
        serial = (value - datetime.date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def xlsx_sheet(table):
    out = []
    for y, cells in enumerate(table, start=1):
        out.append(f'<row r="{y}">' + "".join(xlsx_cell(f"{column_letter(x)}{y}", v) for x, v in enumerate(cells)) + "</row>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + "".join(out) + "</sheetData></worksheet>")


def write_xlsx(path, month):
    readme = [["README"], ["The locations are on the HSCA_Active_Locations sheet."]]
    table = title_rows(month) + [HEADER] + [[r[c] for c in HEADER] for r in rows(month)]
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            '<sheets><sheet name="README" sheetId="1" r:id="rId1"/><sheet name="HSCA_Active_Locations" sheetId="2" r:id="rId2"/></sheets>'
            '</workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
            f'<Relationship Id="rId3" Type="{ns}/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '</Relationships>'),
        "xl/styles.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<styleSheet xmlns="{ns}/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Arial"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '</styleSheet>'),
        "xl/worksheets/sheet1.xml": xlsx_sheet(readme),
        "xl/worksheets/sheet2.xml": xlsx_sheet(table),
    }
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    write_ods(f"{OUT}/HSCA_Active_Locations_2026-10.ods", 1)
    write_csv(f"{OUT}/HSCA_Active_Locations_2026-10.csv", 1)
    write_xlsx(f"{OUT}/HSCA_Active_Locations_2026-11.xlsx", 2)
    write_csv(f"{OUT}/HSCA_Active_Locations_2026-11.csv", 2)
