"""docs/CONTRACT.md §14.1: `-o xlsx`, read back by the readers people use (openpyxl, LibreOffice), with
the values `-o csv` prints: numbers numeric, strings strings, date-times dates in UTC."""
import csv
import datetime
import io
import json
import os
import shutil
import subprocess
import zipfile

import pytest

from conftest import SOPORTE, TOKEN, env_for, sweep
from ptyutil import run_pty

openpyxl = pytest.importorskip("openpyxl", reason="python3-openpyxl is not installed (make test-deps)")
from openpyxl.utils.escape import unescape  # noqa: E402


def xlsx(tmp_path, args, sb, name="out.xlsx", env=None, timeout=300):
    """Runs soporte with stdout to a file (it is binary); returns (rc, stderr, path)."""
    path = tmp_path / name
    e = env_for(sb, XDG_STATE_HOME=str(tmp_path / "state"), SOPORTE_CONFIG=str(tmp_path / "no-config"))
    e.update(env or {})
    with open(path, "wb") as f:
        p = subprocess.run([SOPORTE, *args, "-o", "xlsx"], env=e, stdout=f, stderr=subprocess.PIPE, timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    sweep(err, path.read_bytes())
    return p.returncode, err, path


def csv_of(run, args, sb, env=None):
    r = run([*args, "-o", "csv"], sb, env=env)
    assert r.rc == 0, r
    return list(csv.reader(io.StringIO(r.out, newline="")))


def iso_utc(text):
    """A date-time of the API as the naive UTC datetime a sheet holds, or None."""
    try:
        if len(text) == 10:
            return datetime.datetime.strptime(text, "%Y-%m-%d")
        d = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if d.tzinfo is None:
        return None
    return d.astimezone(datetime.timezone.utc).replace(tzinfo=None)


def kinds(run, args, sb, columns, env=None):
    """Per row and column, the JSON type of the value (from NDJSON): what the cell must be."""
    r = run([*args, "-o", "ndjson"], sb, env=env)
    assert r.rc == 0, r

    def at(obj, col):
        if col in obj:
            return obj[col]
        cur = obj
        for part in col.split("."):
            if not isinstance(cur, dict) or part not in cur:
                return None
            cur = cur[part]
        return cur
    return [[at(json.loads(line), c) for c in columns] for line in r.out.splitlines()]


def check_openpyxl_row(cells, csv_row, values):
    for got, text, value in zip(cells, csv_row, values):
        if value is None:
            assert got is None, (got, text)
        elif isinstance(value, bool):
            assert got is value
        elif isinstance(value, (int, float)):
            assert isinstance(got, (int, float)) and not isinstance(got, bool), (got, text)
            assert got == (int(text) if isinstance(got, int) else float(text))
        elif isinstance(value, str) and iso_utc(value) is not None:
            assert isinstance(got, datetime.datetime), (got, text)
            assert got == iso_utc(text), (got, text)
        else:
            # openpyxl 3.0 leaves OOXML's _xHHHH_ escapes in inline strings as written (it
            # decodes them in shared strings only); Excel and LibreOffice decode them.
            assert isinstance(got, str), (got, text)
            assert unescape(got) == text, (got, text)


WALKS = [
    (["accounts", "list"], "accounts"),
    (["invoices", "list"], "invoices"),
    (["accounts", "list", "--fields", "id,owner,limits.databases,tags,notes,created_at"], "accounts"),
    (["accounts", "get", "10"], "accounts"),
    (["servers", "list", "--per-page", "3"], "servers"),
]


@pytest.mark.parametrize("args,sheet", WALKS)
def test_openpyxl_reads_the_values_csv_prints(run, sb, tmp_path, args, sheet):
    rows = csv_of(run, args, sb)
    rc, err, path = xlsx(tmp_path, args, sb)
    assert rc == 0, err
    assert zipfile.ZipFile(path).testzip() is None
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [sheet]
    ws = wb[sheet]
    got = list(ws.iter_rows(values_only=True))
    assert len(got) == len(rows) and len(rows) > 1
    assert list(got[0]) == rows[0]                         # the header: the CSV's columns
    values = kinds(run, args, sb, rows[0])
    for cells, csv_row, vals in zip(got[1:], rows[1:], values):
        check_openpyxl_row(cells, csv_row, vals)
    # Header bold and frozen, a filter over the used range, widths fitted.
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(rows[0]))
    assert ws.auto_filter.ref == f"A1:{last}{len(rows)}"
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width for i in range(len(rows[0]))]
    assert all(6 <= w <= 62 for w in widths)
    if "owner" in rows[0]:
        i = rows[0].index("owner")
        assert widths[i] > widths[0]                        # names are wider than ids


def test_the_sandbox_values_with_accents_cjk_quotes_newlines_tabs_and_escapes_arrive(run, sb, tmp_path):
    rc, err, path = xlsx(tmp_path, ["accounts", "list"], sb)
    assert rc == 0, err
    texts = {unescape(c) for row in openpyxl.load_workbook(path).active.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    for t in ["José Núñez", "Ñandú Ltda.", "山田太郎", 'Says "hello", then leaves', "line one\nline two", "col1\tcol2",
              "=HYPERLINK(\"http://example.com\")", "\x1b[31mred alert\x1b[0m", "back\\slash, comma", "日本語のメモ 📝",
              'Ana "La Jefa" Pérez', "O'Brien, Patrick"]:
        assert t in texts, t


def parse_lo_csv(text):
    """LibreOffice's CSV, keeping whether each field was quoted (it quotes text cells)."""
    rows, row, field, quoted, i, n = [], [], "", False, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"' and field == "" and not quoted:
            quoted, i = True, i + 1
            while i < n:
                if text[i] == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        field, i = field + '"', i + 2
                        continue
                    i += 1
                    break
                field, i = field + text[i], i + 1
            continue
        if c == ",":
            row.append((field, quoted)); field, quoted = "", False
        elif c == "\n":
            row.append((field, quoted)); rows.append(row); row, field, quoted = [], "", False
        elif c != "\r":
            field += c
        i += 1
    if field or row:
        row.append((field, quoted)); rows.append(row)
    return rows


def libreoffice_csv(tmp_path, path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed (Debian libreoffice-calc-nogui; make test-deps)")
    out = tmp_path / "lo"
    # A profile of its own, so that parallel runs do not share (and lock) one.
    p = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", str(out), str(path)],
                       capture_output=True, text=True, timeout=180)
    produced = out / (path.stem + ".csv")
    assert produced.exists(), p.stdout + p.stderr
    return parse_lo_csv(produced.read_text(encoding="utf-8"))


@pytest.mark.parametrize("args", [["accounts", "list"], ["invoices", "list", "--per-page", "50"]])
def test_libreoffice_reads_the_values_csv_prints(run, sb, tmp_path, args):
    rows = csv_of(run, args, sb)
    rc, err, path = xlsx(tmp_path, args, sb)
    assert rc == 0, err
    lo = libreoffice_csv(tmp_path, path)
    assert len(lo) == len(rows)
    assert [f for f, _ in lo[0]] == rows[0]
    values = kinds(run, args, sb, rows[0])
    for lo_row, csv_row, vals in zip(lo[1:], rows[1:], values):
        assert len(lo_row) == len(csv_row)
        for (got, quoted), text, value in zip(lo_row, csv_row, vals):
            if value is None:
                assert (got, quoted) == ("", False)
            elif isinstance(value, bool):
                assert not quoted and got.lower() == text
            elif isinstance(value, (int, float)):
                assert not quoted and float(got) == float(text), (got, text)    # a number, not text
            elif isinstance(value, str) and iso_utc(value) is not None:
                assert not quoted, (got, text)                                  # a date, not text
                assert got == iso_utc(text).strftime("%Y-%m-%d" if len(text) == 10 else "%Y-%m-%d %H:%M:%S"), (got, text)
            else:
                assert quoted and got == text, (got, text)


def write_history(tmp_path, records):
    d = tmp_path / "state" / "soporte"
    d.mkdir(parents=True, exist_ok=True)
    (d / "history").write_text("".join(r + "\n" for r in reversed(records)), encoding="utf-8")


# Written as JSON text, so that the literals are exactly these.
TRICKY = ('{"time": "2026-03-01T10:00:00+02:00", "method": "007", "path": "1e5", "status": 100.10,'
          ' "request_id": null, "big": 9007199254740993, "ok": true, "no": false, "ctrl": "a\\u0001b\\u001fc",'
          ' "under": "_x0041_", "cr": "a\\r\\nb", "nest": {"a": 1}, "arr": [1, "x"], "amp": "<&>]]>",'
          ' "lead": "  sp  ", "day": "2026-03-01", "ms": "2026-03-01T10:00:00.123Z", "old": "1899-12-31T00:00:00Z",'
          ' "nozone": "2026-03-01T10:00:00", "badday": "2026-02-30", "neg": -0.5e-3, "late": "2026-03-01T23:30:00-05:00",'
          ' "nonchar": "x\\uffffy"}')


def test_numbers_keep_their_literal_strings_stay_strings_dates_are_utc(run, tmp_path):
    write_history(tmp_path, [TRICKY, '{"time": "2026-03-02T00:00:00Z", "method": "DELETE", "path": "/x"}'])
    e = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SOPORTE_CONFIG": str(tmp_path / "no-config"), "LANG": "C.UTF-8",
         "XDG_STATE_HOME": str(tmp_path / "state"), "SOPORTE_API_TOKEN": TOKEN}
    path = tmp_path / "h.xlsx"
    with open(path, "wb") as f:
        p = subprocess.run([SOPORTE, "history", "-o", "xlsx"], env=e, stdout=f, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>100.10</v>" in sheet and "<v>9007199254740993</v>" in sheet and "<v>-0.5e-3</v>" in sheet
    assert "_x0001_" in sheet and "_x001F_" in sheet and "_x005F_x0041_" in sheet and "_xFFFF_" in sheet
    assert "a&#13;\nb" in sheet and "&lt;&amp;&gt;]]&gt;" in sheet

    ws = openpyxl.load_workbook(path)["history"]
    header, row, second = list(ws.iter_rows(values_only=True))
    v = dict(zip(header, row))
    assert v["time"] == datetime.datetime(2026, 3, 1, 8, 0, 0)            # +02:00, in UTC
    assert v["late"] == datetime.datetime(2026, 3, 2, 4, 30, 0)           # -05:00 crosses midnight
    assert v["ms"] == datetime.datetime(2026, 3, 1, 10, 0, 0, 123000)
    assert v["day"] == datetime.datetime(2026, 3, 1)
    assert v["method"] == "007" and v["path"] == "1e5"                    # strings stay strings
    assert v["status"] == 100.1 and v["big"] == 9007199254740993 and v["neg"] == -0.0005
    assert v["ok"] is True and v["no"] is False and v["request_id"] is None
    assert unescape(v["ctrl"]) == "a\x01b\x1fc" and v["cr"] == "a\r\nb" and v["amp"] == "<&>]]>"
    assert v["lead"] == "  sp  " and v["nest.a"] == 1 and v["arr"] == '[1,"x"]'
    for text in ("old", "nozone", "badday"):                              # not dates: kept as text
        assert isinstance(v[text], str)
    assert ws["A2"].number_format == "yyyy-mm-dd hh:mm:ss" and ws.cell(2, header.index("ms") + 1).number_format.endswith(".000")
    assert second[0] == datetime.datetime(2026, 3, 2)

    lo = libreoffice_csv(tmp_path, path)
    w = dict(zip([f for f, _ in lo[0]], lo[1]))
    assert w["under"] == ("_x0041_", True)                                 # the escape of the escape
    assert w["ctrl"] == ("a\x01b\x1fc", True) and w["cr"][0] in ("a\r\nb", "a\nb")
    assert w["nonchar"][1] and w["method"] == ("007", True) and w["path"] == ("1e5", True)
    assert w["time"] == ("2026-03-01 08:00:00", False) and w["status"] == ("100.1", False)


def test_a_secret_in_the_data_is_redacted_and_the_workbook_stays_whole(tmp_path):
    escaped = json.dumps(TOKEN, ensure_ascii=True)                         # \u00f1: only decoding shows it
    write_history(tmp_path, [
        '{"time": "2026-03-01T10:00:00Z", "plain": %s, "markup": %s, "escaped": %s}'
        % (json.dumps(TOKEN, ensure_ascii=False), json.dumps("a<b & " + TOKEN, ensure_ascii=False), escaped)])
    e = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "SOPORTE_CONFIG": str(tmp_path / "no-config"), "LANG": "C.UTF-8",
         "XDG_STATE_HOME": str(tmp_path / "state"), "SOPORTE_API_TOKEN": TOKEN}
    path = tmp_path / "s.xlsx"
    with open(path, "wb") as f:
        p = subprocess.run([SOPORTE, "history", "-o", "xlsx"], env=e, stdout=f, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    data = path.read_bytes()
    sweep(data, zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"))
    assert zipfile.ZipFile(path).testzip() is None                         # CRCs and sizes still right
    v = dict(zip(*openpyxl.load_workbook(path).active.iter_rows(values_only=True)))
    assert v["plain"] == "[redacted]" and v["markup"] == "a<b & [redacted]" and "[redacted]" in v["escaped"]


def test_on_a_terminal_it_is_refused_before_any_request(sb, tmp_path):
    sb.reset()
    rc, out = run_pty([SOPORTE, "accounts", "list", "-o", "xlsx"], env_for(sb, SOPORTE_CONFIG=str(tmp_path / "no-config")))
    assert rc == 2, out
    assert "redirect it to a file" in out and "accounts.xlsx" in out
    assert "PK" not in out
    assert sb.requests() == []


def test_commands_that_print_no_items_refuse_it_and_so_do_the_config_and_environment(run, sb):
    r = run(["accounts", "suspend", "1", "--yes", "-o", "xlsx"], sb)
    assert r.rc == 2 and "xlsx is for the list, get and history commands" in r.err, r
    r = run(["api", "GET", "/whm/accounts", "-o", "xlsx"], sb)
    assert r.rc == 2, r
    r = run(["accounts", "list"], sb, env={"SOPORTE_OUTPUT": "xlsx"})
    assert r.rc == 3 and "xlsx" in r.err, r
    assert sb.requests() == []


def test_a_walk_that_fails_part_way_leaves_no_workbook_a_reader_takes_for_whole(sb, tmp_path):
    sb.fault(match={"method": "GET", "path": "/v1/whm/accounts", "query": "page=3"}, count=10, status=500)
    rc, err, path = xlsx(tmp_path, ["accounts", "list", "--per-page", "50", "--retries", "0"], sb)
    assert rc == 8, err
    assert "--from-page 3" in err
    assert not zipfile.is_zipfile(path)


def test_no_items_still_gives_a_sheet_with_the_header(sb, tmp_path):
    rc, err, path = xlsx(tmp_path, ["accounts", "list", "--filter", "domain=nothing.invalid"], sb)
    assert rc == 0, err
    rows = list(openpyxl.load_workbook(path)["accounts"].iter_rows(values_only=True))
    assert len(rows) == 1 and rows[0][0] == "id"


def test_memory_is_flat_however_many_rows(fresh, tmp_path):
    """The workbook is streamed: 100 times the rows, about the same peak RSS."""
    peaks = {}
    for n in (200, 20_000):
        s = fresh("--invoices", str(n), "--accounts", "10", "--rate-limit", "off")
        path = tmp_path / f"{n}.xlsx"
        with open(path, "wb") as f:
            t = subprocess.run(["/usr/bin/time", "-f", "%M", SOPORTE, "invoices", "list", "-o", "xlsx"],
                               env=env_for(s, SOPORTE_CONFIG=str(tmp_path / "no-config")),
                               stdout=f, stderr=subprocess.PIPE, text=True, timeout=300)
        assert t.returncode == 0, t.stderr
        assert zipfile.ZipFile(path).testzip() is None
        assert zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").count(b"<row ") == n + 1
        peaks[n] = int(t.stderr.strip().splitlines()[-1])
    assert peaks[20_000] < peaks[200] + 8 * 1024, peaks
